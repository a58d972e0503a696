"""Steps: the units a pipeline runs."""
