"""Who may see the reviewer pages, the session cookie, CSRF, and bad input: fast, no browser."""

from __future__ import annotations

from sqlalchemy import func, select

from server.accounts.models import Role
from server.review.models import ReviewDecision
from tests.factories import OTHER_COUNTY


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(pages, make_user):
    response = pages.get("/review/?status=city_review")
    assert response.status_code == 303
    assert response.headers["Location"] == "/review/sign-in?next=/review/?status%3Dcity_review"
    for path in ("/review/filings/1", "/review/photos/1", "/review/photos/1/thumbnail.jpg"):
        assert pages.get(path).headers["Location"].startswith("/review/sign-in")
    user = make_user(Role.city_reviewer)
    form = {"username": user.username, "password": "correct horse battery"}
    response = pages.post("/review/sign-in", {**form, "next": "/review/?status=city_review"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/review/?status=city_review"


def test_sign_in_sets_an_httponly_samesite_cookie_and_sign_out_ends_it(pages, make_user):
    response = pages.sign_in(make_user(Role.city_reviewer, display_name="王审核"))
    cookie = response.headers["Set-Cookie"]
    assert "review_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/review" in cookie
    page = pages.get("/review/")
    assert page.status_code == 200 and "王审核" in page.text
    pages.sign_out()
    assert pages.get("/review/").status_code == 303


def test_a_wrong_password_says_so_without_saying_which(pages, make_user):
    user = make_user(Role.city_reviewer)
    response = pages.sign_in(user, password="not the password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert pages.get("/review/").status_code == 303


def test_an_inspector_gets_a_clear_403(pages, make_user, session):
    inspector = make_user(Role.inspector)
    response = pages.sign_in(inspector)
    assert response.status_code == 403
    assert "核查员请使用平板应用" in response.text
    assert pages.get("/review/").status_code == 303  # and is not signed in
    # A reviewer who became an inspector since signing in is refused on the next page.
    reviewer = make_user(Role.city_reviewer)
    pages.sign_in(reviewer)
    reviewer.role = Role.inspector
    session.flush()
    response = pages.get("/review/")
    assert response.status_code == 403
    assert "inspectors use the tablet app" in pages.get("/review/?lang=en").text


def test_a_changed_password_signs_the_user_out(pages, make_user, session):
    user = make_user(Role.city_reviewer)
    pages.sign_in(user)
    assert pages.get("/review/").status_code == 200
    user.token_generation += 1  # what a password change does
    session.flush()
    assert pages.get("/review/").status_code == 303


def test_a_reviewer_of_another_county_gets_404_everywhere(pages, make_user, city_case):
    case = city_case()  # in 驿城区
    pages.sign_in(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    inside = case.photo_ids[0]
    for path in (
        f"/review/filings/{case.filing.id}",
        f"/review/photos/{inside}",
        f"/review/photos/{inside}/thumbnail.jpg",
        f"/review/photos/{inside}/preview.jpg",
        f"/review/photos/{inside}/original",
    ):
        response = pages.get(path)
        assert response.status_code == 404, path
        assert "text/html" in response.content_type
        assert "不在您的辖区内" in response.text
    response = pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "confirm", "reason_codes": "evidence_supports_claim"},
    )
    assert response.status_code == 404
    queue = pages.get("/review/").text
    assert case.filing.site.enterprise.name not in queue
    assert "确山县" in queue  # its own county is the only one offered


def test_a_forged_post_is_refused_with_400(pages, make_user, city_case, session):
    case = city_case()
    pages.sign_in(make_user(Role.city_reviewer))
    path = f"/review/filings/{case.filing.id}/decisions"
    form = {"outcome": "confirm", "reason_codes": "evidence_supports_claim"}
    for token in (None, "forged-token"):
        data = form if token is None else {**form, "csrf_token": token}
        response = pages.client.post(path, data=data)
        assert response.status_code == 400
        assert "CSRF" in response.text and "表单校验失败" in response.text
    assert session.scalar(select(func.count(ReviewDecision.id))) == 0
    # The sign-in form too: a login CSRF cannot sign a victim into someone else's account.
    response = pages.client.post("/review/sign-in", data={"username": "x", "password": "y"})
    assert response.status_code == 400


def test_a_bad_filter_is_a_sentence_at_the_filters(pages, make_user):
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.get("/review/?status=nonsense&within=99&lang=en")
    assert response.status_code == 422
    assert "the workflow state must be one from the list" in response.text
    assert "“days” must be a whole number from 0 to 60" in response.text
    assert "bad filter" not in response.text and 'name="status"' in response.text  # the form
    response = pages.get("/review/?within=-1&lang=zh")
    assert response.status_code == 422 and "“天内到期”须为 0 到 60 之间的整数" in response.text


def test_an_unknown_page_is_an_html_404(pages, make_user):
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.get("/review/no/such/page")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_next_never_leads_off_the_site(pages, make_user):
    user = make_user(Role.city_reviewer)
    form = {"username": user.username, "password": "correct horse battery"}
    for target in ("https://evil.example/", "//evil.example/review/", "/api/users"):
        response = pages.post("/review/sign-in", {**form, "next": target})
        assert response.headers["Location"] == "/review/", target
