from __future__ import annotations

import hashlib
import http.server
import os
import pathlib
import threading
import urllib.error
from collections.abc import Iterator

import numpy
import pytest

from kusari.datasets import (
    cache_or_load_file,
    cached_download,
    get_dataset_directory,
    get_dataset_root,
    set_dataset_root,
)


@pytest.fixture(autouse=True)
def _clean_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("KUSARI_DATASET_ROOT", raising=False)
    monkeypatch.delenv("CHAINER_DATASET_ROOT", raising=False)
    set_dataset_root(None)
    yield
    set_dataset_root(None)


# -- the root ----------------------------------------------------------------------------------


def test_root_precedence_override_then_kusari_then_chainer_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_dataset_root() == str(tmp_path / "home" / ".kusari" / "dataset")
    monkeypatch.setenv("CHAINER_DATASET_ROOT", "/c")
    assert get_dataset_root() == "/c"
    monkeypatch.setenv("KUSARI_DATASET_ROOT", "/k")
    assert get_dataset_root() == "/k"
    set_dataset_root(tmp_path / "explicit")
    assert get_dataset_root() == str(tmp_path / "explicit")
    set_dataset_root(None)
    assert get_dataset_root() == "/k"


def test_set_dataset_root_rejects_a_non_path() -> None:
    with pytest.raises(TypeError, match="dataset root must be a path or None, got int"):
        set_dataset_root(3)  # type: ignore[arg-type]
    assert get_dataset_root().endswith(os.path.join(".kusari", "dataset"))


def test_get_dataset_directory_creates_only_when_asked(tmp_path: pathlib.Path) -> None:
    set_dataset_root(tmp_path)
    path = get_dataset_directory("a/b", create_directory=False)
    assert path == os.path.join(str(tmp_path), "a/b")
    assert not os.path.exists(path)
    assert get_dataset_directory("a/b") == path
    assert os.path.isdir(path)


# -- cached_download ---------------------------------------------------------------------------


def test_cached_download_uses_chainers_cache_layout_and_downloads_once(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_dataset_root(tmp_path / "root")
    source = tmp_path / "data.bin"
    source.write_bytes(b"\x00\x01payload")
    url = source.as_uri()
    path = cached_download(url)
    assert path == str(tmp_path / "root" / "_dl_cache" / hashlib.md5(url.encode()).hexdigest())
    assert pathlib.Path(path).read_bytes() == b"\x00\x01payload"
    assert capsys.readouterr().out == f"Downloading from {url}...\n"
    source.unlink()  # a second call must not touch the source
    assert cached_download(url) == path
    assert capsys.readouterr().out == ""
    assert os.listdir(tmp_path / "root" / "_dl_cache") == [os.path.basename(path)]


def test_failed_download_leaves_nothing_and_names_the_url(tmp_path: pathlib.Path) -> None:
    set_dataset_root(tmp_path)
    url = (tmp_path / "missing.bin").as_uri()
    with pytest.raises(urllib.error.URLError) as info:
        cached_download(url)
    assert any(url in note for note in info.value.__notes__)
    assert os.listdir(tmp_path / "_dl_cache") == []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"0123456789"
        self.send_response(200)
        # /short announces more than it sends, as a connection cut mid-download would.
        length = len(body) + (5 if self.path == "/short" else 0)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_http_download_and_an_interrupted_one_caches_nothing(
    tmp_path: pathlib.Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    set_dataset_root(tmp_path)
    path = cached_download(f"{server}/full")
    assert pathlib.Path(path).read_bytes() == b"0123456789"
    with pytest.raises(Exception, match="short") as info:
        cached_download(f"{server}/short")
    # http.client notices the short body itself, or our length check does.
    assert isinstance(info.value, OSError) or "IncompleteRead" in type(info.value).__name__
    assert os.listdir(tmp_path / "_dl_cache") == [os.path.basename(path)]


def test_concurrent_downloads_of_one_url_agree(
    tmp_path: pathlib.Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    set_dataset_root(tmp_path)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cached_download(f"{server}/same")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert pathlib.Path(results[0]).read_bytes() == b"0123456789"
    assert os.listdir(tmp_path / "_dl_cache") == [os.path.basename(results[0])]


# -- cache_or_load_file ------------------------------------------------------------------------


def test_cache_or_load_file_creates_then_loads(tmp_path: pathlib.Path) -> None:
    calls: list[str] = []
    target = tmp_path / "new" / "folder" / "values.npz"

    def creator(path: str) -> list[int]:
        calls.append("create")
        assert os.path.basename(path) == "values.npz"
        assert path != str(target)
        numpy.savez(path, x=numpy.arange(3))
        return [0, 1, 2]

    def loader(path: str) -> list[int]:
        calls.append("load")
        with numpy.load(path) as archive:
            return [int(v) for v in archive["x"]]

    assert cache_or_load_file(target, creator, loader) == [0, 1, 2]
    assert calls == ["create"]
    assert cache_or_load_file(str(target), creator, loader) == [0, 1, 2]
    assert calls == ["create", "load"]
    assert sorted(os.listdir(target.parent)) == ["values.npz"]


def test_cache_or_load_file_caches_nothing_when_the_creator_fails(tmp_path: pathlib.Path) -> None:
    def creator(path: str) -> None:
        pathlib.Path(path).write_bytes(b"half")
        raise RuntimeError("conversion failed")

    with pytest.raises(RuntimeError, match="conversion failed"):
        cache_or_load_file(tmp_path / "x.npz", creator, lambda path: None)
    assert os.listdir(tmp_path) == []


def test_cache_or_load_file_requires_the_creator_to_write(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match="creator did not write the file it was given"):
        cache_or_load_file(tmp_path / "x.npz", lambda path: 1, lambda path: 2)
    assert os.listdir(tmp_path) == []
