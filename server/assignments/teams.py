"""Proposing inspection teams: a pure, greedy, balanced choice.

For each check, in the order given, pick ``team_size`` inspectors one at a time from those who
may go (not blacklisted, no declared conflict with the enterprise, not already in this team):

1. floor = the lowest current load among them;
2. the band = those whose load is at most floor + ``slack``;
3. from the band, the nearest home county to the plant's county, then the lower load, then the
   lower user id. The first pick leads the team.

Loads count this run's picks as they are made, so the spread between the busiest and the least
busy eligible inspector stays within ``slack`` + 1, while a near inspector is preferred to an
equally free far one. A check with too few eligible inspectors is reported unstaffed, never
filled with someone who may not go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_TEAM_SIZE = 2  # rule 9 spirit and practice: nobody checks a plant alone
LOAD_SLACK = 1


@dataclass(frozen=True)
class Inspector:
    user_id: int
    home: str | None  # the county they start from
    load: int  # active assignments they are already in
    blacklisted: bool = False


@dataclass(frozen=True)
class Check:
    filing_id: int
    county: str
    conflicted: frozenset[int] = frozenset()  # user ids with a declared conflict (rule 9)


@dataclass(frozen=True)
class Team:
    filing_id: int
    members: tuple[int, ...]  # the lead first


@dataclass(frozen=True)
class Unstaffed:
    filing_id: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    teams: tuple[Team, ...]
    unstaffed: tuple[Unstaffed, ...]
    loads: dict[int, int]  # every eligible inspector's load after the proposal


def propose_teams(
    checks: Sequence[Check],
    inspectors: Sequence[Inspector],
    *,
    distance: Callable[[str | None, str | None], float],
    team_size: int = MIN_TEAM_SIZE,
    slack: int = LOAD_SLACK,
) -> Proposal:
    """Teams for ``checks`` (see the module docstring). Raises ValueError for a team under 2."""
    if team_size < MIN_TEAM_SIZE:
        raise ValueError(f"a team needs at least {MIN_TEAM_SIZE} inspectors, not {team_size}")
    pool = [i for i in inspectors if not i.blacklisted]
    loads = {i.user_id: i.load for i in pool}
    # Per plant county: every inspector with their distance, computed once.
    by_county: dict[str, list[tuple[float, int]]] = {}
    teams: list[Team] = []
    unstaffed: list[Unstaffed] = []
    for check in checks:
        ranked = by_county.get(check.county)
        if ranked is None:
            ranked = sorted((distance(i.home, check.county), i.user_id) for i in pool)
            by_county[check.county] = ranked
        available = [(d, uid) for d, uid in ranked if uid not in check.conflicted]
        if len(available) < team_size:
            unstaffed.append(
                Unstaffed(
                    check.filing_id,
                    f"{len(available)} eligible inspector(s) for a team of {team_size} "
                    f"({len(check.conflicted)} declared a conflict; blacklisted ones excluded)",
                )
            )
            continue
        members: list[int] = []
        for _ in range(team_size):
            floor = min(loads[uid] for _, uid in available)
            _, _, chosen = min(
                (d, loads[uid], uid) for d, uid in available if loads[uid] <= floor + slack
            )
            members.append(chosen)
            loads[chosen] += 1
            available = [(d, uid) for d, uid in available if uid != chosen]
        teams.append(Team(check.filing_id, tuple(members)))
    return Proposal(tuple(teams), tuple(unstaffed), loads)
