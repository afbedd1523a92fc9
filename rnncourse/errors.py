"""The errors the package raises: one base class, a few kinds, each message a fix.

Every error raised on purpose by :mod:`rnncourse` derives from :class:`RNNCourseError`,
so ``except RNNCourseError`` catches exactly the problems the course diagnosed. Each kind
also subclasses the built-in exception a Python user would expect (``ValueError`` for a
bad value, ``FileNotFoundError`` for missing data, ...), so ``except ValueError`` keeps
working too. Messages say what is wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "RNNCourseError",
    "InputError",
    "ArgumentTypeError",
    "ShapeError",
    "UnknownNameError",
    "OutOfRangeError",
    "UnsupportedError",
    "MissingDependencyError",
    "ConfigError",
    "UnknownSettingError",
    "DatasetError",
    "UnknownDatasetError",
    "DatasetNotAvailableError",
    "DownloadError",
    "ChecksumError",
    "TrainingError",
]


class RNNCourseError(Exception):
    """Base class of every error the course raises on purpose."""


class InputError(RNNCourseError, ValueError):
    """An argument has a value the function cannot use (a negative size, an unknown mode)."""


class ArgumentTypeError(RNNCourseError, TypeError):
    """An argument is the wrong kind of object (a layer where a model is needed, ...)."""


class ShapeError(InputError):
    """Arrays do not have the shapes, ranks or types that fit together."""


class UnknownNameError(InputError, KeyError):
    """A name was asked for that does not exist (a gate, a recorded quantity, a run)."""

    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes.
        return str(self.args[0]) if self.args else ""


class OutOfRangeError(InputError, IndexError):
    """An index points outside the items there are."""


class UnsupportedError(RNNCourseError, NotImplementedError):
    """A configuration the course's code does not implement (say, a non-default activation)."""


class MissingDependencyError(RNNCourseError, ImportError):
    """A package the function needs is not installed; the message says how to install it."""


class ConfigError(InputError):
    """A run-configuration value (mode, seed, notebook id, data folder) is not usable."""


class UnknownSettingError(ConfigError, AttributeError):
    """A notebook asked its run settings for a value they do not have."""


class DatasetError(RNNCourseError):
    """A dataset cannot be found, read, verified or downloaded."""


class UnknownDatasetError(DatasetError, KeyError):
    """The name is not in the dataset registry."""

    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes.
        return str(self.args[0]) if self.args else ""


class DatasetNotAvailableError(DatasetError, FileNotFoundError):
    """No local copy exists and no download was asked for (or none is possible)."""


class DownloadError(DatasetError, ConnectionError):
    """The download failed: offline, timed out, refused, or not found on the server."""


class ChecksumError(DatasetError, ValueError):
    """A file's SHA-256 does not match the registry: corrupted, partial or different."""


class TrainingError(RNNCourseError, RuntimeError):
    """Training cannot start or resume (an unusable backup, a bad run name)."""
