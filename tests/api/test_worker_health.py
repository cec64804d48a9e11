"""The sync worker's heartbeat in /api/health and `flask sync status` (issue 13 §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from server.syncstate.heartbeat import beat

pytestmark = pytest.mark.sql


def health(client):
    response = client.get("/api/health")
    return response.status_code, response.json["worker"]


def test_no_worker_yet_is_said_plainly(client):
    _status, worker = health(client)
    assert worker["status"] == "none" and "not run" in worker["detail"]


def test_a_recent_heartbeat_is_ok_with_its_backlog(client, session):
    beat(session, name="worker", backlog=42, pid=1, host="here")
    session.commit()
    _status, worker = health(client)
    assert (worker["status"], worker["backlog"]) == ("ok", 42)
    assert worker["stale_after"] == 120


def test_a_worker_that_stopped_turns_stale_in_health_and_cli(app, client, session):
    stopped = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    beat(session, name="worker", backlog=7, pid=1, host="here", at=stopped)
    session.commit()
    status, worker = health(client)
    assert status == 503 and worker["status"] == "stale"
    assert worker["last_heartbeat"].startswith(stopped.isoformat(timespec="seconds")[:16])
    result = app.test_cli_runner().invoke(args=["sync", "status"])
    assert result.exit_code == 0, result.output
    assert "worker: stale: last heartbeat" in result.output and "backlog 7" in result.output
