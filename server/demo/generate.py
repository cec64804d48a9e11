"""The demo city as plain data: a pure function of a seed and a plant count, no I/O.

``generate_city(seed=2020, plants=300)`` returns the same dataclasses, value for value, every
time it is called with the same arguments; ``server.demo.load`` then feeds them through the
domain services. A "plant" here is a site: each site is its own grading case (S4 §三(二)), so an
enterprise with two sites counts twice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from server.catalogue import INDICATOR_CATEGORIES, catalogue
from server.demo import vocabulary as vocab
from server.demo.records import (
    DemoCase,
    DemoCity,
    DemoConflict,
    DemoEnterprise,
    DemoFiling,
    DemoIntegrityRecord,
    DemoPenalty,
    DemoSite,
    demo_account_list,
)
from server.demo.vocabulary import CITY, COUNTIES, PROFILES, County, IndustryProfile
from server.registry.credit_code import check_character

FILING_YEAR = 2026
SEASON_START = dt.date(2026, 6, 1)  # filings arrive June to September
SEASON_DAYS = 122
_METRES_PER_DEGREE_LAT = 110_574.0
_DATUM_WEIGHTS = (("GCJ02", 70), ("WGS84", 18), ("BD09", 12))


def generate_city(*, seed: int = 2020, plants: int = 300) -> DemoCity:
    """The demo city with ``plants`` sites, deterministic in ``seed``."""
    if plants < 1:
        raise ValueError("plants must be at least 1")
    builder = _Builder(random.Random(seed))
    city = DemoCity(
        city=CITY, seed=seed, counties=[c.name for c in COUNTIES], accounts=demo_account_list()
    )
    city.enterprises = builder.enterprises(plants)
    builder.compliance(city)
    return city


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.mn_serial = 0
        self.parks = {c.name: self._park(c) for c in COUNTIES}

    # -- enterprises and sites -------------------------------------------------------------

    def enterprises(self, plants: int) -> list[DemoEnterprise]:
        forced = _grade_coverage()
        result: list[DemoEnterprise] = []
        remaining = plants
        while remaining > 0:
            county = self.rng.choices(COUNTIES, weights=[c.weight for c in COUNTIES])[0]
            profile, grade = forced.pop(0) if forced else (self._profile(), None)
            n_sites = 2 if remaining >= 2 and self.rng.random() < 0.07 else 1
            credit_code = self._credit_code(county)
            names = ("主厂区",) if n_sites == 1 else ("一厂区", "二厂区")
            sites = [
                self._site(county, profile, name, credit_code, grade if i == 0 else None)
                for i, name in enumerate(names)
            ]
            result.append(
                DemoEnterprise(self._name(county, profile), credit_code, county.name, sites)
            )
            remaining -= n_sites
        return result

    def _profile(self) -> IndustryProfile:
        return self.rng.choices(PROFILES, weights=[p.weight for p in PROFILES])[0]

    def _name(self, county: County, profile: IndustryProfile) -> str:
        word = self.rng.choice(profile.name_words)
        form = self.rng.choice(vocab.COMPANY_FORMS)
        for attempt in range(60):
            brand = self.rng.choice(vocab.NAME_WORDS)
            if attempt >= 20:  # the short names are taken: a two-word brand
                brand += self.rng.choice(vocab.NAME_WORDS)
            name = f"{CITY}{county.short}{brand}{word}{form}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("ran out of company names")  # not reached below ~50,000 plants

    def _credit_code(self, county: County) -> str:
        while True:
            body = "".join(self.rng.choice("0123456789") for _ in range(8))
            # 91 = registered by market regulation, an enterprise; then the county's division
            # code and a 9-character organisation code whose last character is its GB 11714 check.
            first17 = f"91{county.division}{body}{_organisation_check(body)}"
            code = first17 + check_character(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _park(self, county: County) -> tuple[float, float]:
        # Each county's 产业集聚区 sits a few kilometres from its seat.
        return (
            county.lat + self.rng.uniform(-0.03, 0.03),
            county.lon + self.rng.uniform(-0.03, 0.03),
        )

    def _site(
        self,
        county: County,
        profile: IndustryProfile,
        name: str,
        credit_code: str,
        grade: str | None,
    ) -> DemoSite:
        rng = self.rng
        in_park = rng.random() < 0.65
        if in_park:
            lat, lon = self.parks[county.name]
            lat, lon = lat + rng.gauss(0, 0.008), lon + rng.gauss(0, 0.008)
            place = f"{county.short}产业集聚区"
        else:
            lat, lon = county.lat + rng.gauss(0, 0.05), county.lon + rng.gauss(0, 0.05)
            place = ""
        address = f"{CITY}{county.name}{place}{rng.choice(vocab.ROADS)}{rng.randint(1, 299)}号"
        datum = rng.choices([d for d, _ in _DATUM_WEIGHTS], [w for _, w in _DATUM_WEIGHTS])[0]
        second = self._second_industry(profile)
        lines = self._lines(profile, second)
        cems = self._cems(county, profile, lines)
        gates = [
            {"code": f"G{i + 1:02d}", "name": gate_name}
            for i, gate_name in enumerate(rng.sample(vocab.GATE_NAMES, rng.randint(1, 3)))
        ]
        filing = self._filing(profile, grade, second, bool(cems), credit_code)
        return DemoSite(name, address, datum, _boundary(rng, lat, lon), lines, cems, gates, filing)

    def _second_industry(self, profile: IndustryProfile) -> tuple[str, str] | None:
        options = vocab.SECOND_INDUSTRY.get(profile.code)
        if options and self.rng.random() < 0.12:  # ~5% of all plants
            return self.rng.choice(options)
        return None

    def _lines(
        self, profile: IndustryProfile, second: tuple[str, str] | None
    ) -> list[dict[str, Any]]:
        count = self.rng.randint(1, 6)
        order = self.rng.sample(profile.lines, len(profile.lines))
        lines = []
        for i in range(count):
            base = order[i % len(order)]
            name = base if i < len(order) else f"{i // len(order) + 1}#{base}"
            industry = second[1] if second and i == count - 1 and count > 1 else profile.code
            lines.append(
                {
                    "code": f"L{i + 1:02d}",
                    "name": name,
                    "industry_code": industry,
                    "stops_in_alert": self.rng.random() < 0.9,
                }
            )
        return lines

    def _cems(
        self, county: County, profile: IndustryProfile, lines: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        # Kilns and big stacks usually carry CEMS; a small workshop seldom does.
        likely = profile.cems_likely
        count = self.rng.randint(1, 3) if likely else int(self.rng.random() < 0.15)
        points = []
        for i in range(count):
            self.mn_serial += 1
            line = lines[i % len(lines)]
            points.append(
                {
                    # HJ 212 MN: the county's division code and a city-wide serial, 14 digits.
                    "mn": f"{county.division}{self.mn_serial:08d}",
                    "name": f"{line['name']}排口",
                    "pollutants": list(vocab.POLLUTANTS[profile.emission]),
                    "line_code": line["code"],
                }
            )
        return points

    # -- filings ---------------------------------------------------------------------------

    def _filing(
        self,
        profile: IndustryProfile,
        grade: str | None,
        second: tuple[str, str] | None,
        has_cems: bool,
        credit_code: str,
    ) -> DemoFiling:
        rng = self.rng
        scale = _scale(profile.guide_version, profile.code)
        grade = grade or _weighted_grade(rng, scale)
        cases = [
            self._case(profile.guide_version, profile.code, grade, True, has_cems, credit_code)
        ]
        if second:
            second_scale = _scale(*second)
            # Henan 2021 (S2 §二): the other industries should reach the main one's level;
            # some plants fall short, which the review must catch.
            rank = min(scale.index(grade) + rng.choice((0, 0, 1)), len(second_scale) - 1)
            cases.append(self._case(*second, second_scale[rank], False, has_cems, credit_code))
        received_on = SEASON_START + dt.timedelta(days=rng.randrange(SEASON_DAYS))
        supplement_on = (
            received_on + dt.timedelta(days=rng.randint(5, 20)) if rng.random() < 0.08 else None
        )
        # Rule 16: an essential-service plant must be at least B or leading.
        essential = (
            profile.code in vocab.ESSENTIAL_INDUSTRIES
            and grade in ("A", "B", "leading", "advanced")
            and rng.random() < 0.5
        )
        return DemoFiling(FILING_YEAR, received_on, supplement_on, essential, cases)

    def _case(
        self,
        guide: str,
        industry: str,
        grade: str,
        is_main: bool,
        has_cems: bool,
        credit_code: str,
    ) -> DemoCase:
        scale = _scale(guide, industry)
        rank = scale.index(grade)
        candidates = [
            ind
            for ind in vocab.indicators_for(_emission(industry))
            if has_cems or not ind.needs_cems
        ]
        picked = self.rng.sample(candidates, self.rng.randint(2, 6))
        picked.sort(key=lambda ind: (INDICATOR_CATEGORIES.index(ind.code.split(".")[0]), ind.code))
        claims = []
        for ind in picked:
            values = ind.values_by_rank or ("是",)  # a yes/no indicator is claimed as met
            value = values[min(rank, len(values) - 1)]
            claim: dict[str, Any] = {
                "category": ind.code.split(".")[0],
                "indicator_code": ind.code,
                "claimed_value": value,
                "statement": ind.statement,
            }
            if ind.documents and self.rng.random() < 0.2:
                claim["documents"] = [self._document(ind.documents[0], credit_code)]
            claims.append(claim)
        return DemoCase(guide, industry, grade, is_main, claims)

    def _document(self, title: str, credit_code: str) -> dict[str, Any]:
        if title == "排污许可证":  # permit numbers are the credit code plus a serial
            reference = f"{credit_code}001P"
        else:
            reference = f"ZMD-{FILING_YEAR}-{self.rng.randint(1, 99999):05d}"
        return {"title": title, "reference": reference}

    # -- penalties, integrity records, conflicts ----------------------------------------------

    def compliance(self, city: DemoCity) -> None:
        rng = self.rng
        # Never one of the grade-coverage plants: their filings must stay as they are.
        pool = [
            i
            for i, e in enumerate(city.enterprises)
            if i >= len(_grade_coverage()) and len(e.sites) == 1
        ]
        if len(pool) >= 4:
            barred, expired = rng.sample(pool, 2)
            self._integrity(city, barred, expired)
            pool = [i for i in pool if i not in (barred, expired)]
        count = min(len(pool), max(3, len(city.enterprises) // 50))
        kinds = ("built_before_approval", "exceeded_permit_limits", "monitoring_not_running",
                 "downgraded", "other")  # fmt: skip
        for n, index in enumerate(rng.sample(pool, count)):
            kind = kinds[n % len(kinds)]
            recent = n % 2 == 0  # within the year before filing (rule 6) or older
            start, days = (dt.date(2025, 8, 1), 300) if recent else (dt.date(2023, 3, 1), 650)
            decided_on = start + dt.timedelta(days=rng.randrange(days))
            city.penalties.append(
                DemoPenalty(
                    index,
                    kind,
                    decided_on,
                    f"驻环罚〔{decided_on.year}〕{rng.randint(1, 199)}号",
                    _PENALTY_TEXT[kind],
                )
            )
        inspectors = [
            a.username for a in city.accounts if a.role == "inspector" and not a.blacklisted
        ]
        conflict_kinds = ("third_party_service", "acceptance_expert", "cleaner_production_audit",
                          "employment", "other")  # fmt: skip
        seen: set[tuple[str, int]] = set()
        wanted = min(len(city.enterprises), max(3, len(city.enterprises) // 30))
        while len(city.conflicts) < wanted:
            pair = (rng.choice(inspectors), rng.randrange(len(city.enterprises)))
            if pair in seen:
                continue
            seen.add(pair)
            kind = conflict_kinds[len(city.conflicts) % len(conflict_kinds)]
            declared_on = dt.date(2026, 5, 1) + dt.timedelta(days=rng.randrange(45))
            city.conflicts.append(DemoConflict(*pair, kind, declared_on, _CONFLICT_TEXT[kind]))

    def _integrity(self, city: DemoCity, barred: int, expired: int) -> None:
        # Falsification found in a 2025 sampled check: barred until 2027-01-20 (rule 7), so
        # this enterprise has only its 2025 filing; receiving one for 2026 would be refused.
        site = city.enterprises[barred].sites[0]
        site.filing.year = 2025
        site.filing.received_on = site.filing.received_on.replace(year=2025)
        site.filing.supplement_on = None
        city.integrity_records.append(
            DemoIntegrityRecord(
                barred,
                dt.date(2026, 1, 20),
                "2025年抽查发现删除门禁系统车辆进出记录，提供虚假运输台账",
            )
        )
        # An older entry whose bar has run out: the 2026 filing is accepted.
        city.integrity_records.append(
            DemoIntegrityRecord(expired, dt.date(2024, 4, 15), "2023年申报材料中的监测报告系伪造")
        )


_PENALTY_TEXT = {
    "built_before_approval": "喷涂生产线未依法报批环境影响评价文件即开工建设（未批先建）",
    "exceeded_permit_limits": "颗粒物排放浓度超过排污许可证规定的排放限值",
    "monitoring_not_running": "未按规定安装使用自动监测设备并与生态环境部门联网",
    "downgraded": "重污染天气应急期间未落实减排措施，绩效级别被降级",
    "other": "危险废物贮存场所未设置识别标志",
}
_CONFLICT_TEXT = {
    "third_party_service": "本人所在第三方机构曾为该企业编制应急减排“一厂一策”方案",
    "acceptance_expert": "本人曾作为专家参加该企业建设项目竣工环境保护验收",
    "cleaner_production_audit": "本人曾参与该企业清洁生产审核",
    "employment": "本人近亲属在该企业任职",
    "other": "本人曾为该企业提供环保技术咨询",
}


def _scale(guide: str, industry: str) -> tuple[str, ...]:
    found = catalogue().industry(guide, industry)
    if found is None:
        raise ValueError(f"{industry} is not an industry of {guide}")
    return found.scale


def _emission(industry: str) -> str:
    for profile in PROFILES:
        if profile.code == industry:
            return profile.emission
    return "dust"  # secondary industries without a profile (stone processing) emit dust


def _weighted_grade(rng: random.Random, scale: tuple[str, ...]) -> str:
    return rng.choices(scale, weights=vocab.GRADE_WEIGHTS[scale])[0]


def _grade_coverage() -> list[tuple[IndustryProfile, str | None]]:
    """The first plants take every grade of every scale once, so each appears in the demo."""
    forced: list[tuple[IndustryProfile, str | None]] = []
    seen_scales: set[tuple[str, ...]] = set()
    for profile in PROFILES:
        scale = _scale(profile.guide_version, profile.code)
        if scale not in seen_scales:
            seen_scales.add(scale)
            forced += [(profile, grade) for grade in scale]
    return forced


def _organisation_check(body: str) -> str:
    """GB 11714 check character of an 8-digit organisation code body."""
    total = sum(int(ch) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _boundary(rng: random.Random, lat: float, lon: float) -> list[Any]:
    """A small irregular quadrilateral or pentagon (about 100-400 m across) around a point.

    The vertices go round the centre at increasing angles, so the ring never crosses itself.
    """
    sides = rng.choice((4, 4, 5))
    radius = rng.uniform(60.0, 190.0)
    start = rng.uniform(0.0, 2 * math.pi)
    metres_per_degree_lon = _METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))
    ring = []
    for i in range(sides):
        angle = start + 2 * math.pi * (i + rng.uniform(-0.25, 0.25)) / sides
        r = radius * rng.uniform(0.7, 1.0)
        ring.append(
            [
                round(lon + r * math.cos(angle) / metres_per_degree_lon, 6),
                round(lat + r * math.sin(angle) / _METRES_PER_DEGREE_LAT, 6),
            ]
        )
    ring.append(list(ring[0]))
    return [[ring]]
