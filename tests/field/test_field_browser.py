"""The inspector's field app in a real browser (Playwright + Debian Chromium), against the real
app on a loopback port, the gateway, PouchDB Server and the sync worker.

An inspector signs in online, the assignment arrives; the tablet goes offline and the app still
opens from its service worker; the checklist is filled with real JPEG files and a position set
by the test; the on-device validator stops a wrong answer before submission; the submission is
made offline, goes through the gateway when the network is back, the worker accepts it, the app
shows it accepted and a refused photo's reason on its item, and the reviewer's dossier shows the
inspection and the photos. A second team member works in a context of their own; signing out
clears the tablet. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from media import FilesystemBlobStore
from media.geo import gcj02_to_wgs84
from server.db import make_sessionmaker
from server.evidence.models import Photo
from server.inspections.models import Inspection
from sync.couch import CouchClient
from sync.worker import Worker
from tests.factories import PASSWORD
from tests.field.world import PLANT, FieldWorld, build_field_world
from tests.sync.conftest import Live, live  # noqa: F401 (the module's live system)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PHOTOS = ROOT / "tests" / "data" / "photos"
JPEGS = [PHOTOS / "Canon_40D.jpg", PHOTOS / "mobile" / "jolla.jpg", PHOTOS / "gps" / "DSCN0010.jpg"]
pytestmark = [
    pytest.mark.sql,
    pytest.mark.couch,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH"),
]
YARD_LON, YARD_LAT = gcj02_to_wgs84(114.002, 33.002)  # the middle of the yard, as GPS reads it


@pytest.fixture(scope="module")
def world(live: Live) -> FieldWorld:  # noqa: F811
    return build_field_world(live)


@pytest.fixture(scope="module")
def worker(live: Live) -> Iterator[Worker]:  # noqa: F811
    couch = CouchClient(live.couch_url)
    worker = Worker(make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"))
    yield worker
    worker.close()
    couch.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


def tablet(browser, *, lon: float = YARD_LON, lat: float = YARD_LAT):
    return browser.new_context(
        viewport={"width": 1024, "height": 1300},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        permissions=["geolocation"],
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
    )


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/field/")
    page.get_by_test_id("sign-in").wait_for()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


def item(page, path: str):
    return page.locator(f".item[data-path='answers.{path}']")


def choose(page, path: str, value: str) -> None:
    item(page, path).locator(f"input[value='{value}']").first.check()


def fill(page, path: str, value: str) -> None:
    item(page, path).locator("input, textarea").first.fill(value)


def attach(page, path: str, *files: Path) -> None:
    before = item(page, path).locator("li.photo").count()
    item(page, path).get_by_test_id("photo-input").set_input_files([str(f) for f in files])
    expect(item(page, path).locator("li.photo")).to_have_count(before + len(files))


def fill_common_form(page) -> None:
    """Every item the common form asks of this plant, through the page's own controls."""
    item(page, "visit_started_at").locator("button.now").click()
    choose(page, "production_normal", "true")
    fill(page, "plant_representative", "王伟，环保主管")
    choose(page, "separate_metering_installed", "true")
    line = "lines.L01."
    for name in ("line_matches_permit", "line_in_reduction_list", "line_running"):
        choose(page, line + name, "true")
    fill(page, line + "line_load_percent", "180")  # beyond 150 %: stopped before submission
    attach(page, line + "line_production_record_photo", JPEGS[0])
    for meter, reading in (
        ("production_meter_start", "10234.5"),
        ("production_meter_end", "10390.1"),
        ("treatment_meter_start", "2210"),
        ("treatment_meter_end", "2241.7"),
    ):
        box = item(page, line + meter)
        box.locator("input[type=number]").fill(reading)
        box.locator("input[type=text]").fill("EM-07")
    attach(page, line + "production_meter_start", JPEGS[1])
    attach(page, line + "treatment_meter_start", JPEGS[2])
    choose(page, line + "treatment_running", "true")
    attach(page, line + "treatment_photo", JPEGS[0])
    choose(page, line + "equipment_labels_present", "true")
    for name in ("no_odour_workshop", "no_odour_yard", "no_dust_floors", "no_dust_walls"):
        choose(page, name, "true")
    for name in ("no_dust_equipment", "storage_enclosed"):
        choose(page, name, "true")
    attach(page, "fugitive_photos", JPEGS[1], JPEGS[2])
    choose(page, "public_signboard_at_gate", "false")
    attach(page, "equipment_label_photos", PHOTOS / "corrupted.jpg")  # the worker refuses it
    choose(page, "cems_present", "false")
    fill(page, "dcs_data_months", "13")
    fill(page, "gate_video_months", "7")
    gate = "gates.G01."
    for name in ("plate_recognition", "automatic_barrier", "records_kept"):
        choose(page, gate + name, "true")
    choose(page, gate + "blocks_banned_vehicles", "true")
    attach(page, gate + "gate_photo", JPEGS[0])
    choose(page, "loading_points_video", "true")
    attach(page, "loading_points_video_photos", JPEGS[1])
    choose(page, "video_retrieved_on_site", "true")
    fill(page, "ledger_records_checked", "8")
    fill(page, "ledger_records_mismatched", "0")
    choose(page, "ledger_has_emission_stage", "true")
    fill(page, "share_china_vi_or_new_energy", "82.5")
    fill(page, "share_china_v", "17.5")
    fill(page, "share_china_iv_or_older", "0")
    choose(page, "vehicle_share_basis", "ledger")
    choose(page, "nonroad_machinery_compliant", "true")
    for code in ("eia_approval", "acceptance", "discharge_permit", "treatment_ledger"):
        item(page, "records_present").locator(f"input[value='{code}']").check()
    choose(page, "environmental_staff", "true")
    item(page, "visit_ended_at").locator("button.now").click()
    item(page, "inspector_attestation").locator("input[type=checkbox]").check()


def arrived_draft(live: Live, user_id: int, answered: str) -> dict:  # noqa: F811
    """The inspector's inspection in their CouchDB database once it has ``answered``."""
    deadline = time.monotonic() + 30
    with CouchClient(live.couch_url) as couch:
        while True:
            feed = couch.changes(f"inspector-{user_id}", include_docs=True)["results"]
            docs = [r["doc"] for r in feed if r["id"].startswith("inspection:")]
            if docs and answered in docs[0]["answers"]:
                return docs[0]
            assert time.monotonic() < deadline, docs
            time.sleep(0.2)


def local_state(page) -> dict:
    return page.evaluate(
        """async () => ({
            session: localStorage.getItem('field.session'),
            databases: (await indexedDB.databases()).map((d) => d.name),
        })"""
    )


def test_an_inspector_does_a_whole_visit_offline(
    live: Live,  # noqa: F811
    world: FieldWorld,
    worker: Worker,
    browser,
) -> None:
    worker.run_once()  # the assignment and its forms go to both members' databases
    ARTIFACTS.mkdir(exist_ok=True)
    context = tablet(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live.base_url, world.lead.username)

    # Online: the assignment arrives with its plant, window and team.
    card = page.locator(f"[data-assignment='{world.assignment_id}']")
    card.wait_for()
    assert PLANT in card.inner_text()
    assert "核查员张三（组长）、核查员李四" in card.get_by_test_id("team").inner_text()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # Offline: the app still opens, from the service worker's cache and the local database.
    context.set_offline(True)
    page.reload()
    card.wait_for()
    assert "离线" in page.get_by_test_id("sync-summary").inner_text()
    card.click()
    page.get_by_test_id("site-map").locator("path.boundary").wait_for()
    page.get_by_test_id("position").wait_for()
    assert "本机在厂区边界内" in page.get_by_test_id("position").inner_text()
    assert "1 号熔炼线" in page.inner_text("main")
    claims = page.get_by_test_id("claims").inner_text()
    assert "申报级别 A" in claims and "." not in claims.replace("。", "")  # names, not codes
    page.get_by_test_id("lang").click()  # the English switch, offline too
    expect(page.get_by_test_id("site-map").locator("h2")).to_have_text("Site map")
    assert "This tablet is inside the site" in page.get_by_test_id("position").inner_text()
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("site-map").locator("h2")).to_have_text("厂区位置")
    page.screenshot(path=str(ARTIFACTS / "field-assignment.png"), full_page=True)
    page.locator("[data-form='common'] a").click()
    expect(page.locator("body[data-checklist-ready]")).to_have_count(1)
    assert item(page, "lines").count() == 0  # the production section waits for its answer
    fill_common_form(page)
    assert item(page, "lines").locator("legend").inner_text() == "生产线 L01 · 1 号熔炼线"
    criterion = item(page, "share_china_vi_or_new_energy").get_by_test_id("criterion")
    assert criterion.inner_text().startswith("A 级要求：")  # the rule for the claimed grade

    # The device's validator stops the load beyond the form's range, on that item.
    page.get_by_test_id("submit").click()
    problems = page.get_by_test_id("validation-problems")
    problems.wait_for()
    assert "生产线 L01" in problems.inner_text() and "负荷" in problems.inner_text()
    load = item(page, "lines.L01.line_load_percent")
    assert load.locator("[data-code]").count() == 1
    assert "lines.L01" not in problems.inner_text()  # names, never paths
    page.screenshot(path=str(ARTIFACTS / "field-validation.png"), full_page=True)
    fill(page, "lines.L01.line_load_percent", "86")
    page.get_by_test_id("submit").click()
    page.wait_for_selector("[data-testid=submitted], [data-testid=validation-problems]")
    still = page.get_by_test_id("validation-problems")
    assert still.count() == 0, still.inner_text()

    expect(page.get_by_test_id("sync-summary")).to_contain_text("待发送 10 份")

    # Signing out now would lose the unsent visit: the app says so and waits for a second press.
    page.get_by_test_id("sign-out").click()
    warning = page.get_by_test_id("sign-out-warning").inner_text()
    assert "10 份记录未发送" in warning, warning
    assert local_state(page)["session"] is not None

    # Back online: the documents go through the gateway; the worker answers.
    context.set_offline(False)
    expect(page.get_by_test_id("sync-summary")).to_contain_text("全部已发送", timeout=30000)
    with CouchClient(live.couch_url) as couch:  # what arrived through the gateway
        feed = couch.changes(f"inspector-{world.lead.id}", include_docs=True)
    arrived = [r["doc"] for r in feed["results"] if r["id"].startswith("photo:")]
    assert len(arrived) == 9
    for doc in arrived:
        assert doc["taken_at"].endswith("+08:00") and doc["device_id"].startswith("web-")
        position = doc["device_position"]  # the position the browser gave at that moment
        assert (position["lon"], position["lat"]) == pytest.approx((YARD_LON, YARD_LAT))
        assert position["accuracy_m"] == 8 and position["at"].endswith("+08:00")
    assert {doc["item"] for doc in arrived} >= {
        "lines.L01.production_meter_start",
        "gates.G01.gate_photo",
        "fugitive_photos",
    }
    report = worker.run_once()
    assert report.processed == 10, report  # the inspection and its nine photos
    state = page.locator("[data-testid=form-banner] [data-testid=form-state]")
    expect(state).to_have_text("服务器已接收", timeout=30000)
    refused = item(page, "equipment_label_photos")
    refused.locator("li.photo.rejected").wait_for(timeout=30000)
    assert "照片被服务器退回" in refused.inner_text()
    page.screenshot(path=str(ARTIFACTS / "field-accepted.png"), full_page=True)

    with live.session() as session:
        [inspection] = session.scalars(
            select(Inspection).where(Inspection.assignment_id == world.assignment_id)
        ).all()
        assert inspection.status.value == "accepted"
        photos = session.scalars(
            select(Photo).where(Photo.assignment_id == world.assignment_id)
        ).all()
        assert len(photos) == 9

    # The reviewer's dossier shows the inspection and its photos.
    desk = browser.new_context(locale="zh-CN")
    review = desk.new_page()
    review.goto(f"{live.base_url}/review/sign-in")
    review.fill("input[name=username]", world.reviewer.username)
    review.fill("input[name=password]", PASSWORD)
    review.click("form button[type=submit]")
    review.wait_for_url(f"{live.base_url}/review/")
    review.goto(f"{live.base_url}/review/filings/{world.filing_id}")
    body = review.inner_text("main")
    assert "核查员张三" in body
    assert re.search(r"照片\s*\(?\s*（?(\d+)", body)
    assert review.locator("[data-testid=gallery] a.thumb").count() >= 8
    review.screenshot(path=str(ARTIFACTS / "field-dossier.png"), full_page=True)
    desk.close()

    # The second team member: a tablet of their own, the same assignment, none of the lead's
    # work; their own draft (with their attestation) goes to their own database only.
    other = tablet(browser)
    second = other.new_page()
    sign_in(second, live.base_url, world.second.username)
    second.locator(f"[data-assignment='{world.assignment_id}']").click()
    forms = second.get_by_test_id("forms")
    forms.wait_for()
    assert "未开始" in forms.locator("[data-form='common']").inner_text()
    forms.locator("[data-form='common'] a").click()
    expect(second.locator("body[data-checklist-ready]")).to_have_count(1)
    assert item(second, "plant_representative").locator("textarea").input_value() == ""
    choose(second, "production_normal", "true")
    item(second, "inspector_attestation").locator("input[type=checkbox]").check()
    expect(second.get_by_test_id("saved")).to_contain_text("已保存在本机")
    draft = arrived_draft(live, world.second.id, "inspector_attestation")
    with CouchClient(live.couch_url) as couch:
        mine = couch.changes(f"inspector-{world.lead.id}", include_docs=True)["results"]
    assert draft["owner"] == f"user:{world.second.id}" and draft["status"] == "draft"
    attestation = draft["answers"]["inspector_attestation"]
    assert attestation["attested"] is True and attestation["by"] == f"user:{world.second.id}"
    assert draft["_id"] not in {r["id"] for r in mine}
    other.close()

    # An expired sign-in stops the sync, says so, and signing in again keeps the tablet's data.
    page.evaluate(
        "const s = JSON.parse(localStorage.getItem('field.session'));"
        "s.expires_at = Date.now() - 1000; localStorage.setItem('field.session', JSON.stringify(s))"
    )
    page.reload()
    expect(page.get_by_test_id("sync-error")).to_contain_text("登录已过期")
    expect(page.locator("body[data-checklist-ready]")).to_have_count(1)  # the data stay
    page.get_by_test_id("sign-in-again").click()
    page.fill("input[name=username]", world.lead.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.locator(f"[data-assignment='{world.assignment_id}']").click()
    expect(page.locator("[data-form='common'] [data-testid=form-state]")).to_have_text(
        "服务器已接收"
    )
    expect(page.get_by_test_id("sync-error")).to_have_count(0)

    # Signing out clears the tablet: the local database and the stored token are gone.
    before = local_state(page)
    assert before["session"] and any("field-inspector" in n for n in before["databases"])
    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("sign-in").wait_for()
    after = local_state(page)
    assert after["session"] is None
    assert not any("field-inspector" in (n or "") for n in after["databases"])
    assert errors == []
    context.close()


def test_a_photo_is_made_smaller_only_when_the_server_would_refuse_it(
    live: Live,  # noqa: F811
    browser,
) -> None:
    """The original is evidence: kept byte for byte within the limits; beyond them (bytes or
    pixels), re-encoded as a JPEG that fits."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live.base_url}/field/")
    page.get_by_test_id("sign-in").wait_for()
    result = page.evaluate(
        """async () => {
            const { fitToLimits } = await import('/field/static/photos.js');
            const canvas = new OffscreenCanvas(1600, 1200);
            const g = canvas.getContext('2d');
            const noise = g.createImageData(1600, 1200);
            for (let i = 0; i < noise.data.length; i += 1) noise.data[i] = (i * 7919) % 251;
            g.putImageData(noise, 0, 0);
            const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
            const file = new File([blob], 'big.jpg', { type: 'image/jpeg' });
            const roomy = await fitToLimits(file, { max_photo_bytes: file.size, max_photo_pixels: 1920000 });
            const third = Math.floor(file.size / 3);
            const bytes = await fitToLimits(file, { max_photo_bytes: third, max_photo_pixels: 64e6 });
            const pixels = await fitToLimits(file, { max_photo_bytes: file.size, max_photo_pixels: 480000 });
            const size = async (b) => { const i = await createImageBitmap(b); return i.width * i.height; };
            return {
                original: file.size,
                roomy: [roomy.downscaled, roomy.blob === file],
                bytes: [bytes.downscaled, bytes.blob.size, bytes.blob.type],
                pixels: [pixels.downscaled, await size(pixels.blob)],
            };
        }"""
    )
    assert result["roomy"] == [False, True]  # within the limits: the very same file
    downscaled, size, kind = result["bytes"]
    assert downscaled and size <= result["original"] // 3 and kind == "image/jpeg"
    downscaled, pixels = result["pixels"]
    assert downscaled and pixels <= 480000
    context.close()
