"""cleaner: clean scraped articles and report every block it removes."""

import logging

from .config import Config
from .emit import restore
from .errors import CleanerError, CorpusError, InputError, ModelError
from .pipeline import Cleaner, clean
from .types import CATEGORIES, CleanResult, Removal

__all__ = [
    "CATEGORIES",
    "CleanResult",
    "Cleaner",
    "CleanerError",
    "Config",
    "CorpusError",
    "InputError",
    "ModelError",
    "Removal",
    "clean",
    "restore",
]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
