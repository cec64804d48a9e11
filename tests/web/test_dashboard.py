"""The progress dashboard: its counts are the database's, each count's link lists exactly the
filings it counts, and a county reviewer sees only their county."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.accounts.models import Role
from server.filings.models import Filing, FilingStatus
from server.registry.models import Enterprise, Site
from tests.factories import COUNTY, OTHER_COUNTY

LINK = re.compile(r'<a data-stage="([a-z_]+)" href="([^"]+)">(\d+)</a>')


def county_row(html: str, county: str) -> dict[str, tuple[str, int]]:
    table = html.split('data-testid="dash-county"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'data-row="{county}"', 1)[1].split("</tr>", 1)[0]
    return {stage: (href.replace("&amp;", "&"), int(n)) for stage, href, n in LINK.findall(row)}


def listed(pages, href: str) -> set[int]:
    found: set[int] = set()
    page = 1
    while True:
        html = pages.get(f"{href}&page={page}").text
        ids = {int(i) for i in re.findall(r'<tr class="[^"]*" data-filing="(\d+)"', html)}
        found |= ids
        if 'rel="next"' not in html:
            return found
        page += 1


def test_counts_match_the_database_and_links_list_exactly_those(
    pages, make_user, make_filing, make_site, make_enterprise, move, session
):
    other = make_enterprise(county=OTHER_COUNTY)
    received = [make_filing() for _ in range(3)]
    at_county = make_filing()
    move(at_county, "start_county_review")
    forwarded = make_filing()
    move(forwarded, "start_county_review", "forward")
    elsewhere = make_filing(site=make_site(other))
    pages.sign_in(make_user(Role.city_reviewer))
    html = pages.get("/review/dashboard").text
    row = county_row(html, COUNTY)

    def in_db(*statuses: FilingStatus) -> set[int]:
        query = (
            select(Filing.id)
            .join(Site, Site.id == Filing.site_id)
            .join(Enterprise, Enterprise.id == Site.enterprise_id)
            .where(Enterprise.county == COUNTY)
        )
        if statuses:
            query = query.where(Filing.status.in_(statuses))
        return set(session.scalars(query))

    every = in_db()
    assert row["received"][1] == len(every)
    at_county_db = in_db(FilingStatus.received, FilingStatus.county_review, FilingStatus.returned)
    assert row["county_review"][1] == len(at_county_db)
    reached_city = in_db(FilingStatus.forwarded, FilingStatus.city_review, FilingStatus.decided)
    assert row["forwarded"][1] == len(reached_city) >= 1
    assert "decided" not in row  # zero: no link
    assert listed(pages, row["received"][0]) == every
    assert listed(pages, row["county_review"][0]) == at_county_db
    assert listed(pages, row["forwarded"][0]) == reached_city
    assert {f.id for f in received} | {at_county.id} <= at_county_db
    assert elsewhere.id not in listed(pages, row["received"][0])
    assert county_row(html, OTHER_COUNTY)["received"][1] >= 1

    # A county reviewer: their county only, on the dashboard and behind its links.
    pages.sign_in(make_user(Role.county_reviewer, county=COUNTY))
    mine = pages.get("/review/dashboard").text
    assert f'data-row="{OTHER_COUNTY}"' not in mine
    assert county_row(mine, COUNTY)["received"][1] == len(every)
    stage = pages.get(f"/review/?stage=forwarded&county={OTHER_COUNTY}").text
    assert f'data-filing="{elsewhere.id}"' not in stage


def test_a_bad_stage_is_a_clear_400_not_a_500(pages, make_user):
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.get("/review/?stage=nonsense")
    assert response.status_code in (400, 422)
    overdue = pages.get("/review/?stage=overdue")
    assert overdue.status_code == 200
