"""The credit code's check character (GB 32100-2015)."""

import pytest

from server.registry.credit_code import check_character, credit_code_problem

# Published codes of real organisations, check characters as printed on their licences.
REAL_CODES = ["91350100M000100Y43", "91110000802100433B", "914403001922038216"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert credit_code_problem(code) is None
    assert check_character(code[:17]) == code[17]


def test_wrong_check_character_names_the_expected_one() -> None:
    assert credit_code_problem("91350100M000100Y44") == (
        "check character is 4, expected 3; a character was mistyped"
    )


def test_wrong_length_and_forbidden_letters() -> None:
    assert credit_code_problem("9135") == "must be 18 characters, got 4"
    assert credit_code_problem("91350100M000100YI3") == (
        "contains characters not allowed in a credit code: I"
    )
