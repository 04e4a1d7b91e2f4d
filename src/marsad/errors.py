"""One error hierarchy: every message says what went wrong and what to do."""


class MarsadError(Exception):
    """Base class of every error marsad raises on purpose."""


class ConfigError(MarsadError):
    """A setting is missing or malformed."""


class InputError(MarsadError):
    """An input (file, page, feed, query parameter) cannot be used."""


class NotFound(MarsadError):
    """The thing asked for does not exist."""


class StoreError(MarsadError):
    """The database cannot be opened or migrated."""
