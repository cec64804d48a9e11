"""Published versions are immutable, every version stays retrievable, drafts can be tried first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspection_forms import (
    DefinitionError,
    DefinitionProblem,
    PlantContext,
    PublishError,
    UnknownForm,
    check_definitions,
    content_digest,
    load_catalogue,
    publish,
)
from inspection_forms.loader import parse_yaml
from inspection_forms.versions import lock_text, with_published
from tests.forms.definitions import items, minimal_form, write_form
from tests.forms.documents import SCALES

HEADER = "# Demo form\n# reviewed like code\n"


def _write_draft(directory: Path, version: int = 1, label: str = "Cems present") -> Path:
    data = minimal_form(version=version)
    items(data)[0]["label"]["en"] = label
    path = write_form(directory, data, version=version)
    path.write_text(HEADER + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _lock(directory: Path) -> dict[str, dict[str, str]]:
    return json.loads((directory / "published.json").read_text(encoding="utf-8"))


def test_a_draft_can_be_tried_but_is_never_chosen_by_default(tmp_path: Path) -> None:
    _write_draft(tmp_path)
    catalogue = load_catalogue(tmp_path, SCALES)

    draft = catalogue.get("demo", 1)
    assert draft.status == "draft"
    assert catalogue.latest("demo", include_drafts=True) is draft
    assert catalogue.applicable("foundry", "A") == []
    with pytest.raises(UnknownForm, match="unknown form 'demo'"):
        catalogue.latest("demo")


def test_publish_marks_the_file_and_records_its_digest(tmp_path: Path) -> None:
    path = _write_draft(tmp_path)

    published = publish(tmp_path, "demo", 1, SCALES)

    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)  # comments survive
    assert "status: published\n" in text
    assert published.sha256 == content_digest(parse_yaml(text))
    assert _lock(tmp_path) == {"demo": {"1": published.sha256}}
    assert (tmp_path / "published.json").read_text(encoding="utf-8") == lock_text(published.lock)
    form = load_catalogue(tmp_path, SCALES).latest("demo")
    assert (form.version, form.status, form.sha256) == (1, "published", published.sha256)


def test_the_digest_ignores_status_comments_and_layout() -> None:
    draft = parse_yaml("# a\nid: demo\nstatus: draft\nversion: 1\n")
    published = parse_yaml("version:   1\nstatus: published\nid: demo   # same content\n")
    assert content_digest(draft) == content_digest(published)
    assert content_digest(draft) != content_digest(parse_yaml("id: demo\nversion: 2\n"))


def test_changing_a_published_version_fails_loading(tmp_path: Path) -> None:
    path = _write_draft(tmp_path)
    recorded = publish(tmp_path, "demo", 1, SCALES).sha256
    path.write_text(
        path.read_text(encoding="utf-8").replace("Cems present", "CEMS present"), encoding="utf-8"
    )
    changed = content_digest(parse_yaml(path.read_text(encoding="utf-8")))

    assert check_definitions(tmp_path, SCALES) == [
        DefinitionProblem(
            "demo/1.yaml",
            "",
            f"published form 'demo' v1 was changed (content sha256 {changed[:12]}…, "
            f"recorded {recorded[:12]}…); make a new version",
        )
    ]


def test_a_comment_edit_does_not_change_a_published_version(tmp_path: Path) -> None:
    path = _write_draft(tmp_path)
    publish(tmp_path, "demo", 1, SCALES)
    path.write_text(
        "# typo fixed in a comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert check_definitions(tmp_path, SCALES) == []


def test_a_change_is_a_new_version_and_the_old_one_stays_retrievable(tmp_path: Path) -> None:
    _write_draft(tmp_path, 1)
    v1_digest = publish(tmp_path, "demo", 1, SCALES).sha256
    _write_draft(tmp_path, 2, label="CEMS installed")

    before = load_catalogue(tmp_path, SCALES)
    assert before.latest("demo").version == 1
    assert before.get("demo", 2).status == "draft"

    publish(tmp_path, "demo", 2, SCALES)
    after = load_catalogue(tmp_path, SCALES)
    assert after.versions("demo") == [1, 2]
    assert after.latest("demo").version == 2
    assert after.get("demo", 1).sha256 == v1_digest
    assert after.get("demo", 1).items["cems_present"].label.en == "Cems present"
    assert [f.ref for f in after.applicable("foundry", "B")] == ["demo v2"]


def test_publishing_twice_or_an_older_version_is_refused(tmp_path: Path) -> None:
    _write_draft(tmp_path, 1)
    _write_draft(tmp_path, 2)
    publish(tmp_path, "demo", 2, SCALES)

    with pytest.raises(
        PublishError, match=r"form 'demo' v2 is already published; publish a higher"
    ):
        publish(tmp_path, "demo", 1, SCALES)
    with pytest.raises(PublishError, match=r"^form 'demo' v2 is already published$"):
        publish(tmp_path, "demo", 2, SCALES)


def test_publishing_needs_the_file_and_valid_definitions(tmp_path: Path) -> None:
    _write_draft(tmp_path)
    with pytest.raises(UnknownForm, match=r"form 'demo' has no version 3 \(known versions: 1\)"):
        publish(tmp_path, "demo", 3, SCALES)

    broken = minimal_form(id="other")
    items(broken)[1]["max_count"] = 0
    write_form(tmp_path, broken, form_id="other")
    with pytest.raises(DefinitionError) as raised:
        publish(tmp_path, "demo", 1, SCALES)
    assert [(e.file, e.path) for e in raised.value.errors] == [
        ("other/1.yaml", "sections[0].items[1].max_count")
    ]
    assert "status: draft" in (tmp_path / "demo" / "1.yaml").read_text(encoding="utf-8")


def test_lock_and_files_must_agree(tmp_path: Path) -> None:
    write_form(tmp_path, minimal_form(status="published"))  # never published through the lock
    _write_draft(tmp_path, 2)
    digest = "0" * 64
    (tmp_path / "published.json").write_text(
        json.dumps({"demo": {"2": digest, "3": digest}}), encoding="utf-8"
    )

    assert check_definitions(tmp_path, SCALES) == [
        DefinitionProblem(
            "demo/1.yaml",
            "status",
            "form 'demo' v1 says published but is not recorded in published.json; "
            "publish it with the publish command",
        ),
        DefinitionProblem(
            "demo/2.yaml",
            "status",
            "form 'demo' v2 is recorded as published in published.json but the file says draft",
        ),
        DefinitionProblem(
            "published.json",
            "demo.3",
            "published form 'demo' v3 has no file demo/3.yaml; every published version must stay retrievable",
        ),
    ]


def test_with_published_is_pure_and_refuses_to_overwrite() -> None:
    lock = {"demo": {"1": "a" * 64}}
    new = with_published(lock, "demo", 2, "b" * 64)
    assert new == {"demo": {"1": "a" * 64, "2": "b" * 64}}
    assert lock == {"demo": {"1": "a" * 64}}
    with pytest.raises(ValueError, match="already published"):
        with_published(new, "demo", 2, "c" * 64)
    assert lock_text({"z": {"10": "c" * 64, "9": "d" * 64}, "a": {}}).splitlines()[:4] == [
        "{",
        '  "a": {},',
        '  "z": {',
        f'    "9": "{"d" * 64}",',
    ]


def test_unknown_form_or_version_names_both(tmp_path: Path) -> None:
    _write_draft(tmp_path)
    catalogue = load_catalogue(tmp_path, SCALES)

    with pytest.raises(UnknownForm) as unknown_form:
        catalogue.get("nope", 1)
    assert str(unknown_form.value) == "unknown form 'nope' (asked for version 1)"
    with pytest.raises(UnknownForm) as unknown_version:
        catalogue.get("demo", 9)
    assert str(unknown_version.value) == "form 'demo' has no version 9 (known versions: 1)"
    assert (unknown_version.value.form_id, unknown_version.value.version) == ("demo", 9)

    context = PlantContext()
    unknown = catalogue.validate({"form_id": "nope", "form_version": 1, "answers": {}}, context)
    assert [(p.path, p.code, p.message_en) for p in unknown] == [
        ("form_id", "form.unknown", "unknown form 'nope'")
    ]
    missing = catalogue.validate({"form_id": "demo", "form_version": 9, "answers": {}}, context)
    assert [(p.path, p.code, p.message_en) for p in missing] == [
        ("form_version", "form.unknown_version", "form 'demo' has no version 9 (known versions: 1)")
    ]
    assert missing[0].message_zh == "核查表 demo 没有版本 9（已有版本：1）"
    malformed = catalogue.validate({"form_id": "demo", "form_version": "1"}, context)
    assert [(p.path, p.code) for p in malformed] == [("form_version", "document.invalid")]
