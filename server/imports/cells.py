"""Reading the cells of the bureau's application list: headers, grades, dates, yes/no.

Pure functions of cell values, no session: each returns the parsed value or raises
``CellProblem`` with a reason that tells the person at the spreadsheet what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from server.catalogue import Industry, catalogue

DEFAULT_GUIDE = "MEE2020"
DEFAULT_SITE = "主厂区"


class CellProblem(ValueError):
    """A cell that cannot be read; the message says why and what to write instead."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header of the bureau's template
    aliases: tuple[str, ...]
    required: bool


COLUMNS: tuple[Column, ...] = (
    Column(
        "enterprise_name",
        "企业名称",
        ("单位名称", "企业(单位)名称", "enterprise_name", "enterprise", "company"),
        True,
    ),
    Column("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "credit_code"), True),
    Column("county", "县区", ("县(区)", "区县", "所在县区", "所属县区", "county"), True),
    Column("site_name", "厂区名称", ("厂区", "site_name", "site"), False),
    Column("address", "厂区地址", ("地址", "企业地址", "详细地址", "address"), True),
    Column("industry", "行业", ("所属行业", "行业类别", "行业名称", "industry"), True),
    Column(
        "guide_version", "技术指南版本", ("指南版本", "技术指南", "guide_version", "guide"), False
    ),
    Column(
        "grade",
        "申报级别",
        ("申报绩效级别", "申报等级", "绩效级别", "claimed_grade", "grade"),
        True,
    ),
    Column(
        "essential_service",
        "是否保障类企业",
        ("保障类企业", "是否保障类", "essential_service"),
        False,
    ),
    Column("received_on", "受理日期", ("受理时间", "申报日期", "received_on"), True),
    Column("year", "年度", ("申报年度", "year"), True),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

# Annotations a template puts in its headers: "*", "(必填)", "(选填)".
_HEADER_NOISE = re.compile(r"\*|\((?:必填|选填|可选|required|optional)\)")


def normalise_text(value: str) -> str:
    """Full-width forms folded (NFKC), every kind of whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def normalise_header(value: Any) -> str:
    return _HEADER_NOISE.sub("", normalise_text(str(value))).lower() if value is not None else ""


_HEADER_KEYS = {
    normalise_header(name): column.key
    for column in COLUMNS
    for name in (column.header, *column.aliases)
}


def column_for_header(value: Any) -> str | None:
    """The column key a header cell names, or None."""
    return _HEADER_KEYS.get(normalise_header(value))


def text(value: Any) -> str:
    """A cell as trimmed text; numbers as Excel shows them (no trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def credit_code_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellProblem(
            "is stored as a number, and Excel keeps only 15 digits of it; format the column "
            "as text and type the 18 characters again"
        )
    return normalise_text(text(value)).upper()


# -- grades -----------------------------------------------------------------------------------

_GRADE_WORDS = {
    "引领性": "leading",
    "绩效引领性": "leading",
    "引领": "leading",
    "非引领性": "non_leading",
    "非绩效引领性": "non_leading",
    "非引领": "non_leading",
    "绩效先进性": "advanced",
    "先进性": "advanced",
    "先进": "advanced",
    "非绩效先进性": "non_advanced",
    "非先进性": "non_advanced",
    "非先进": "non_advanced",
}
_LETTER_GRADE = re.compile(r"^(a\+|a|b-|b|c|d)$")


def grade_code(value: Any) -> str:
    """The grade code for "A", "A级", "B－", "引领性", "绩效先进性企业", "non_leading" …"""
    raw = normalise_text(text(value))
    folded = raw.replace("—", "-").replace("–", "-").lower()
    for suffix in ("企业", "级", "类"):
        folded = folded.removesuffix(suffix)
    if _LETTER_GRADE.match(folded):
        return folded.upper()
    if folded in _GRADE_WORDS:
        return _GRADE_WORDS[folded]
    if folded in {"leading", "non_leading", "advanced", "non_advanced"}:
        return folded
    raise CellProblem(
        f"{raw!r} is not a grade; write A, B, B-, C, D, A+, 引领性, 非引领性, 绩效先进性 "
        "or 非绩效先进性"
    )


# -- industries and guide versions ------------------------------------------------------------


def guide_code(value: Any) -> str | None:
    """The guide version named by the cell, or None for an empty cell (take the default)."""
    raw = normalise_text(text(value))
    if not raw:
        return None
    for code in catalogue().guides:
        if code.lower() == raw.lower():
            return code
    known = ", ".join(sorted(catalogue().guides))
    raise CellProblem(f"{raw!r} is not a technical guide version; write one of {known}")


def _industry_matches(raw: str) -> dict[str, Industry]:
    """Every guide's industry whose code or Chinese name the cell gives, keyed by guide."""
    wanted = raw.lower()
    wanted_name = normalise_text(raw).removesuffix("行业")
    found = {}
    for guide in catalogue().guides.values():
        for industry in guide.industries.values():
            if wanted in (industry.code, normalise_text(industry.name_zh)) or (
                wanted_name == normalise_text(industry.name_zh)
            ):
                found[guide.code] = industry
    return found


def industry_for(value: Any, guide: str | None) -> Industry:
    """The industry the cell names (Chinese name or code) under ``guide``, or the default guide.

    With no guide given, MEE2020 is taken when it has the industry; Henan's local industries are
    found in their own guide (HENAN2020).
    """
    raw = normalise_text(text(value))
    found = _industry_matches(raw)
    if not found:
        raise CellProblem(
            f"{raw!r} is not an industry of any technical guide; write its Chinese name as in "
            "the guide (e.g. 铸造, 包装印刷, 机械加工) or its code (foundry)"
        )
    if guide is not None:
        if guide in found:
            return found[guide]
        raise CellProblem(
            f"{raw!r} is not an industry of {guide}; it is in {', '.join(sorted(found))}. "
            "Correct 技术指南版本 or the industry"
        )
    if DEFAULT_GUIDE in found:
        return found[DEFAULT_GUIDE]
    return found[sorted(found)[0]]


# -- yes/no, dates, years ---------------------------------------------------------------------

_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", ""}


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = normalise_text(text(value)).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellProblem(f"{raw!r} is not yes or no; write 是 or 否 (or leave it empty for 否)")


_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# Excel stores dates as day numbers; a date cell that lost its format shows one of these.
_SERIAL_RANGE = (36526, 73051)  # 2000-01-01 .. 2100-01-01


def date_value(value: Any, today: dt.date) -> dt.date:
    """A date cell, or text such as 2026-07-01, 2026/7/1, 2026年7月1日 or 20260701."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
            raise CellProblem(f"{text(value)} is not a date; write it as 2026-07-01")
        day = from_excel(value).date()
    else:
        day = _date_text(normalise_text(text(value)))
    if day.year < 2000:
        raise CellProblem(f"{day.isoformat()} is too early; check the year")
    # One day of grace: Beijing is ahead of UTC.
    if day > today + dt.timedelta(days=1):
        raise CellProblem(f"{day.isoformat()} is in the future; check the date")
    return day


def _date_text(raw: str) -> dt.date:
    match = _DATE_TEXT.match(raw) or re.match(r"^(\d{4})(\d{2})(\d{2})$", raw)
    if match is None:
        raise CellProblem(f"{raw!r} is not a date; write it as 2026-07-01 or use a date cell")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellProblem(f"{raw!r} is not a real date ({exc})") from exc


def year_value(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        year = int(value)
    else:
        raw = normalise_text(text(value)).removesuffix("年度").removesuffix("年")
        if not raw.isdigit():
            raise CellProblem(f"{text(value)!r} is not a year; write it as 2026")
        year = int(raw)
    if not 2000 <= year <= 2100:
        raise CellProblem(f"{year} is not a plausible year; write it as 2026")
    return year
