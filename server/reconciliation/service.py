"""A filing's reconciliation: claims against findings, the supported grade, normal production.

``current_result(session, filing_id)`` returns the stored ``ReconciliationResult``, recomputing
it first when the evidence changed since (its fingerprint differs) — so a read is never stale.
``result.result`` is a JSON object:

    {
      "filing_id": 12, "computed_at": "...Z", "policy": "lowest",
      "claimed_grade": "A",                      # the main industry's claim
      "supported_grade": "B" | null,             # the plant's grade on the evidence
      "confirmed": false,                        # false while an indicator is unverifiable
      "needs_new_visit": false,                  # a visit without normal production
      "explanation": [Step, ...],                # overall + exclusions
      "cases": [{
          "case_id": 3, "industry": "foundry", "guide_version": "MEE2020",
          "main": true, "scale": ["A", "B", "C", "D"],
          "claimed_grade": "A", "grade": "B", "confirmed": false,
          "decided_by": ["energy.melting_energy"], "explanation": [Step, ...],
          "indicators": [{
              "claim_id": 7, "indicator": "energy.melting_energy", "category": "energy",
              "claimed_grade": "A", "claimed_value": "...",
              "verdict": "verified" | "contradicted" | "unverifiable",
              "meets": "B" | null, "disagreement": false, "reviewer_required": false,
              "reasons": [Step, ...],
              "decided_by": [{"form", "path", "member", "answer", "passed",
                              "criterion": {...}}],
              "photos_used": ["photo doc id", ...],
              "photos_discarded": [{"ref": "photo doc id", "reasons": ["geo.outside_boundary"]}],
          }],
      }],
      "visits": [{
          "assignment_id": 5, "window_start": "...Z", "window_end": "...Z",
          "inspections": [{"doc_id", "inspector_id", "status"}],
          "production": {"status": "normal" | "not_normal" | "unknown",
                         "reasons": [Step, ...]},
          "void": false,                         # not normal: void for grading
      }],
      "obligations": {"yellow": Measure, "orange": Measure, "red": Measure} | null,
      "emergency_list_entry": {...} | null,
    }

where ``Step`` is ``{"code", "message_zh", "message_en", "data"}``.
"""

from __future__ import annotations
