"""Alice's Adventures in Wonderland (the text-generation assignment's book), downloaded on request.

No copy of the book is committed to the course and none ships with a dependency, so it is
a download, made only when asked for and checked twice by SHA-256:

* :func:`alice_text` (``download=True`` the first time) fetches the brotli 1.2.1 source
  distribution from PyPI, which carries the Canterbury-corpus file ``alice29.txt`` (Project
  Gutenberg etext #11, 152,089 bytes), verifies the archive, then the member, and caches the
  archive; later calls read the cached copy offline.
* :func:`read_gutenberg_text` reads a plain-text Project Gutenberg file you downloaded
  yourself (e.g. ``pg11.txt`` from https://www.gutenberg.org/ebooks/11) and drops the
  licence header and footer around the book.
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

from rnncourse.data.registry import dataset_info, load, register_dataset
from rnncourse.errors import ChecksumError, DatasetError, DatasetNotAvailableError

__all__ = ["alice_text", "read_alice_archive", "read_gutenberg_text"]

NAME = "alice_canterbury"


def read_alice_archive(path: Path) -> str:
    """Read ``alice29.txt`` out of the verified brotli source archive and check it too.

    Returns the book with Unix line ends (the file itself has DOS ones).
    """
    extra = dataset_info(NAME).extra
    member, expected = extra["member"], extra["member_sha256"]
    try:
        with tarfile.open(path, "r:gz") as archive:
            handle = archive.extractfile(member)
            if handle is None:
                raise KeyError(member)
            data = handle.read()
    except (tarfile.TarError, KeyError, OSError) as error:
        raise DatasetError(f"{path} does not hold {member} ({error}); it is not the brotli "
                           "1.2.1 source archive.") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ChecksumError(f"{member} inside {path} has SHA-256 {actual}, expected {expected}; "
                            "the archive is not the verified one.")
    # The corpus file has DOS line ends and a DOS end-of-file mark (Ctrl-Z); drop both.
    return data.decode("ascii").replace("\r\n", "\n").replace("\x1a", "")


register_dataset(NAME, reader=read_alice_archive)


def alice_text(download: bool = False, verbose: bool = True) -> str:
    """The full text of Alice's Adventures in Wonderland (Canterbury-corpus ``alice29.txt``).

    Args:
        download: Allow the one-off 7.4 MB download of the brotli 1.2.1 source archive from
            PyPI when no verified copy is cached (``~/.cache/rnncourse`` or
            ``$RNNCOURSE_DATA_DIR``). Without it, nothing touches the network.
        verbose: Print which copy was used.

    Raises:
        DatasetNotAvailableError: no cached copy and ``download`` is false.
        ChecksumError: the cached or downloaded archive, or the book inside it, fails
            its SHA-256 check.
    """
    try:
        text = load(NAME, download=download, verbose=verbose)
    except DatasetNotAvailableError:
        raise DatasetNotAvailableError(
            "Alice's Adventures in Wonderland is not on this machine yet. Allow the one-off "
            "download (7.4 MB, verified by SHA-256) with alice_text(download=True), or use a "
            "Project Gutenberg file you already have with read_gutenberg_text(path). The "
            "course's offline text is rnncourse.data.python_texts.python_help_topics()."
        ) from None
    return text


def read_gutenberg_text(path) -> str:
    """Read a Project Gutenberg plain-text book and keep only the book itself.

    Everything before the ``*** START OF ...`` line and from the ``*** END OF ...`` line on
    (the licence and the catalogue data) is dropped.

    Raises:
        DatasetError: the file is missing, is not UTF-8 text, or lacks the start and end
            markers of a Project Gutenberg file.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"There is no file {path}. Download the 'Plain Text UTF-8' file of "
                           "the book from gutenberg.org and pass its path.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text; download the book's 'Plain Text UTF-8' "
                           "file.") from None
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("*** START OF")]
    ends = [i for i, line in enumerate(lines) if line.startswith("*** END OF")]
    if not starts or not ends or ends[-1] <= starts[0]:
        raise DatasetError(f"{path} lacks the '*** START OF' and '*** END OF' lines around the "
                           "book, so it is not a Project Gutenberg plain-text file. Pass the "
                           "text itself (a str) instead of a path if it is your own text.")
    return "\n".join(lines[starts[0] + 1:ends[-1]]).strip("\n") + "\n"
