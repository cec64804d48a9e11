"""devtools.pouchdb: PouchDB Server stays on loopback and writes only inside its data dir."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from devtools import pouchdb
from sync.couch import CouchClient

pytestmark = pytest.mark.couch


def _log_shows(path: Path, text: str, timeout: float = 5.0) -> bool:
    """PouchDB Server appends to its log asynchronously, after answering: wait for the line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return True
        time.sleep(0.05)
    return False


def test_starts_on_loopback_and_writes_only_into_its_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # PouchDB Server writes log.txt into its cwd unless told otherwise
    data_dir = tmp_path / "couch"

    with pouchdb.start_pouchdb(data_dir=data_dir) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        with CouchClient(server.url) as client:
            assert client.health() == "ok"
            client.create_db("inspector_1")
        assert _log_shows(data_dir / "log.txt", "PUT /inspector_1")
    assert not server.is_running()

    assert list(cwd.iterdir()) == []
    assert {p.name for p in data_dir.iterdir()} == {
        "config.json",
        "log.txt",
        "pouchdb-server.out",
        "databases",
    }
    assert (data_dir / "databases" / "inspector_1").is_dir()
    config = json.loads((data_dir / "config.json").read_text())
    assert config["log"]["file"] == str(data_dir / "log.txt")


def test_restart_on_the_same_data_dir_keeps_databases_and_uuid(tmp_path: Path) -> None:
    with pouchdb.start_pouchdb(data_dir=tmp_path) as server, CouchClient(server.url) as client:
        client.create_db("kept")
        client.put_doc("kept", {"_id": "a"})
        uuid = client.server_info()["uuid"]
    with pouchdb.start_pouchdb(data_dir=tmp_path) as server, CouchClient(server.url) as client:
        assert client.get_doc("kept", "a") is not None
        assert client.server_info()["uuid"] == uuid  # tablets' checkpoints depend on it


def test_in_memory_and_a_separate_log_path(tmp_path: Path) -> None:
    log_path = tmp_path / "logs" / "couch.log"
    with pouchdb.start_pouchdb(data_dir=tmp_path / "d", log_path=log_path, in_memory=True) as s:
        with CouchClient(s.url) as client:
            client.create_db("volatile")
        assert _log_shows(log_path, "PUT /volatile")
    assert not (tmp_path / "d" / "log.txt").exists()
    assert list((tmp_path / "d" / "databases").iterdir()) == []


def test_explicit_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(pouchdb.PouchDBError, match="already in use"):
            pouchdb.start_pouchdb(port=port, data_dir=tmp_path)


def test_a_taken_auto_port_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        taken = sock.getsockname()[1]
        ports = iter([taken])
        real_free_port = pouchdb._free_port
        monkeypatch.setattr(pouchdb, "_free_port", lambda host: next(ports, real_free_port(host)))
        with pouchdb.start_pouchdb(data_dir=tmp_path) as server:
            assert server.port != taken


def test_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        pouchdb.start_pouchdb(data_dir=tmp_path, host="0.0.0.0")


def test_missing_node_modules_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pouchdb, "POUCHDB_SERVER_BIN", tmp_path / "nothing" / "pouchdb-server")
    with pytest.raises(pouchdb.PouchDBError, match=r"run `make install` \(npm ci\) first"):
        pouchdb.start_pouchdb(data_dir=tmp_path)


def test_startup_timeout_reports_the_log_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pouchdb, "_get_root", lambda url: None)  # never "answers"
    with pytest.raises(pouchdb.PouchDBError) as caught:
        pouchdb.start_pouchdb(data_dir=tmp_path, startup_timeout=4.0)  # its log, even under load
    message = str(caught.value)
    assert "did not answer" in message
    assert "pouchdb-server has started" in message  # the tail of its log
