"""The text-generation lab's texts: Python's help topics offline, Alice only on request.

Nothing here touches the network: the download test serves a small stand-in archive from
127.0.0.1, with its checksums swapped into the registry for the test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import io
import platform
import tarfile
import threading

import pytest

from rnncourse.data import alice, python_texts
from rnncourse.data.registry import DATA_DIR_ENV, REGISTRY, load
from rnncourse.errors import ChecksumError, DatasetError, DatasetNotAvailableError

ALICE = REGISTRY["alice_canterbury"]
MEMBER = ALICE.extra["member"]
BOOK = b"\r\nALICE'S ADVENTURES\r\nDown the Rabbit-Hole\r\n\x1a"


def _archive(member_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(MEMBER)
        info.size = len(member_bytes)
        archive.addfile(info, io.BytesIO(member_bytes))
    return buffer.getvalue()


@pytest.fixture
def stand_in(monkeypatch, tmp_path):
    """Serve a small archive in the real one's layout; swap its checksums into the registry."""
    body = _archive(BOOK)
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name is http.server's
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setitem(REGISTRY, ALICE.name, dataclasses.replace(
        ALICE, url=f"http://127.0.0.1:{server.server_address[1]}/brotli.tar.gz",
        sha256=hashlib.sha256(body).hexdigest(),
        extra={**ALICE.extra, "member_sha256": hashlib.sha256(BOOK).hexdigest()}))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "cache"))
    yield requests
    server.shutdown()
    server.server_close()


def test_alice_is_never_downloaded_unless_asked(stand_in):
    with pytest.raises(DatasetNotAvailableError, match=r"alice_text\(download=True\)"):
        alice.alice_text()
    assert stand_in == []


def test_alice_downloads_on_request_is_verified_twice_and_cached(stand_in, capsys):
    text = alice.alice_text(download=True)
    assert text == "\nALICE'S ADVENTURES\nDown the Rabbit-Hole\n"  # DOS line ends and ^Z gone
    assert "fresh download verified" in capsys.readouterr().out
    assert alice.alice_text() == text and len(stand_in) == 1  # the second time from the cache


def test_a_different_book_inside_a_good_archive_is_refused(stand_in, monkeypatch):
    entry = REGISTRY[ALICE.name]
    monkeypatch.setitem(REGISTRY, ALICE.name, dataclasses.replace(
        entry, extra={**entry.extra, "member_sha256": "0" * 64}))
    with pytest.raises(ChecksumError, match="not the verified one"):
        alice.alice_text(download=True)


def test_the_real_entry_pins_the_brotli_archive_and_the_book():
    assert ALICE.url.startswith("https://files.pythonhosted.org/") and \
        ALICE.url.endswith("brotli-1.2.1.tar.gz")
    assert ALICE.extra["member_bytes"] == 152089
    assert len(ALICE.sha256) == len(ALICE.extra["member_sha256"]) == 64


def test_a_gutenberg_file_loses_its_licence_header_and_footer(tmp_path):
    path = tmp_path / "pg11.txt"
    path.write_text("\ufeffThe Project Gutenberg eBook\n*** START OF THE PROJECT GUTENBERG "
                    "EBOOK 11 ***\n\nCHAPTER I.\nAlice was beginning\n*** END OF THE PROJECT "
                    "GUTENBERG EBOOK 11 ***\nlicence text\n", encoding="utf-8")
    assert alice.read_gutenberg_text(path) == "CHAPTER I.\nAlice was beginning\n"
    plain = tmp_path / "plain.txt"
    plain.write_text("no markers here\n")
    with pytest.raises(DatasetError, match="START OF"):
        alice.read_gutenberg_text(plain)
    with pytest.raises(DatasetError, match="no file"):
        alice.read_gutenberg_text(tmp_path / "missing.txt")


def test_python_help_topics_are_read_offline_without_running_the_file(capsys):
    text = python_texts.python_help_topics()
    assert platform.python_version() in capsys.readouterr().out
    assert 400_000 < len(text) < 600_000
    assert 'The "assert" statement' in text and "\n\n" in text
    assert load("python_help_topics", verbose=False) == text


def test_a_topics_file_without_the_dictionary_is_refused(tmp_path):
    fake = tmp_path / "topics.py"
    fake.write_text("import os\nos.system('echo never run')\n")
    with pytest.raises(DatasetError, match="no literal"):
        python_texts.read_help_topics(fake)
    fake.write_text("topics = {'a': 'b'}\n")
    assert python_texts.read_help_topics(fake) == {"a": "b"}
