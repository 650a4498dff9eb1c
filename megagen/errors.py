"""Typed errors: the library raises these, the CLI turns them into one-line messages."""


class MegagenError(Exception):
    """Base class for every error a user can cause."""


class ConfigError(MegagenError):
    """A preset or option is malformed, unknown or out of range (CLI exit 2)."""


class ArgumentError(ConfigError, ValueError):
    """A library argument is out of range (a level range, a size, a coordinate, a part)."""


class OutputError(MegagenError):
    """The output location cannot be used (exists and not forced, not writable)."""
