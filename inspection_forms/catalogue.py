"""Every loaded version of every form, by id and version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from inspection_forms.model import Form, PlantContext
from inspection_forms.problems import Problem, UnknownForm, problem
from inspection_forms.validator import validate
from inspection_forms.vocabulary import WILDCARD


class FormCatalogue:
    """All versions of all forms. Drafts are kept (to try them) but never chosen by default."""

    def __init__(self, forms: Iterable[Form]) -> None:
        self._forms: dict[str, dict[int, Form]] = {}
        for form in sorted(forms, key=lambda f: (f.id, f.version)):
            self._forms.setdefault(form.id, {})[form.version] = form

    def __iter__(self) -> Iterator[Form]:
        for versions in self._forms.values():
            yield from versions.values()

    def __len__(self) -> int:
        return sum(len(versions) for versions in self._forms.values())

    def form_ids(self) -> list[str]:
        return list(self._forms)

    def get(self, form_id: str, version: int) -> Form:
        """One version. Raises UnknownForm naming the form and the version asked for."""
        versions = self._forms.get(form_id)
        if versions is None:
            raise UnknownForm(form_id, version)
        form = versions.get(version)
        if form is None or isinstance(version, bool):
            raise UnknownForm(form_id, version, versions)
        return form

    def versions(self, form_id: str, *, include_drafts: bool = True) -> list[int]:
        """Version numbers of a form, oldest first. Raises UnknownForm."""
        if form_id not in self._forms:
            raise UnknownForm(form_id, None)
        return [v for v, form in self._forms[form_id].items() if include_drafts or form.published]

    def latest(self, form_id: str, *, include_drafts: bool = False) -> Form:
        """The highest (published, unless include_drafts) version. Raises UnknownForm."""
        candidates = self.versions(form_id, include_drafts=include_drafts)
        if not candidates:
            raise UnknownForm(form_id, None)
        return self._forms[form_id][candidates[-1]]

    def forms(
        self,
        *,
        industry: str | None = None,
        grade: str | None = None,
        include_drafts: bool = False,
        guide: str | None = None,
    ) -> list[Form]:
        """The latest version of each form, optionally only those for an industry and/or grade;
        forms for every industry first, then by id."""
        found = []
        for form_id, versions in self._forms.items():
            # the latest version serving the guide: a form may keep one version per guide
            usable = [
                f for f in versions.values() if (include_drafts or f.published) and f.serves(guide)
            ]
            if not usable:
                continue
            form = usable[-1]
            if (
                industry is not None
                and WILDCARD not in form.industries
                and industry not in form.industries
            ):
                continue
            if grade is not None and WILDCARD not in form.grades and grade not in form.grades:
                continue
            found.append((WILDCARD not in form.industries, form_id, form))
        return [form for *_, form in sorted(found, key=lambda entry: entry[:2])]

    def applicable(self, industry: str, grade: str, guide: str | None = None) -> list[Form]:
        """The published forms an inspector fills for a plant of `industry` claiming `grade`
        (under the guide version `guide`, when given)."""
        return self.forms(industry=industry, grade=grade, guide=guide)

    def applicable_to_filing(
        self, claims: Mapping[str, str], guides: Mapping[str, str] | None = None
    ) -> list[Form]:
        """Forms for a filing claiming {industry: grade} for one or more industries, each once;
        `guides` gives each industry's guide version."""
        seen: dict[tuple[str, int], Form] = {}
        for industry, grade in claims.items():
            guide = guides.get(industry) if guides else None
            for form in self.applicable(industry, grade, guide):
                seen.setdefault((form.id, form.version), form)
        common = [f for f in seen.values() if WILDCARD in f.industries]
        return common + [f for f in seen.values() if WILDCARD not in f.industries]

    def validate(self, document: Any, context: PlantContext) -> list[Problem]:
        """Validate a document against the version it pins; unknown form or version is a problem."""
        if not isinstance(document, Mapping):
            return [problem("", "document.wrong_type")]
        form_id, version = document.get("form_id"), document.get("form_version")
        if not isinstance(form_id, str):
            return [problem("form_id", "document.invalid", field="form_id")]
        if not isinstance(version, int) or isinstance(version, bool):
            return [problem("form_version", "document.invalid", field="form_version")]
        try:
            form = self.get(form_id, version)
        except UnknownForm as exc:
            return [exc.to_problem()]
        return validate(form, document, context)
