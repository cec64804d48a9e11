"""The draw as a pure function: reproducible, exact per-stratum rounding, fair, as documented."""

import hashlib
import hmac
import json
import math
import random
from collections import Counter
from decimal import Decimal

import pytest

from server.sampling.draw import (
    ALGORITHM_V1,
    FULL_CHECK,
    NOT_SAMPLED,
    SAMPLED,
    Candidate,
    UnknownAlgorithm,
    draw,
    is_candidate,
    sample_size,
)

RATE = Decimal("0.30")


def stratum(n, county="驿城区", industry="foundry", grade="B", start=1):
    return [Candidate(start + i, county, industry, grade) for i in range(n)]


def test_same_inputs_same_draw_in_any_order():
    candidates = (
        stratum(17) + stratum(9, county="确山县", start=100) + stratum(3, grade="A", start=200)
    )
    first = draw(seed="seed-1", rate=RATE, candidates=candidates)
    shuffled = list(candidates)
    random.Random(5).shuffle(shuffled)
    again = draw(seed="seed-1", rate=RATE, candidates=shuffled)
    assert again == first
    other = draw(seed="seed-2", rate=RATE, candidates=candidates)
    assert other.selected_ids != first.selected_ids
    assert other.eligible_hash == first.eligible_hash


@pytest.mark.parametrize("n", range(1, 31))
def test_each_stratum_gets_at_least_30_percent_rounded_up(n):
    result = draw(seed="s", rate=RATE, candidates=stratum(n))
    chosen = [e for e in result.entries if e.selected]
    assert len(chosen) == math.ceil(Decimal(3) * n / 10)
    assert len(chosen) / n >= 0.30
    assert {e.reason for e in chosen} == {SAMPLED}
    assert sorted(e.rank for e in chosen) == list(range(1, len(chosen) + 1))


def test_exact_decimal_rounding_where_floats_would_round_up():
    assert math.ceil(0.56 * 25) == 15  # the trap: 0.56 × 25 is 14.000000000000002 in floats
    assert sample_size(Decimal("0.56"), 25) == 14
    assert sample_size(Decimal("0.55"), 100) == 55
    assert sample_size(Decimal("0.30"), 10) == 3
    assert sample_size(Decimal("0.30"), 20) == 6
    assert sample_size(Decimal("0.35"), 20) == 7
    assert sample_size(Decimal("1"), 4) == 4


def test_strata_are_rounded_separately():
    candidates = (
        stratum(4, county="驿城区")  # ceil(1.2) = 2
        + stratum(4, county="确山县", start=10)  # 2
        + stratum(4, county="驿城区", industry="cement", start=20)  # 2
    )
    result = draw(seed="x", rate=RATE, candidates=candidates)
    per_stratum = Counter(e.candidate.stratum for e in result.entries if e.selected)
    assert per_stratum == {
        ("驿城区", "foundry"): 2,
        ("确山县", "foundry"): 2,
        ("驿城区", "cement"): 2,
    }


def test_every_full_check_grade_is_selected():
    candidates = [
        Candidate(1, "驿城区", "foundry", "A"),
        Candidate(2, "驿城区", "cement", "A+"),
        Candidate(3, "驿城区", "frp", "leading"),
        Candidate(4, "驿城区", "machining", "advanced"),
        *stratum(10, start=10),
    ]
    result = draw(seed="x", rate=RATE, candidates=candidates)
    full = [e for e in result.entries if e.reason == FULL_CHECK]
    assert [e.candidate.filing_id for e in full] == [1, 2, 3, 4]
    assert all(e.selected and e.rank is None for e in full)
    assert sum(e.reason == SAMPLED for e in result.entries) == 3
    assert sum(e.reason == NOT_SAMPLED for e in result.entries) == 7


def test_other_grades_are_not_candidates():
    for grade in ("C", "D", "non_leading", "non_advanced"):
        assert not is_candidate(grade)
    with pytest.raises(ValueError, match="C is not drawn"):
        draw(seed="x", rate=RATE, candidates=[Candidate(1, "驿城区", "foundry", "C")])


def test_bad_inputs_refused():
    with pytest.raises(UnknownAlgorithm):
        draw(seed="x", rate=RATE, candidates=stratum(2), algorithm_version="coin-toss/v0")
    with pytest.raises(ValueError, match="twice"):
        draw(seed="x", rate=RATE, candidates=stratum(2) + stratum(1))


def test_anyone_can_redraw_from_the_documented_recipe():
    """docs/review.md's recipe, written out independently of the implementation."""
    candidates = (
        stratum(7)
        + stratum(5, county="平舆县", start=50)
        + [Candidate(99, "驿城区", "foundry", "A")]
    )
    seed = "b5e1c0ffee"
    result = draw(seed=seed, rate=RATE, candidates=candidates)

    rows = sorted([[c.filing_id, c.county, c.industry_code, c.claimed_grade] for c in candidates])
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    assert result.eligible_hash == hashlib.sha256(text.encode()).hexdigest()

    def score(fid):
        return hmac.new(seed.encode(), str(fid).encode(), hashlib.sha256).hexdigest()

    expected = {99}
    groups = {}
    for c in candidates:
        if c.claimed_grade == "B":
            groups.setdefault((c.county, c.industry_code), []).append(c.filing_id)
    for ids in groups.values():
        take = math.ceil(Decimal("0.30") * len(ids))
        expected |= set(sorted(ids, key=lambda i: (score(i), i))[:take])
    assert set(result.selected_ids) == expected
    selected_text = json.dumps(sorted(expected), separators=(",", ":"))
    assert result.selected_hash == hashlib.sha256(selected_text.encode()).hexdigest()
    assert result.algorithm_version == ALGORITHM_V1


def test_every_filing_has_the_same_chance():
    candidates = stratum(10)
    counts = Counter()
    rounds = 3000
    for i in range(rounds):
        counts.update(draw(seed=f"round-{i}", rate=RATE, candidates=candidates).selected_ids)
    for filing_id in range(1, 11):
        assert 0.26 < counts[filing_id] / rounds < 0.34, (filing_id, counts[filing_id])
