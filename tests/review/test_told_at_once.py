"""One complete list of missing items (S4 §三(二) 一次性告知), through the API on real SQL."""

from sqlalchemy import func, select

from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.review.models import ReviewTransition
from server.review.told import items_not_told_before


def url(filing):
    return f"/api/filings/{filing.id}/transitions"


def returned_once(client, filing, headers, items):
    for body in (
        {"action": "start_county_review"},
        {"action": "return_for_supplement", "missing_items": items},
    ):
        response = client.post(url(filing), json=body, headers=headers)
        assert response.status_code == 201, response.json


def test_a_second_list_with_a_new_item_is_refused_naming_it(
    client, session, make_filing, make_user, login
):
    """S4 §三(二): "一次性告知企业需要补正的全部内容" — what was not on the first list should have
    been told then; a second return that brings it up is refused, naming the item, and writes
    nothing."""
    filing = make_filing()
    county = login(make_user(Role.county_reviewer))
    returned_once(client, filing, county, ["排污许可证副本", "监测报告"])
    assert (
        client.post(url(filing), json={"action": "supplement"}, headers=county).status_code == 201
    )
    before = session.scalar(select(func.count(ReviewTransition.id)))
    events = session.scalar(select(func.count(AuditEvent.id)))
    response = client.post(
        url(filing),
        json={"action": "return_for_supplement", "missing_items": ["监测报告", "环评批复"]},
        headers=county,
    )
    assert response.status_code == 422, response.json
    assert response.json["code"] == "workflow.items_not_told_at_once"
    assert "环评批复" in response.json["message"]
    assert "一次性告知" in response.json["message"]
    assert "监测报告" not in response.json["errors"]["missing_items"][0]
    session.refresh(filing)
    assert filing.status.value == "county_review"
    assert session.scalar(select(func.count(ReviewTransition.id))) == before
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_items_left_unfixed_may_be_listed_again(client, make_filing, make_user, login):
    """S4 §三(二): an item of the first list the supplement did not fix is no new item; it may be
    listed again, also with what is still wrong about it."""
    filing = make_filing()
    county = login(make_user(Role.county_reviewer))
    returned_once(client, filing, county, ["排污许可证副本", "监测报告"])
    client.post(url(filing), json={"action": "supplement"}, headers=county)
    again = client.post(
        url(filing),
        json={"action": "return_for_supplement", "missing_items": ["排污许可证副本已过期"]},
        headers=county,
    )
    assert again.status_code == 201, again.json
    assert again.json["state"]["missing_items"] == ["排污许可证副本已过期"]


def test_problems_of_what_the_supplement_brought_may_be_listed(
    client, make_filing, make_user, login
):
    """S4 §三(二): a supplement brings new material; a problem of that material could not have
    been told on the first return, so a later list may name it. The supplement records what it
    brought (``supplied_items``)."""
    filing = make_filing()
    county = login(make_user(Role.county_reviewer))
    returned_once(client, filing, county, ["监测报告"])
    supplied = client.post(
        url(filing),
        json={"action": "supplement", "supplied_items": ["2026年6月第三方监测报告"]},
        headers=county,
    )
    assert supplied.status_code == 201, supplied.json
    assert supplied.json["transition"]["supplied_items"] == ["2026年6月第三方监测报告"]
    later = client.post(
        url(filing),
        json={
            "action": "return_for_supplement",
            "missing_items": ["2026年6月第三方监测报告缺少检测机构盖章"],
        },
        headers=county,
    )
    assert later.status_code == 201, later.json
    # and only the supplement step records what was brought
    second = client.post(
        url(filing),
        json={"action": "supplement", "supplied_items": ["盖章后的监测报告"], "missing_items": []},
        headers=county,
    )
    assert second.status_code == 201, second.json
    misplaced = client.post(
        url(filing), json={"action": "forward", "supplied_items": ["x"]}, headers=county
    )
    assert misplaced.status_code == 422
    assert "supplied_items" in misplaced.json["errors"]


def test_the_rule_as_a_function():
    """S4 §三(二): items are their text; a later item names an earlier item or a supplied piece."""
    assert items_not_told_before(
        ["监测报告", "环评批复", "新报告缺章"], told=["监测报告"], supplied=["新报告"]
    ) == ["环评批复"]
    assert items_not_told_before(["报告"], told=["监测报告"], supplied=[]) == ["报告"]
