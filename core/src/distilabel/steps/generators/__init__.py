"""``distilabel.steps.generators``, the distilabel 1.x package of loader steps (an alias)."""

from distilabel.steps._data_sampler import DataSampler
from distilabel.steps._load_dicts import LoadDataFromDicts
from distilabel.steps._load_disk import LoadDataFromDisk
from distilabel.steps._load_files import LoadDataFromFileSystem
from distilabel.steps._load_hub import LoadDataFromHub

__all__ = [
    "DataSampler", "LoadDataFromDicts", "LoadDataFromDisk", "LoadDataFromFileSystem",
    "LoadDataFromHub",
]
