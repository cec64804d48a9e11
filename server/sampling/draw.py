"""The sampling draw: a pure function of (seed, algorithm version, rate, eligible filings).

Algorithm ``stratified-hmac-sha256/v1``, exactly (docs/review.md repeats it):

1. A candidate is (filing id, county, main industry code, main claimed grade).
   Grades A+, A, leading and advanced are full checks: always selected, reason ``full_check``.
   Grades B and B- are sampled. Any other grade is not a candidate.
2. The eligible-set hash is SHA-256 of the UTF-8 JSON array of the candidates as
   ``[id, county, industry, grade]``, sorted by id, separators ``,`` and ``:``, no ASCII escaping.
3. Each candidate's score is HMAC-SHA256 with key = the seed's UTF-8 bytes and message = the
   filing id in decimal ASCII, as lower-case hex.
4. Sampled candidates are grouped by stratum (county, industry). In each stratum of n, the
   ceil(rate × n) lowest scores are selected (reason ``sampled``), computed in exact decimal
   arithmetic; ties, which need a SHA-256 collision, go to the lower id. The rest are
   ``not_sampled``.
5. The selected-list hash is SHA-256 of the UTF-8 JSON array of the selected ids, ascending.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

ALGORITHM_V1 = "stratified-hmac-sha256/v1"
ALGORITHMS = (ALGORITHM_V1,)

# Rule 12 / S0 §三(三): the city verifies every A (A+) and leading applicant; Henan's 绩效先进性
# level (advanced) is reviewed by the city like leading, so it is a full check too.
FULL_CHECK_GRADES = frozenset({"A+", "A", "leading", "advanced"})
SAMPLED_GRADES = frozenset({"B", "B-"})

FULL_CHECK = "full_check"
SAMPLED = "sampled"
NOT_SAMPLED = "not_sampled"


class UnknownAlgorithm(ValueError):
    pass


@dataclass(frozen=True)
class Candidate:
    filing_id: int
    county: str
    industry_code: str
    claimed_grade: str

    @property
    def stratum(self) -> tuple[str, str]:
        return (self.county, self.industry_code)


@dataclass(frozen=True)
class Entry:
    candidate: Candidate
    score: str
    selected: bool
    reason: str
    rank: int | None  # 1-based position by score within a sampled stratum


@dataclass(frozen=True)
class DrawResult:
    algorithm_version: str
    seed: str
    rate: Decimal
    eligible_hash: str
    selected_hash: str
    entries: tuple[Entry, ...]  # by filing id

    @property
    def selected_ids(self) -> list[int]:
        return [e.candidate.filing_id for e in self.entries if e.selected]


def is_candidate(claimed_grade: str) -> bool:
    return claimed_grade in FULL_CHECK_GRADES or claimed_grade in SAMPLED_GRADES


def _json_hash(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def eligible_hash(candidates: list[Candidate]) -> str:
    ordered = sorted(candidates, key=lambda c: c.filing_id)
    return _json_hash([[c.filing_id, c.county, c.industry_code, c.claimed_grade] for c in ordered])


def selected_hash(filing_ids: list[int]) -> str:
    return _json_hash(sorted(filing_ids))


def score(seed: str, filing_id: int) -> str:
    key = seed.encode("utf-8")
    return hmac.new(key, str(filing_id).encode("ascii"), hashlib.sha256).hexdigest()


def sample_size(rate: Decimal, n: int) -> int:
    """ceil(rate × n) in exact decimal arithmetic (0.3 × 10 is 3, not 3.0000000000000004)."""
    return min(n, math.ceil(rate * n))


def draw(
    *, seed: str, rate: Decimal, candidates: list[Candidate], algorithm_version: str = ALGORITHM_V1
) -> DrawResult:
    """Select the full checks and ceil(rate × n) of each B stratum. Raises UnknownAlgorithm,
    ValueError (a candidate twice, or a grade that is not drawn)."""
    if algorithm_version not in ALGORITHMS:
        raise UnknownAlgorithm(f"unknown algorithm {algorithm_version!r}; known: {ALGORITHMS}")
    ids = [c.filing_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("a filing appears twice among the candidates")
    entries: dict[int, Entry] = {}
    strata: dict[tuple[str, str], list[tuple[str, Candidate]]] = defaultdict(list)
    for candidate in candidates:
        value = score(seed, candidate.filing_id)
        if candidate.claimed_grade in FULL_CHECK_GRADES:
            entries[candidate.filing_id] = Entry(candidate, value, True, FULL_CHECK, None)
        elif candidate.claimed_grade in SAMPLED_GRADES:
            strata[candidate.stratum].append((value, candidate))
        else:
            raise ValueError(
                f"filing {candidate.filing_id}: {candidate.claimed_grade} is not drawn"
            )
    for members in strata.values():
        members.sort(key=lambda pair: (pair[0], pair[1].filing_id))
        take = sample_size(rate, len(members))
        for rank, (value, candidate) in enumerate(members, start=1):
            chosen = rank <= take
            reason = SAMPLED if chosen else NOT_SAMPLED
            entries[candidate.filing_id] = Entry(candidate, value, chosen, reason, rank)
    ordered = tuple(entries[i] for i in sorted(entries))
    return DrawResult(
        algorithm_version=algorithm_version,
        seed=seed,
        rate=rate,
        eligible_hash=eligible_hash(candidates),
        selected_hash=selected_hash([e.candidate.filing_id for e in ordered if e.selected]),
        entries=ordered,
    )
