"""The shipped industry catalogue."""

from server.catalogue import catalogue


def test_mee2020_has_the_39_industries_of_s0() -> None:
    guide = catalogue().guide("MEE2020")
    assert guide is not None
    assert len(guide.industries) == 39
    assert guide.industries["foundry"].name_zh == "铸造"
    assert guide.industries["foundry"].scale == ("A", "B", "C", "D")


def test_henan_local_industries_use_advanced_performance() -> None:
    guide = catalogue().guide("HENAN2020")
    assert guide is not None
    assert len(guide.industries) == 13
    assert {ind.scale for ind in guide.industries.values()} == {("advanced", "non_advanced")}


def test_mee26_adds_a_plus() -> None:
    industry = catalogue().industry("MEE26", "cement")
    assert industry is not None
    assert industry.scale[0] == "A+"
