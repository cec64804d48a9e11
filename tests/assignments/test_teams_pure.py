"""Team proposal and county distances: pure functions, no database."""

import pytest

from server.assignments.geography import (
    UNKNOWN_DISTANCE_KM,
    distance_km,
    home_county,
    neighbours,
)
from server.assignments.teams import Check, Inspector, propose_teams


def flat(_a, _b):
    return 0.0


def test_conflicted_and_blacklisted_are_never_chosen():
    inspectors = [
        Inspector(1, "驿城区", 0),
        Inspector(2, "驿城区", 0, blacklisted=True),
        Inspector(3, "驿城区", 0),
        Inspector(4, "驿城区", 0),
    ]
    checks = [Check(f, "驿城区", frozenset({1})) for f in range(10)]
    proposal = propose_teams(checks, inspectors, distance=distance_km)
    chosen = {m for team in proposal.teams for m in team.members}
    assert chosen == {3, 4}
    assert 2 not in proposal.loads


def test_load_is_balanced():
    inspectors = [Inspector(i, None, 0) for i in range(1, 8)]
    checks = [Check(f, "驿城区") for f in range(40)]
    proposal = propose_teams(checks, inspectors, distance=flat)
    loads = proposal.loads.values()
    assert sum(loads) == 80
    assert max(loads) - min(loads) <= 1


def test_existing_load_counts():
    inspectors = [Inspector(1, None, 5), Inspector(2, None, 0), Inspector(3, None, 0)]
    proposal = propose_teams([Check(1, "驿城区")], inspectors, distance=flat)
    assert set(proposal.teams[0].members) == {2, 3}


def test_near_inspectors_preferred_when_as_free():
    inspectors = [
        Inspector(1, "新蔡县", 0),  # far east
        Inspector(2, "泌阳县", 0),  # far west
        Inspector(3, "平舆县", 0),  # next to 新蔡
        Inspector(4, "西平县", 0),
    ]
    proposal = propose_teams([Check(1, "新蔡县")], inspectors, distance=distance_km)
    assert proposal.teams[0].members == (1, 3)  # the lead is the nearest


def test_a_near_inspector_is_not_overloaded_to_spare_travel():
    inspectors = [Inspector(1, "驿城区", 0), Inspector(2, "驿城区", 0), Inspector(3, "新蔡县", 0)]
    inspectors += [Inspector(4, "新蔡县", 0)]
    checks = [Check(f, "驿城区") for f in range(8)]
    proposal = propose_teams(checks, inspectors, distance=distance_km)
    assert max(proposal.loads.values()) - min(proposal.loads.values()) <= 2
    assert proposal.teams[0].members == (1, 2)


def test_unstaffed_when_too_few_may_go():
    inspectors = [Inspector(1, None, 0), Inspector(2, None, 0), Inspector(3, None, 0)]
    proposal = propose_teams([Check(7, "驿城区", frozenset({1, 2}))], inspectors, distance=flat)
    assert proposal.teams == ()
    assert proposal.unstaffed[0].filing_id == 7
    assert proposal.unstaffed[0].reason.startswith("1 eligible inspector(s) for a team of 2")


def test_team_of_one_refused():
    with pytest.raises(ValueError, match="at least 2"):
        propose_teams([Check(1, "驿城区")], [Inspector(1, None, 0)], distance=flat, team_size=1)


def test_distances_between_counties():
    assert distance_km("驿城区", "驿城区") == 0
    assert 20 < distance_km("驿城区", "确山县") < 30
    assert distance_km("泌阳县", "新蔡县") > 150
    assert distance_km("驿城区", "某县") == UNKNOWN_DISTANCE_KM
    assert home_county(None, "驻马店市") == "驿城区"
    assert home_county("确山县", "驻马店市") == "确山县"
    assert neighbours("驿城区")[:2] == ["遂平县", "确山县"]
