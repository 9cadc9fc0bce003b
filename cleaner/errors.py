"""The errors a user can cause, each with a message that says what was wrong."""


class CleanerError(Exception):
    """Base of cleaner's own errors."""


class InputError(CleanerError):
    """An input that cannot be cleaned: binary, undecodable, too large, malformed."""


class ModelError(CleanerError):
    """A model file that is missing, altered, of an unknown format or asks for untrusted types."""


class CorpusError(CleanerError):
    """Training data that is empty or malformed."""
