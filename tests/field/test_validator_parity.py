"""The device's validator (server/field/static/field/validator.js) and the server's judge the
same filled documents identically: same problems, same order, same paths, same zh/en messages.

Each file of tests/data/form_documents/ is a form (or "catalogue": the document's pinned version
is looked up), a plant context, a document and the problems expected. The Python validator must
produce exactly those (a fixture it disagrees with fails here: fix the code or review the file by
hand, never regenerate it silently), and so must the JavaScript one, run by Node over the same
files. Every problem code of inspection_forms/problems.py appears in some fixture.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from inspection_forms import FormCatalogue, PlantContext, load_catalogue, validate
from inspection_forms.problems import MESSAGES
from server.inspections.forms import form_catalogue, industry_scales

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "form_documents"
SCRIPT = Path(__file__).with_name("validator_parity.mjs")
FIXTURES = sorted(DATA.glob("*.json"))
KINDS = ("yes_no", "single_choice", "multiple_choice", "number", "text", "date", "datetime")
KINDS += ("photo", "meter", "attestation", "repeat")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def catalogue() -> FormCatalogue:
    """The shipped forms and the parity-only sample form (every kind and condition operator)."""
    sample = load_catalogue(DATA / "forms", industry_scales())
    return FormCatalogue([*form_catalogue(), *sample])


def _context(context: dict[str, list[Any]]) -> PlantContext:
    """Codes from lists of codes or from the assignment document's lines, gates, CEMS points."""

    def codes(key: str, field: str) -> tuple[str, ...]:
        return tuple(e if isinstance(e, str) else e[field] for e in context.get(key, ()))

    return PlantContext(codes("lines", "code"), codes("gates", "code"), codes("cems_points", "mn"))


def _python_problems(catalogue: FormCatalogue, fixture: dict[str, Any]) -> list[dict[str, str]]:
    context = _context(fixture["context"])
    if fixture["form"] == "catalogue":
        problems = catalogue.validate(fixture["document"], context)
    else:
        form = catalogue.get(fixture["form"]["id"], fixture["form"]["version"])
        problems = validate(form, fixture["document"], context)
    return [p.to_dict() for p in problems]


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_python_validator_gives_the_expected_problems(catalogue: FormCatalogue, path: Path) -> None:
    fixture = _load(path)
    assert _python_problems(catalogue, fixture) == fixture["problems"]


def test_every_problem_code_is_exercised() -> None:
    seen = {p["code"] for path in FIXTURES for p in _load(path)["problems"]}
    assert sorted(set(MESSAGES) - seen) == []


def test_every_item_kind_is_answered_validly_and_invalidly(catalogue: FormCatalogue) -> None:
    """Each kind appears in a valid document and is the subject of some problem."""
    valid: set[str] = set()
    faulted: set[str] = set()
    for path in FIXTURES:
        fixture = _load(path)
        if fixture["form"] == "catalogue" or not isinstance(fixture["document"], dict):
            continue
        form = catalogue.get(fixture["form"]["id"], fixture["form"]["version"])
        answers = fixture["document"].get("answers")
        if not isinstance(answers, dict):
            continue
        kinds = {item_id: item.kind for item_id, item in form.all_items.items()}
        if not fixture["problems"]:
            valid |= {kinds[key] for key in _answered_ids(answers, kinds)}
        for problem in fixture["problems"]:
            parts = problem["path"].replace("[", ".").split(".")
            faulted |= {kinds[part] for part in parts if part in kinds}
    assert set(KINDS) - valid == set()
    assert set(KINDS) - faulted == set()


def _answered_ids(answers: dict[str, Any], kinds: dict[str, str]) -> set[str]:
    found = set()
    for key, value in answers.items():
        if key in kinds:
            found.add(key)
            if kinds[key] == "repeat" and isinstance(value, dict):
                for entry in value.values():
                    found |= _answered_ids(entry, kinds)
    return found


@pytest.fixture(scope="module")
def node_results(catalogue: FormCatalogue, tmp_path_factory: pytest.TempPathFactory) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    forms = tmp_path_factory.mktemp("forms") / "forms.json"
    forms.write_text(json.dumps([form.to_dict() for form in catalogue], ensure_ascii=False))
    return subprocess.run(
        [node, str(SCRIPT), str(forms), *map(str, FIXTURES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_javascript_validator_gives_the_expected_problems(node_results: Any) -> None:
    assert node_results.returncode == 0, node_results.stderr
    results = json.loads(node_results.stdout)
    for path in FIXTURES:
        assert results[path.stem] == _load(path)["problems"], path.stem


def test_the_javascript_check_can_fail(
    catalogue: FormCatalogue, tmp_path: Path, node_results: Any
) -> None:
    """A fixture whose expected problems are wrong makes the Node script fail, naming it."""
    fixture = _load(DATA / "photo_counts.json")
    fixture["problems"][0]["message_en"] += "!"
    wrong = tmp_path / "tampered.json"
    wrong.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    forms = tmp_path / "forms.json"
    forms.write_text(json.dumps([form.to_dict() for form in catalogue], ensure_ascii=False))
    node = shutil.which("node")
    assert node is not None
    run = subprocess.run(
        [node, str(SCRIPT), str(forms), str(wrong)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert "tampered: problem 0" in run.stderr
