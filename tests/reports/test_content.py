"""What a report says: every section, every table protected, every country."""

import pytest

from flexwatch.reports import content, sections
from flexwatch.stats import population
from tests.reports.frames import made_up
from tests.stats.test_disclosure import assert_protected, primary

THRESHOLD = 5


@pytest.fixture(scope="module")
def frames() -> content.Frames:
    return made_up()


@pytest.fixture(scope="module")
def denominators() -> population.Denominators:
    return population.load(None)


@pytest.fixture(scope="module")
def national(frames, denominators) -> content.Report:
    request = content.Request(("FI",), 2023, 2025, threshold=THRESHOLD)
    return content.report(frames, request, denominators)


@pytest.fixture(scope="module")
def comparison(frames, denominators) -> content.Report:
    request = content.Request(("FI", "EE", "PL"), 2023, 2025, threshold=THRESHOLD)
    return content.report(frames, request, denominators)


def shown_values(table) -> list[int | None]:
    cells = [v for row in table.rows for v in (*row.values, row.total)]
    return [*cells, *table.totals, table.grand]


def test_every_section_is_there_in_order(national, comparison):
    for report in (national, comparison):
        assert tuple(s.key for s in report.sections) == sections.ORDER


def test_sections_without_data_say_so(national):
    by_key = {s.key: s for s in national.sections}

    for key in ("media", "legislation", "interviews"):
        assert by_key[key].missing and not by_key[key].tables
    for key in ("victims", "recognition", "proceedings", "assistance"):
        assert by_key[key].tables and not by_key[key].missing


def test_a_country_with_no_cases_gets_sentences_not_tables(frames, denominators):
    request = content.Request(("SE",), 2023, 2025)

    report = content.report(frames, request, denominators)

    assert not report.tables
    for key in ("sources", "victims", "recognition", "proceedings", "assistance"):
        section = next(s for s in report.sections if s.key == key)
        assert section.missing, key
        assert "Sweden" in " ".join(section.missing)


@pytest.mark.parametrize("which", ["national", "comparison"])
def test_no_published_value_is_a_small_count(which, request):
    report = request.getfixturevalue(which)

    published = [v for t in report.tables for v in shown_values(t)]

    assert published
    assert not [v for v in published if v is not None and 0 < v < THRESHOLD]
    assert None in published, "the made-up data have small cells to suppress"


def test_every_table_passed_disclosure_control(national):
    protected = national.protected

    names = {table.name for table in national.tables}

    assert names <= set(protected.tables)
    accounted = {t.name for p in protected.publications.values() for t in p.tables}
    assert names <= accounted


def test_tables_of_one_population_are_protected_together(national):
    victims = national.protected.publications["victims"]

    names = {table.name for table in victims.tables}

    assert {"victims_by_sex", "victims_by_sector", "victims_by_assistance"} <= names
    assert "victims_by_form" not in names  # counts a victim once per form
    assert "recognition_gap" not in names  # another population


def test_national_tables_run_by_year(national):
    victims = next(s for s in national.sections if s.key == "victims")

    assert victims.tables[0].columns == ("2023", "2024", "2025")


def test_the_comparison_has_every_country(comparison):
    for table in comparison.tables:
        if table.columns_by == "country":
            assert table.columns == ("FI", "EE", "PL"), table.title
    victims = next(s for s in comparison.sections if s.key == "victims")
    assert {rate.country for rate in victims.rates} == {"FI", "EE", "PL"}


def test_rates_use_published_totals_only(national):
    victims = next(s for s in national.sections if s.key == "victims")
    by_sex = victims.tables[0]

    for rate, total in zip(victims.rates, by_sex.totals, strict=True):
        assert rate.victims == total
        if total is None:
            assert rate.rate_per_100k is None
        else:
            assert rate.rate_per_100k == pytest.approx(
                total * 100_000 / rate.population
            )


def test_one_section_alone_for_the_dashboard(frames, denominators):
    request = content.Request(("FI", "EE"), 2024, 2025)

    alone = content.section("recognition", frames, request, denominators)

    assert alone.key == "recognition" and alone.tables and alone.charts
    assert alone.charts[0]["$schema"].startswith("https://vega.github.io/")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"countries": ("XX",)}, "'XX' is not a country code"),
        ({"countries": ()}, "No country was given"),
        ({"countries": ("FI", "FI")}, "named twice"),
        ({"first": 2025, "last": 2024}, "runs backwards"),
        ({"language": "sv"}, "'sv' is not a report language"),
        ({"threshold": 1}, "threshold 1 is out of range"),
    ],
)
def test_a_bad_request_is_refused_by_name(frames, denominators, change, message):
    values = {"countries": ("FI",), "first": 2024, "last": 2025, **change}

    with pytest.raises(sections.RequestError, match=message):
        content.report(frames, content.Request(**values), denominators)


def test_the_limits_count_those_left_out_in_the_period_only(frames, denominators):
    request = content.Request(("FI",), 2024, 2025, threshold=THRESHOLD)
    victims = frames.victims
    undecided = victims.filter(
        (victims["country"] == "FI")
        & victims["identification"].is_null()
        & victims["registered_on"].dt.year().is_between(2024, 2025)
    ).height
    assert undecided >= THRESHOLD

    report = content.report(frames, request, denominators)

    limits = next(s for s in report.sections if s.key == "limits")
    sentence = next(n for n in limits.notes if "no identification decision" in n)
    assert f"({undecided})" in sentence


@pytest.mark.parametrize("which", ["national", "comparison"])
def test_no_suppressed_count_of_a_report_can_be_narrowed(which, request):
    # The attacker of the disclosure tests reads every cell and margin the
    # report publishes for one population and bounds what was suppressed.
    report = request.getfixturevalue(which)

    checked = 0
    for publication in report.protected.publications.values():
        assert_protected(publication)
        checked += len(primary(publication))

    assert checked, "the made-up data have small counts to protect"
