"""The dataset registry: offline loading, verified downloads and the errors users see.

Downloads are tested against a throwaway HTTP server on 127.0.0.1, so the tests never
leave this machine.
"""

import dataclasses
import hashlib
import http.server
import re
import threading
import time
from pathlib import Path

import pytest

from rnncourse.data.registry import (
    DATA_DIR_ENV,
    REGISTRY,
    dataset_info,
    download,
    list_datasets,
    load,
)
from rnncourse.data.weather import read_seattle_weather
from rnncourse.errors import (
    ChecksumError,
    DatasetError,
    DatasetNotAvailableError,
    DownloadError,
    UnknownDatasetError,
)

REPO = Path(__file__).resolve().parents[2]
WEATHER = REGISTRY["seattle_weather"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder for each test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def registry_entry(monkeypatch):
    """Swap the weather entry for a modified copy for one test."""

    def install(**changes):
        entry = dataclasses.replace(WEATHER, **changes)
        monkeypatch.setitem(REGISTRY, "seattle_weather", entry)
        return entry

    return install


class _Server:
    def __init__(self, body: bytes, delay: float = 0.0, status: int = 200):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - name fixed by http.server
                outer.requests += 1
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.requests = 0
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/seattle-weather.csv"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(body: bytes, delay: float = 0.0, status: int = 200) -> _Server:
        server = _Server(body, delay, status)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _good_bytes() -> bytes:
    return WEATHER.packaged_path().read_bytes()


def _closed_port_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing.csv"


# --- the registry -----------------------------------------------------------


def test_every_entry_is_documented_in_the_registry_and_readme():
    readme = (REPO / "datasets" / "README.md").read_text()
    for name in list_datasets():
        info = dataset_info(name)
        for field in ("description", "licence", "origin", "size"):
            assert getattr(info, field).strip(), f"{name} has no {field}"
        assert info.notebooks, f"{name} names no notebook"
        if info.url:
            assert re.fullmatch(r"[0-9a-f]{64}", info.sha256 or ""), f"{name} lacks a sha256"
        assert f"`{name}`" in readme, f"datasets/README.md does not list {name}"


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(UnknownDatasetError) as error:
        load("seatle_weather")
    assert "seattle_weather" in str(error.value) and "Known datasets" in str(error.value)
    with pytest.raises(UnknownDatasetError, match="strings"):
        load(3)


def test_names_are_forgiving_about_case_and_dashes():
    assert dataset_info("Seattle-Weather").name == "seattle_weather"


# --- offline loading ----------------------------------------------------------


def test_weather_loads_offline_and_says_from_where(cache, capsys):
    frame = load("seattle_weather")
    assert "offline copy shipped with a dependency" in capsys.readouterr().out
    assert "offline copy" in frame.attrs["source"]
    assert len(frame) == 1461
    assert frame["date"].min().year == 2012 and frame["date"].max().year == 2015
    assert frame["date"].is_monotonic_increasing
    assert set(frame["rainy"].unique()) == {0, 1}
    assert (frame["rainy"] == (frame["precipitation"] > 0)).all()


def test_weather_label_really_is_unreliable():
    """The numbers quoted in the docs and the loader's docstring."""
    frame = load("seattle_weather", verbose=False)
    rain_without_precipitation = ((frame.weather == "rain") & (frame.precipitation == 0)).sum()
    sun_with_precipitation = ((frame.weather == "sun") & (frame.precipitation > 0)).sum()
    assert (rain_without_precipitation, sun_with_precipitation) == (47, 77)
    assert str(rain_without_precipitation + sun_with_precipitation) in WEATHER.notes


def test_missing_everywhere_without_download_explains_the_options(cache, registry_entry):
    registry_entry(packaged_path=lambda: None)
    with pytest.raises(DatasetNotAvailableError, match="download=True"):
        load("seattle_weather")


def test_corrupted_packaged_copy_is_reported_not_used(cache, registry_entry, tmp_path):
    broken = tmp_path / "seattle-weather.csv"
    broken.write_bytes(_good_bytes()[:-100])  # a truncated copy
    registry_entry(packaged_path=lambda: broken)
    with pytest.raises(ChecksumError, match="corrupted, partial"):
        load("seattle_weather")
    assert broken.exists()


def test_corrupted_cached_copy_is_reported_and_left_alone(cache):
    cache.mkdir(parents=True)
    user_file = cache / WEATHER.filename
    user_file.write_text("date,precipitation\nmy own notes\n")
    with pytest.raises(ChecksumError, match="left untouched"):
        load("seattle_weather")
    assert user_file.read_text() == "date,precipitation\nmy own notes\n"


def test_verified_cached_copy_is_preferred(cache, capsys):
    cache.mkdir(parents=True)
    (cache / WEATHER.filename).write_bytes(_good_bytes())
    frame = load("seattle_weather")
    assert "cached download" in frame.attrs["source"]
    assert "cached download" in capsys.readouterr().out


def test_a_file_that_is_not_the_dataset_is_rejected_by_the_reader(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(DatasetError, match="lacks the columns"):
        read_seattle_weather(wrong)


# --- downloads ------------------------------------------------------------------


def test_download_writes_a_verified_file_atomically(cache, serve, registry_entry):
    server = serve(_good_bytes())
    registry_entry(url=server.url)
    path = download("seattle_weather")
    assert path == cache / WEATHER.filename
    assert hashlib.sha256(path.read_bytes()).hexdigest() == WEATHER.sha256
    assert [p.name for p in cache.iterdir()] == [WEATHER.filename]  # no .part left over
    # A second call reuses the verified copy without asking the server again.
    download("seattle_weather")
    assert server.requests == 1


def test_corrupted_download_is_rejected_and_nothing_is_kept(cache, serve, registry_entry):
    body = bytearray(_good_bytes())
    body[100] ^= 0xFF  # one flipped byte
    registry_entry(url=serve(bytes(body)).url)
    with pytest.raises(ChecksumError, match="download of seattle_weather") as caught:
        download("seattle_weather")
    assert list(cache.iterdir()) == []
    # The message tells what happened to the partial file: it is gone, not "left untouched".
    assert "discarded" in str(caught.value)
    assert "untouched. Move or delete it yourself" not in str(caught.value)


def test_a_missing_file_on_the_server_is_not_blamed_on_the_connection(cache, serve,
                                                                      registry_entry):
    registry_entry(url=serve(b"not here", status=404).url)
    with pytest.raises(DownloadError, match="404") as caught:
        download("seattle_weather")
    message = str(caught.value)
    assert "you may be offline" not in message.lower() and "moved" in message and "url=" in message
    assert list(cache.iterdir()) == []


def test_download_never_overwrites_an_existing_user_file(cache, serve, registry_entry):
    server = serve(_good_bytes())
    registry_entry(url=server.url)
    cache.mkdir(parents=True)
    user_file = cache / WEATHER.filename
    user_file.write_text("precious\n")
    with pytest.raises(ChecksumError, match="left untouched"):
        download("seattle_weather")
    assert user_file.read_text() == "precious\n"
    assert server.requests == 0


def test_download_while_offline_says_so(cache, registry_entry):
    registry_entry(url=_closed_port_url())
    with pytest.raises(DownloadError, match="offline"):
        download("seattle_weather")
    assert not cache.exists() or list(cache.iterdir()) == []


def test_download_times_out(cache, serve, registry_entry):
    registry_entry(url=serve(_good_bytes(), delay=3.0).url)
    started = time.monotonic()
    with pytest.raises(DownloadError):
        download("seattle_weather", timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert list(cache.iterdir()) == []


def test_load_downloads_only_when_asked(cache, serve, registry_entry, capsys):
    server = serve(_good_bytes())
    registry_entry(url=server.url, packaged_path=lambda: None)
    with pytest.raises(DatasetNotAvailableError):
        load("seattle_weather")
    assert server.requests == 0
    frame = load("seattle_weather", download=True)
    assert server.requests == 1 and len(frame) == 1461
    assert "fresh download verified" in capsys.readouterr().out
