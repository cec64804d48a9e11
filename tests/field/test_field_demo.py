"""The demo's assignment for the field app: found for the first demo inspector, and its visit
window brought forward to today when the city was loaded long ago."""

from __future__ import annotations

import datetime as dt

import pytest

from server.assignments.models import Assignment
from server.demo.field import FIELD_INSPECTOR, ready_field_assignment
from server.demo.load import load_demo_city

pytestmark = pytest.mark.sql


def test_an_empty_database_has_no_field_assignment(session) -> None:
    assert ready_field_assignment(session) is None


def test_the_demo_inspector_gets_a_window_from_today(session) -> None:
    load_demo_city(session, plants=60)
    first = ready_field_assignment(session)
    assert first is not None and first.username == FIELD_INSPECTOR and first.plant
    assert not first.extended  # loaded today: the window is open already
    assignment = session.get(Assignment, first.assignment_id)
    version = assignment.version

    months_later = dt.datetime.now(dt.UTC) + dt.timedelta(days=90)
    later = ready_field_assignment(session, now=months_later)
    assert later is not None and later.assignment_id == first.assignment_id and later.extended
    session.refresh(assignment)
    assert assignment.window_start <= months_later < assignment.window_end
    assert assignment.version > version  # a new version: the worker pushes it to the tablets
    again = ready_field_assignment(session, now=months_later)
    assert again is not None and not again.extended
