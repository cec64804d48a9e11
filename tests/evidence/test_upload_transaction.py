"""The REST upload door reads and stores a photo with no SQL transaction open (issue 13 §1:
"never hold a transaction open across a photo decode")."""

from __future__ import annotations

import pytest

from server.evidence import service
from tests.media.photos import sample

pytestmark = pytest.mark.sql


def test_no_transaction_is_open_while_an_upload_is_decoded(app, upload, make_visit, monkeypatch):
    visit = make_visit()
    sessions = []
    factory = app.extensions["session_factory"]

    def tracked():
        session = factory()
        sessions.append(session)
        return session

    app.extensions["session_factory"] = tracked
    seen = []
    real = service.ingest

    def watching(*args, **kwargs):  # the decode and the blob store, in the photo pool
        seen.append([s.in_transaction() for s in sessions])
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "ingest", watching)
    response = upload(visit.lead, sample("orientation/landscape_6.jpg"), visit.assignment.id)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "accepted"
    assert seen and sessions, "the photo was decoded in a request"
    assert seen == [[False] * len(sessions)], "a transaction was open during the decode"
