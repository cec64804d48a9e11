"""The queue marks a filing received after its batch's deadline (S1 §(十七))."""

from __future__ import annotations

import datetime as dt

from server.accounts.models import Role
from tests.factories import foundry_case


def test_the_queue_marks_a_late_filing_in_words(pages, make_user, make_batch, make_filing):
    """S1 §(十七): "未按时上报绩效评级申报材料的，按最低等级进行管理" — the reviewer sees, in
    words, that the filing came late and what follows; an on-time filing has no such mark."""
    make_batch(deadline=dt.date(2026, 7, 31))
    late = make_filing(received_on=dt.date(2026, 8, 20), cases=[foundry_case("B")])
    on_time = make_filing(received_on=dt.date(2026, 7, 1), cases=[foundry_case("B")])
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get("/review/").text
    row = page.split(f'data-filing="{late.id}"')[1].split("</tr>")[0]
    assert 'data-testid="late-filing"' in row
    assert "逾期申报 20 天" in row
    assert "按最低等级进行管理" in row
    other = page.split(f'data-filing="{on_time.id}"')[1].split("</tr>")[0]
    assert "late-filing" not in other
    english = pages.get("/review/?lang=en").text
    assert "filed 20 d late" in english
