"""The dossier's fixes (issue 16, item 7) and its words (item 6), with the test client:
the decided grade in the header, the decision form only where a decision is possible (else
why), the default outcome and the supported grade following the evidence, previous/next on
the photo page, the same boundary distance on the map and the photo page, the A4 print view;
and the names every code is shown by."""

from __future__ import annotations

import re

from server.accounts.models import Role
from server.catalogue import indicator_names
from server.inspections.forms import form_catalogue
from server.web import labels
from tests.factories import OTHER_COUNTY


def test_every_indicator_a_form_verifies_has_a_name_in_the_catalogue():
    catalogue = form_catalogue()
    verified = {
        item.indicator
        for form_id in catalogue.form_ids()
        for version in catalogue.versions(form_id)
        for item in catalogue.get(form_id, version).all_items.values()
        if item.indicator
    }
    named = indicator_names()
    assert verified and not sorted(verified - set(named))
    for code, (zh, en) in named.items():
        assert zh and en and code not in zh and code not in en and "检查员" not in zh


def test_stored_sentences_are_read_in_words_and_china_time():
    zh = labels.words(
        "指标 transport_control.gate_system 无法核实；照片 geo.outside_boundary；"
        "时段 2026-11-30T02:00:00+00:00、2026-11-30T02:15:00Z；申报 non_leading 级；"
        "理由 evidence_incomplete，结论 new_visit",
        english=False,
    )
    assert zh == (
        "指标「门禁及视频监控系统」无法核实；照片「厂区外拍摄」；时段 11-30 10:00、11-30 10:15；"
        "申报 非引领性 级；理由 “现场核查证据不完整”，结论 “退回重新现场核查”"
    )
    en = labels.words("Indicator monitoring_level.cems_networked verified; received", english=True)
    assert en == "Indicator “CEMS networked with the authority” verified; received"
    # An indicator no catalogue names still reads as words, never as its code.
    zh_name, en_name = labels.indicator_name("emission_limits.mercury_new")
    assert "mercury" not in zh_name + en_name and "排放限值" in zh_name
    assert labels.photo_item_name("gates.G01.gate_photo")[0] == "G01 · 出入口及门禁设备照片"


def propose_and_confirm(pages, other_pages, reviewers, filing_id):
    pages.sign_in(reviewers[0])
    response = pages.post(
        f"/review/filings/{filing_id}/decisions",
        {"outcome": "grade_down", "grade": "B", "reason_codes": ["indicator_not_met"]},
    )
    assert response.status_code == 303, response.text
    page = pages.get(f"/review/filings/{filing_id}").text
    proposal = re.search(r"/review/decisions/(\d+)/withdraw", page)
    assert proposal
    other_pages.sign_in(reviewers[1])
    response = other_pages.post(
        f"/review/decisions/{proposal.group(1)}/confirm", {"filing_id": filing_id}
    )
    assert response.status_code == 303, response.text


def test_after_a_decision_the_header_shows_the_grade_who_and_when_and_the_form_says_why_not(
    pages, other_pages, city_reviewers, city_case
):
    case = city_case()
    page = None
    propose_and_confirm(pages, other_pages, city_reviewers, case.filing.id)
    page = other_pages.get(f"/review/filings/{case.filing.id}").text
    assert re.search(r'data-testid="decided-grade">B<', page)
    decided_by = re.search(r'data-testid="decided-by">([^<]+)<', page)
    assert decided_by
    first, second = city_reviewers
    assert f"{first.display_name} 提议、{second.display_name} 确认" in decided_by.group(1)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", decided_by.group(1))  # China time
    assert 'data-testid="decision-form"' not in page
    closed = re.search(r'data-testid="decision-closed">([^<]+)<', page)
    assert closed and "已审定" in closed.group(1) and "已决定" in closed.group(1)


def test_the_form_is_offered_only_in_city_review_and_says_why_otherwise(
    pages, make_user, make_filing
):
    filing = make_filing()  # received: the county has not looked at it yet
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get(f"/review/filings/{filing.id}").text
    assert 'data-testid="decision-form"' not in page
    closed = re.search(r'data-testid="decision-closed">([^<]+)<', page)
    assert closed and "“已收到”" in closed.group(1) and "市级复审中" in closed.group(1)
    pages.sign_out()
    pages.sign_in(make_user(Role.county_reviewer))
    page = pages.get(f"/review/filings/{filing.id}?lang=en").text
    assert "Only city reviewers propose" in page and 'data-testid="decision-form"' not in page


def test_a_plant_never_visited_shows_no_supported_grade_and_the_form_defaults_to_a_visit(
    pages, city_reviewers, city_case
):
    case = city_case()  # photos uploaded, but no inspection submitted yet
    pages.sign_in(city_reviewers[0])
    page = pages.get(f"/review/filings/{case.filing.id}").text
    supported = re.search(r'data-testid="supported-grade">([^<]+)<', page)
    assert supported and supported.group(1) == "未经现场核查"
    assert 'data-code="result.supported_grade"' not in page
    assert re.search(r'name="outcome" value="new_visit"\s+checked', page)
    assert not re.search(r'name="outcome" value="confirm"\s+checked', page)


def test_photo_page_previous_next_and_the_map_distance(pages, make_user, city_case):
    case = city_case()
    inside, outside = case.photo_ids
    pages.sign_in(make_user(Role.city_reviewer))
    dossier = pages.get(f"/review/filings/{case.filing.id}").text
    label = re.search(
        rf'data-photo="{outside}" data-place="outside"><title>[^<]*距厂区边界 (\d+) 米', dossier
    )
    assert label, "the map says how far outside the photo was taken"
    page = pages.get(f"/review/photos/{outside}").text
    assert f'data-testid="boundary-distance">{label.group(1)} 米<' in page
    assert f"厂区边界外 {label.group(1)} 米" in page  # the geofence finding, same number
    assert f'href="/review/photos/{inside}" rel="prev"' in page and 'rel="next"' not in page
    page = pages.get(f"/review/photos/{inside}").text
    assert f'href="/review/photos/{outside}" rel="next"' in page and 'rel="prev"' not in page
    assert 'data-testid="boundary-distance">0 米<' in page
    assert "lightbox.js" in page and "gates." not in page


def test_the_print_view_has_the_plant_grades_and_findings_and_keeps_counties_apart(
    pages, make_user, city_case
):
    case = city_case()
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.get(f"/review/filings/{case.filing.id}/print")
    assert response.status_code == 200
    page = response.text
    assert (
        case.filing.site.enterprise.name in page and case.filing.site.enterprise.credit_code in page
    )
    assert 'data-testid="print-grades"' in page and "审定级别：" in page and "尚未审定" in page
    assert "@page" not in page  # the A4 rules live in the stylesheet, not inline
    pages.sign_out()
    pages.sign_in(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert pages.get(f"/review/filings/{case.filing.id}/print").status_code == 404


def test_the_bare_address_redirects_to_the_reviewer_pages(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/review/"
