"""Benchmark: validating a realistic filled inspection, relative to json.loads of the same text.

Run: .venv/bin/python bench/bench_forms.py [--rounds N] [--number N]
The document is a complete common-form inspection (6 production lines, 4 gates, 3 CEMS
points: about 145 answered items and 40 photo references). Both timings come from the same
process and the same JSON text; the figure that matters is the ratio (target: under 20x).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspection_forms import DEFINITIONS_DIR, load_catalogue, validate  # noqa: E402
from tests.forms.documents import (  # noqa: E402
    GUIDE_SCALES,
    SCALES,
    common_document,
    count_answers,
    plant_context,
)

TARGET_RATIO = 20.0
KEEP = {"production_normal", "line_running", "cems_present"}  # keep the sections shown


def spoil(answers: dict[str, Any]) -> None:
    """Make almost every answer wrong: the worst case, where every problem gets its messages."""
    for key, value in list(answers.items()):
        if key in KEEP:
            continue
        if key in ("lines", "gates", "cems_points"):
            for entry in value.values():
                spoil(entry)
        elif isinstance(value, bool):
            answers[key] = "yes"
        elif isinstance(value, list):
            answers[key] = ["bad"]
        elif isinstance(value, int | float):
            answers[key] = -1


def median_us(function: Callable[[], object], number: int, rounds: int) -> tuple[float, float]:
    """(median, best) microseconds per call."""
    times = timeit.repeat(function, number=number, repeat=rounds)
    return statistics.median(times) * 1e6 / number, min(times) * 1e6 / number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (median and best)")
    parser.add_argument("--number", type=int, default=2000, help="calls per round")
    args = parser.parse_args()

    form = load_catalogue(DEFINITIONS_DIR, SCALES, GUIDE_SCALES).get("common", 1)
    context = plant_context(lines=6, gates=4, cems_points=3)
    text = json.dumps(common_document(context), ensure_ascii=False)
    document = json.loads(text)
    problems = validate(form, document, context)
    if problems:
        print("the benchmark document is not valid:", *problems, sep="\n  ")
        return 1
    items, photos = count_answers(document["answers"])

    parse_median, parse_best = median_us(lambda: json.loads(text), args.number, args.rounds)
    check_median, check_best = median_us(
        lambda: validate(form, document, context), args.number, args.rounds
    )
    spoilt = json.loads(text)
    spoil(spoilt["answers"])
    spoilt_text = json.dumps(spoilt, ensure_ascii=False)
    n_problems = len(validate(form, spoilt, context))
    bad_parse, _ = median_us(lambda: json.loads(spoilt_text), args.number, args.rounds)
    bad_check, _ = median_us(lambda: validate(form, spoilt, context), args.number, args.rounds)

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(
        f"document: {len(text.encode())} bytes, {items} answered items, {photos} photo refs, 6 lines"
    )
    print(f"rounds: {args.rounds} x {args.number} calls")
    print(f"json.loads   median {parse_median:8.1f} us   best {parse_best:8.1f} us")
    print(f"validate     median {check_median:8.1f} us   best {check_best:8.1f} us")
    ratio = check_median / parse_median
    print(
        f"ratio (median validate / median json.loads): {ratio:.1f}x  (target < {TARGET_RATIO:.0f}x)"
    )
    print(
        f"worst case, {n_problems} problems: json.loads {bad_parse:.1f} us, "
        f"validate {bad_check:.1f} us, ratio {bad_check / bad_parse:.1f}x"
    )
    return 0 if ratio < TARGET_RATIO else 2


if __name__ == "__main__":
    sys.exit(main())
