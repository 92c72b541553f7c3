"""Numbers and dates as each report language writes them, in the HTML too."""

import datetime

import pytest

from flexwatch.reports import content, render
from flexwatch.reports.formatting import SUPPRESSED, Formatter
from flexwatch.stats import population
from tests.reports.frames import made_up

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "number", "count", "day"),
    [
        ("en", "1,234.5", "5,603,851", "4 December 2026"),
        ("fi", f"1{NBSP}234,5", f"5{NBSP}603{NBSP}851", "4. joulukuuta 2026"),
        ("et", f"1{NBSP}234,5", f"5{NBSP}603{NBSP}851", "4. detsember 2026"),
        ("pl", f"1{NBSP}234,5", f"5{NBSP}603{NBSP}851", "4 grudnia 2026"),
    ],
)
def test_each_language_writes_numbers_and_dates_its_way(language, number, count, day):
    fmt = Formatter(language)

    assert fmt.number(1234.5) == number
    assert fmt.count(5_603_851) == count
    assert fmt.date(datetime.date(2026, 12, 4)) == day


def test_a_suppressed_count_and_a_missing_rate_are_marked_not_zero():
    fmt = Formatter("fi")

    assert fmt.count(None) == SUPPRESSED
    assert fmt.number(None) == ""
    assert fmt.count(0) == "0"


def test_shares_and_periods():
    assert Formatter("en").share(0.25) == "25%"
    assert Formatter("fi").share(0.25) == f"25{NBSP}%"
    assert Formatter("pl").period(2024, 2025) == "2024\u20132025"
    assert Formatter("et").period(2024, 2024) == "2024"


@pytest.mark.parametrize(
    ("language", "population_text", "title"),
    [
        ("en", "5,603,851", "National report"),
        ("fi", f"5{NBSP}603{NBSP}851", "Kansallinen raportti"),
        ("et", f"5{NBSP}603{NBSP}851", "Riiklik aruanne"),
        ("pl", f"5{NBSP}603{NBSP}851", "Raport krajowy"),
    ],
)
def test_the_html_report_is_in_its_language(language, population_text, title):
    denominators = population.load(None)
    request = content.Request(("FI",), 2024, 2024, language=language)
    report = render.build(made_up(60), request, denominators)

    page = render.html(report, denominators, today=datetime.date(2026, 12, 4))

    assert f'<html lang="{language}">' in page
    assert title in page
    assert population_text in page  # Finland on 1 January 2024
