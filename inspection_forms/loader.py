"""Load every definition file of a directory into a catalogue, reporting every problem at once.

Layout: `<directory>/<form_id>/<version>.yaml`, one file per version, and
`<directory>/published.json`, the lock recording each published version's digest.
Paths of files in problems are relative to `directory`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from inspection_forms.build import build_form
from inspection_forms.catalogue import FormCatalogue
from inspection_forms.checks import GuideScales, check_definition
from inspection_forms.model import Form
from inspection_forms.problems import DefinitionError, DefinitionProblem
from inspection_forms.schema import FORM_SCHEMA, flatten_errors
from inspection_forms.versions import LOCK_FILE, check_lock, content_digest, parse_lock
from inspection_forms.vocabulary import ID_RE

IndustryScales = Mapping[str, Sequence[str]]
# The form id of checklists generated from claims (inspection_forms.claims): no file may take it.
RESERVED_FORM_ID = "claims"


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a definition must not."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: safe


def _discover(directory: Path, errors: list[DefinitionProblem]) -> list[tuple[str, int, Path]]:
    """(form id, version, path) of every definition file, in form then version order."""
    files: list[tuple[str, int, Path]] = []
    for entry in sorted(directory.iterdir()):
        name = entry.name
        if name.startswith((".", "_")) or name == LOCK_FILE or name.lower().startswith("readme"):
            continue
        if not entry.is_dir():
            errors.append(
                DefinitionProblem(
                    name, "", "unexpected file; definitions live in <form_id>/<version>.yaml"
                )
            )
            continue
        if not ID_RE.match(name):
            errors.append(
                DefinitionProblem(name, "", "a form directory must be a lower_snake_case form id")
            )
            continue
        versions: list[tuple[str, int, Path]] = []
        for file in entry.iterdir():
            if file.name.startswith((".", "_")):
                continue
            stem = file.name.removesuffix(".yaml")
            if file.suffix != ".yaml" or not stem.isdigit() or stem.startswith("0"):
                errors.append(
                    DefinitionProblem(
                        f"{name}/{file.name}",
                        "",
                        "unexpected file; expected <version>.yaml, e.g. 1.yaml",
                    )
                )
                continue
            versions.append((name, int(stem), file))
        files.extend(sorted(versions, key=lambda found: found[1]))
    return files


def _load_file(
    path: Path,
    rel: str,
    form_id: str,
    version: int,
    scales: IndustryScales,
    guide_scales: GuideScales | None,
) -> tuple[Mapping[str, Any] | None, Form | None, list[DefinitionProblem]]:
    """(parsed raw data, form, problems) of one file; raw is None when the YAML is unreadable."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, None, [DefinitionProblem(rel, "", f"not readable YAML: {exc}")]
    if not isinstance(raw, dict):
        return (
            None,
            None,
            [DefinitionProblem(rel, "", "a definition must be a mapping at the top level")],
        )
    try:
        data = FORM_SCHEMA.load(raw)
    except ValidationError as exc:
        problems = [
            DefinitionProblem(rel, where, message)
            for where, message in flatten_errors(exc.messages)
        ]
        return raw, None, problems
    found = check_definition(
        data, form_id=form_id, version=str(version), scales=scales, guide_scales=guide_scales
    )
    if found:
        return raw, None, [DefinitionProblem(rel, where, message) for where, message in found]
    return raw, build_form(data, sha256=content_digest(raw), file=rel), []


def _load_all(
    directory: Path, scales: IndustryScales, guide_scales: GuideScales | None = None
) -> tuple[list[Form], list[DefinitionProblem]]:
    if not directory.is_dir():
        return [], [DefinitionProblem(str(directory), "", "not a directory")]
    lock_path = directory / LOCK_FILE
    lock, errors = parse_lock(lock_path.read_text(encoding="utf-8") if lock_path.exists() else None)
    forms: list[Form] = []
    found: dict[tuple[str, int], tuple[str, str, str]] = {}
    present: set[tuple[str, int]] = set()
    for form_id, version, path in _discover(directory, errors):
        rel = f"{form_id}/{path.name}"
        present.add((form_id, version))
        if form_id == RESERVED_FORM_ID:
            message = f"'{RESERVED_FORM_ID}' is the id of the checklists generated from claims"
            errors.append(DefinitionProblem(rel, "id", message))
            continue
        raw, form, problems = _load_file(path, rel, form_id, version, scales, guide_scales)
        errors.extend(problems)
        if raw is not None:
            digest = form.sha256 if form is not None else content_digest(raw)
            found[(form_id, version)] = (str(raw.get("status")), digest, rel)
        if form is not None:
            forms.append(form)
    errors.extend(check_lock(lock, found, present))
    return forms, errors


def check_definitions(
    directory: str | Path,
    industry_scales: IndustryScales,
    guide_scales: GuideScales | None = None,
) -> list[DefinitionProblem]:
    """Every problem of every definition file and of the lock; empty when all is well.
    With `guide_scales`, each form is checked against the scales of every guide it serves."""
    return _load_all(Path(directory), industry_scales, guide_scales)[1]


def load_catalogue(
    directory: str | Path,
    industry_scales: IndustryScales,
    guide_scales: GuideScales | None = None,
) -> FormCatalogue:
    """Load all versions of all forms. Raises DefinitionError listing every problem found."""
    forms, errors = _load_all(Path(directory), industry_scales, guide_scales)
    if errors:
        raise DefinitionError(errors)
    return FormCatalogue(forms)
