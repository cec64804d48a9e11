"""The shipped inspection forms, loaded once per process, and what the API asks of them.

Definitions are data files reviewed like code (``inspection_forms/definitions``); every web and
worker process loads the same files, so no process holds state another cannot see.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from inspection_forms import (
    DEFINITIONS_DIR,
    Form,
    FormCatalogue,
    PlantContext,
    Problem,
    UnknownForm,
    load_catalogue,
)
from server.catalogue import catalogue
from server.errors import NotFound
from server.filings.models import Filing
from server.registry.models import Site

# The guide versions a form may serve; each form is checked against the scales of the guide
# versions it declares (`guides`, else `guide`). MEE26 reuses the MEE2020 industry codes with
# its own scale (A+ A B C D).
FORM_GUIDES = ("MEE2020", "HENAN2020", "MEE26")
# The flat scales of the first guides, for callers that know no guide version.
_FLAT_GUIDES = ("MEE2020", "HENAN2020")


class FormNotFound(NotFound):
    code = "form.unknown"


def industry_scales() -> dict[str, list[str]]:
    scales: dict[str, list[str]] = {}
    for guide in _FLAT_GUIDES:
        scales.update(catalogue().industry_scales(guide))
    return scales


def guide_scales() -> dict[str, dict[str, list[str]]]:
    """{guide version: {industry: scale}} for every guide version a form may serve."""
    return {guide: catalogue().industry_scales(guide) for guide in FORM_GUIDES}


@cache
def form_catalogue() -> FormCatalogue:
    """Every form version; a broken definition stops the process here, at start-up."""
    return load_catalogue(DEFINITIONS_DIR, industry_scales(), guide_scales())


def get_form(form_id: str, version: int) -> Form:
    """One form version. Raises FormNotFound naming the form and the version."""
    try:
        return form_catalogue().get(form_id, version)
    except UnknownForm as exc:
        raise FormNotFound(str(exc)) from exc


def form_versions(form_id: str) -> list[Form]:
    forms = form_catalogue()
    if form_id not in forms.form_ids():
        raise FormNotFound(f"unknown form {form_id!r}; known: {', '.join(forms.form_ids())}")
    return [forms.get(form_id, version) for version in forms.versions(form_id)]


def list_forms(
    *, industry: str | None = None, grade: str | None = None, include_drafts: bool = False
) -> list[Form]:
    return form_catalogue().forms(industry=industry, grade=grade, include_drafts=include_drafts)


def forms_for_filing(filing: Filing) -> list[Form]:
    """The published forms that apply to a filing's industry cases and claimed grades."""
    claims = {case.industry_code: case.claimed_grade for case in filing.cases}
    guides = {case.industry_code: case.guide_version for case in filing.cases}
    return form_catalogue().applicable_to_filing(claims, guides)


def plant_context(site: Site) -> PlantContext:
    """The registry codes repeat groups are keyed by: lines, gates, CEMS points (MN)."""
    return PlantContext(
        lines=tuple(line.code for line in site.lines),
        gates=tuple(gate.code for gate in site.gates),
        cems_points=tuple(point.mn for point in site.cems_points),
    )


def dry_run(document: Any, context: PlantContext) -> list[Problem]:
    """Every problem of a filled inspection against its pinned form version; stores nothing."""
    return form_catalogue().validate(document, context)
