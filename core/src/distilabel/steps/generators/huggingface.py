"""``distilabel.steps.generators.huggingface``, the distilabel 1.x path of the Hub and
file-system loaders (an alias)."""

from distilabel.steps._load_disk import LoadDataFromDisk
from distilabel.steps._load_files import LoadDataFromFileSystem
from distilabel.steps._load_hub import LoadDataFromHub

__all__ = ["LoadDataFromDisk", "LoadDataFromFileSystem", "LoadDataFromHub"]
