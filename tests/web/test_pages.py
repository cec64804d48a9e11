"""What the queue, the dossier and the photo page show a reviewer."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from server.accounts.models import Role
from server.evidence.models import PhotoCustody
from tests.factories import OTHER_COUNTY, foundry_case


def rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-filing="(\d+)"', page)]


def test_the_queue_filters_marks_overdue_and_pages(
    pages, make_user, make_filing, make_site, make_enterprise, at_city, move
):
    old = make_filing(received_on=dt.date(2026, 7, 1), cases=[foundry_case("A")])
    move(old, "start_county_review", "forward", on=dt.date(2026, 7, 2))  # 15 days ran out
    fresh = make_filing(cases=[foundry_case("B")])
    other = make_filing(
        site=make_site(enterprise=make_enterprise(county=OTHER_COUNTY)),
        cases=[foundry_case("A")],
    )
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get("/review/").text
    assert set(rows(page)) >= {old.id, fresh.id, other.id}
    assert re.search(rf'class="overdue" data-filing="{old.id}"', page)
    assert 'data-testid="overdue"' in page
    assert set(rows(pages.get("/review/?claimed_grade=B").text)) == {fresh.id}
    assert other.id not in rows(pages.get("/review/?county=驿城区").text)
    overdue = rows(pages.get("/review/?deadline=overdue&claimed_grade=A").text)
    assert old.id in overdue and fresh.id not in overdue
    assert rows(pages.get("/review/?status=forwarded").text) == [old.id]
    assert "共" in pages.get("/review/?page=999").text  # past the end: an empty page, no error


def test_a_county_reviewer_sees_only_their_county(
    pages, make_user, make_filing, make_site, make_enterprise
):
    mine = make_filing()
    theirs = make_filing(site=make_site(enterprise=make_enterprise(county=OTHER_COUNTY)))
    pages.sign_in(make_user(Role.county_reviewer))
    listed = rows(pages.get("/review/").text)
    assert mine.id in listed and theirs.id not in listed
    assert rows(pages.get(f"/review/?county={OTHER_COUNTY}").text) == []


def test_the_language_switch_is_kept_in_the_session(pages, make_user):
    pages.sign_in(make_user(Role.city_reviewer))
    assert "待审核申报" in pages.get("/review/").text
    assert "Filings to review" in pages.get("/review/?lang=en").text
    assert "Filings to review" in pages.get("/review/").text
    assert "待审核申报" in pages.get("/review/?lang=zh").text


def test_the_dossier_shows_claims_evidence_map_and_timeline(pages, make_user, city_case):
    case = city_case()
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get(f"/review/filings/{case.filing.id}").text
    assert case.filing.site.enterprise.name in page
    assert 'data-testid="claimed-grade">A<' in page
    assert 'data-testid="supported-grade"' in page
    assert 'data-indicator="fugitive_emissions.no_visible_dust"' in page
    # Both photos in the gallery, the outside one flagged, and on the map as outside.
    inside, outside = case.photo_ids
    assert f'data-photo="{inside}"' in page and f'data-photo="{outside}"' in page
    assert re.search(rf'data-photo="{outside}" data-place="outside"', page)
    assert re.search(rf'data-photo="{inside}" data-place="inside"', page)
    assert "厂区外拍摄" in page and "geo.outside_boundary" not in page  # named, not coded
    assert 'class="acc inside"' in page  # the GPS accuracy circle
    # The timeline: the visit window, the photos taken and received, the workflow steps.
    for text in ("核查时段开始", "拍摄 2 张照片", "流程：开始市级复审"):
        assert text in page, text
    assert "市级复审中" in page


def test_a_photo_page_and_its_pictures(pages, make_user, city_case, session):
    case = city_case()
    pages.sign_in(make_user(Role.city_reviewer))
    outside = case.photo_ids[1]
    page = pages.get(f"/review/photos/{outside}").text
    assert "geo.outside_boundary" in page and "拍摄位置在厂区边界外" in page
    assert f"/review/filings/{case.filing.id}" in page
    thumbnail = pages.get(f"/review/photos/{outside}/thumbnail.jpg")
    assert thumbnail.status_code == 200 and thumbnail.data[:2] == b"\xff\xd8"
    again = pages.get(
        f"/review/photos/{outside}/thumbnail.jpg",
        headers={"If-None-Match": thumbnail.headers["ETag"]},
    )
    assert again.status_code == 304
    assert pages.get(f"/review/photos/{outside}/preview.jpg").status_code == 200
    original = pages.get(f"/review/photos/{outside}/original")
    assert original.status_code == 200 and original.headers["Cache-Control"] == "private, no-store"
    original.close()  # the file handle is the response's to close
    events = session.scalars(
        select(PhotoCustody.event).where(PhotoCustody.photo_id == outside).order_by(PhotoCustody.id)
    ).all()
    assert events[-2:] == ["viewed_preview", "viewed_original"]
