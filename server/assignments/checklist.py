"""The checklist an assignment pins: the industry forms that apply, plus items generated from
every claim those forms do not verify (issue 17; ``inspection_forms.claims``).

A pin is ``{form_id, version, sha256}``; a generated checklist's pin also stores its whole
``definition``, so the tablet, the validator and reconciliation read exactly what was pinned,
and a claim edited afterwards changes nothing. Its digest is checked whenever it is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from inspection_forms import Form, content_digest
from inspection_forms.claims import (
    GENERATED_FORM_ID,
    ClaimSpec,
    NoGenerator,
    build_checklist,
    checklist_definition,
)
from server.accounts.actor import Actor
from server.assignments.errors import ClaimNotCoverable
from server.assignments.repository import get_assignment
from server.filings.models import Filing
from server.inspections.forms import get_form

# sha256 → the built form; generated forms are immutable, and a worker meets few at a time.
_BUILT: dict[str, Form] = {}
_MAX_BUILT = 4096


def is_generated(pin: dict[str, Any]) -> bool:
    return pin.get("form_id") == GENERATED_FORM_ID


def pinned_form(pin: dict[str, Any]) -> Form:
    """The form a pin names: a shipped version, or the generated checklist it stores.

    Raises FormNotFound (a shipped version that does not exist), ValueError (a stored
    definition whose content no longer matches its digest)."""
    if not is_generated(pin):
        return get_form(pin["form_id"], int(pin["version"]))
    digest, definition = pin["sha256"], pin["definition"]
    if content_digest(definition) != digest:  # checked at every read, cached or not
        raise ValueError(
            f"the checklist pinned as {GENERATED_FORM_ID} v{pin['version']} was changed "
            "after it was pinned"
        )
    form = _BUILT.get(digest)
    if form is None:
        form = build_checklist(definition)
        if len(_BUILT) >= _MAX_BUILT:
            _BUILT.clear()
        _BUILT[digest] = form
    return form


def pinned_forms(pins: Iterable[dict[str, Any]]) -> tuple[Form, ...]:
    return tuple(pinned_form(pin) for pin in pins)


def _indicator(category: str, code: str) -> str:
    return code if code.startswith(f"{category}.") else f"{category}.{code}"


def covers(forms: Sequence[Form], indicator: str, grade: str) -> bool:
    """Whether an item of `forms` verifies `indicator` with a criterion at `grade`."""
    for form in forms:
        for item in form.all_items.values():
            if item.indicator == indicator and item.criterion_for(grade) is not None:
                return True
    return False


def uncovered_claims(filing: Filing, forms: Sequence[Form]) -> list[ClaimSpec]:
    """The filing's claims that no item of `forms` verifies at the case's claimed grade."""
    specs = []
    for case in filing.cases:
        for claim in sorted(case.claims, key=lambda c: c.id):
            indicator = _indicator(claim.category, claim.indicator_code)
            if covers(forms, indicator, case.claimed_grade):
                continue
            specs.append(
                ClaimSpec(
                    claim_id=claim.id,
                    industry=case.industry_code,
                    guide_version=case.guide_version,
                    grade=case.claimed_grade,
                    category=claim.category,
                    indicator=indicator,
                    claimed_value=claim.claimed_value,
                    statement=claim.statement,
                )
            )
    return specs


def checklist_pins(
    filing: Filing, pins: Sequence[dict[str, Any]], *, version: int
) -> list[dict[str, Any]]:
    """`pins` (the shipped forms) plus, when some claim is not verified by them, the generated
    checklist for those claims as version `version` (the assignment's id).

    Raises ClaimNotCoverable naming every claim no item can verify."""
    shipped = [pin for pin in pins if not is_generated(pin)]
    specs = uncovered_claims(filing, pinned_forms(shipped))
    if not specs:
        return list(shipped)
    try:
        definition = checklist_definition(specs, version=version)
    except NoGenerator as exc:
        errors = {
            f"claims.{spec.claim_id}": [
                f"no form item verifies {spec.indicator} and no item can be generated for "
                f"category '{spec.category}'"
            ]
            for spec in exc.claims
        }
        raise ClaimNotCoverable(
            "发布前每项申报指标都须有核查项；以下指标无法核查 / every claimed indicator needs "
            f"an item that can verify it: {exc}",
            errors=errors,
        ) from exc
    form = build_checklist(definition)
    generated = {
        "form_id": form.id,
        "version": form.version,
        "sha256": form.sha256,
        "definition": definition,
    }
    return [*shipped, generated]


def checklist_for(session: Session, actor: Actor, assignment_id: int) -> list[dict[str, Any]]:
    """Every form the assignment pins, as the tablets received it, the generated checklist of
    the claims included: what the team was asked. Raises NotFound (not visible to the actor)."""
    assignment = get_assignment(session, actor, assignment_id)
    return [form.to_dict() for form in pinned_forms(assignment.form_pins)]
