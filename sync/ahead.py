"""Validating ahead: the next page's submitted inspections are checked against their forms
while the current batch is applied, so the apply stage mostly finds the answer ready.

Form validation is the largest part of ingesting an inspection and needs no SQL: only the
document and the plant context of its assignment (the codes its repeat groups are keyed by).
The worker remembers the contexts of the assignments its last batches met; a page read ahead
is validated against them in the feed reader's thread. The apply stage uses an answer only if
the context it loads itself is equal (``server.inspections.ingest._validate``), so a plant
whose lines changed meanwhile is validated again; validation being a function of the document
and the context, the answer is then exactly the one validating now would give.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from inspection_forms import PlantContext
from inspection_forms.claims import GENERATED_FORM_ID
from server.inspections.batch import Validated
from server.inspections.forms import dry_run

log = logging.getLogger("sync.ahead")

# The assignments whose contexts are remembered; a worker meets a few dozen at a time.
MAX_CONTEXTS = 2048

Pins = frozenset[tuple[Any, Any]]


def validate_ahead(
    feed: Mapping[str, Any], contexts: Mapping[int, tuple[PlantContext, Pins]]
) -> dict[tuple[str, str], Validated]:
    """Validate the page's submitted inspections whose assignment's context is known."""
    found: dict[tuple[str, str], Validated] = {}
    for change in feed.get("results", []):
        doc = change.get("doc") or {}
        doc_id, rev = change.get("id"), doc.get("_rev")
        if change.get("deleted") or not isinstance(doc_id, str) or not isinstance(rev, str):
            continue
        if not doc_id.startswith("inspection:") or doc.get("status") != "submitted":
            continue
        known = contexts.get(doc.get("assignment_id"))  # type: ignore[arg-type]
        if known is None or (doc.get("form_id"), doc.get("form_version")) not in known[1]:
            continue  # the apply stage says why, with the assignment it loads
        if doc.get("form_id") == GENERATED_FORM_ID:
            continue  # its definition is on the assignment: the apply stage validates it
        try:
            found[(doc_id, rev)] = Validated(known[0], dry_run(doc, known[0]))
        except Exception:  # the apply stage validates it again, and reports what fails
            log.debug("validating %s ahead failed", doc_id, exc_info=True)
    return found
