"""The report's legislation section: the law in force, breaks, gaps, cases."""

from datetime import date

import polars as pl
from django.utils import translation
from django.utils.translation import gettext

from flexwatch import law
from flexwatch.law.history import layered, parse_addition
from flexwatch.reports import content, legislation, render
from flexwatch.reports.content import Frames, Request
from flexwatch.stats import frames as stats_frames
from flexwatch.stats import population

# Indicators that together show act, means and purpose of Estonia's enslaving
# offence before the 2012 reform and of its trafficking offence after it.
MEETS = ("fl.violence", "inv.cannot_leave", "purpose.forced_labour")
TRAFFICKING = "EE § 133 Trafficking in human beings (15 April 2012 \u2013)"
ENSLAVING = (
    "EE § 133 (version before 15 April 2012) Enslaving"
    " (15 March 2007 \u2013 14 April 2012)"
)


def _schema(columns: dict) -> dict:
    return {name: kind for name, (kind, _) in columns.items()}


def _frames(cases: list[tuple[int, int, tuple[str, ...]]], book=None) -> Frames:
    """Frames of Estonian cases, each (case id, year, observed indicators)."""
    rows, victims, seen = [], [], []
    for case_id, year, observed in cases:
        day = date(year, 6, 1)
        case = {
            "case_id": case_id,
            "owner_id": 1,
            "country": "EE",
            "year": year,
            "exploitation_began": day,
            "exploitation_ended": day,
            "is_synthetic": False,
            "observations_shared": True,
        }
        rows.append(case)
        victims.append(
            {**case, "person_id": case_id, "age_min": 30, "age_max": 30, "forms": []}
        )
        seen += [
            {**case, "indicator": i, "stage": "destination", "status": "observed"}
            for i in observed
        ]
    return Frames(
        victims=pl.DataFrame(victims, schema=stats_frames.SCHEMA),
        proceedings=pl.DataFrame(schema=_schema(stats_frames.PROCEEDINGS)),
        assistance=pl.DataFrame(schema=_schema(stats_frames.ASSISTANCE)),
        observations=pl.DataFrame(seen, schema=_schema(stats_frames.OBSERVATIONS)),
        cases=pl.DataFrame(
            rows,
            schema={**_schema(stats_frames.CASES), "observations_shared": pl.Boolean},
        ),
        law=book,
    )


def _section(frames: Frames, language: str = "en", first=2011, last=2013):
    request = Request(countries=("EE",), first=first, last=last, language=language)
    with translation.override(language):
        return content.section("legislation", frames, request, {}, gettext)


def _cells(section) -> dict[tuple[str, str], int | None]:
    (table,) = section.tables
    return {
        (row.code, column): value
        for row in table.rows
        for column, value in zip(table.columns, row.values, strict=True)
    }


def test_an_estonian_report_lists_section_133_before_and_after_the_reform():
    section = _section(_frames([]))

    (listing,) = section.listings
    assert listing.rows[:2] == (
        (
            "Estonia",
            "Penal Code (Karistusseadustik), in force 1 Sept 2002,"
            " § 133 (version before 15 April 2012)",
            "Enslaving",
            "15 March 2007",
            "14 April 2012",
        ),
        (
            "Estonia",
            "Penal Code (Karistusseadustik), § 133",
            "Trafficking in human beings",
            "15 April 2012",
            "in force",
        ),
    )
    assert section.notes[0] == (
        "Series break in Estonia on 15 April 2012: Penal Code"
        " (Karistusseadustik), § 133 changed (Act amending the Penal Code,"
        " Riigikogu bill 140 SE). Counts before and after this date are not"
        " of the same thing."
    )


def test_the_limits_name_the_break_or_say_there_is_none():
    request = Request(countries=("EE",), first=2011, last=2013)
    report = content.report(_frames([]), request, {})
    later = content.report(
        _frames([]), Request(countries=("EE",), first=2014, last=2015), {}
    )

    assert (
        "The law that defines what is counted changed within the period"
        " (EE 15 April 2012): counts before and after a series break are not of"
        " the same thing; the legislation section names each change."
    ) in report.sections[-1].notes
    assert (
        "No change of the law that defines what is counted (series break)"
        " falls within the period."
    ) in later.sections[-1].notes


def test_a_case_meeting_every_element_is_counted_under_the_offence_of_its_day():
    cases = [(n, 2013, MEETS) for n in range(1, 7)]
    cases += [(n, 2011, MEETS) for n in range(7, 13)]
    # Without violence the means of both offences is missing.
    cases += [(n, 2013, MEETS[1:]) for n in range(13, 20)]

    cells = _cells(_section(_frames(cases)))

    assert cells[(TRAFFICKING, "2013")] == 6
    assert cells[(ENSLAVING, "2011")] == 6
    assert (TRAFFICKING, "2011") not in cells or not cells[(TRAFFICKING, "2011")]


def test_a_count_from_one_to_four_is_suppressed():
    cases = [(n, 2013, MEETS) for n in range(1, 9)]
    cases += [(n, 2012, MEETS) for n in range(9, 12)]

    cells = _cells(_section(_frames(cases)))

    assert cells[(TRAFFICKING, "2012")] is None
    assert cells[(TRAFFICKING, "2013")] is None


def test_cases_alike_are_weighed_once(monkeypatch):
    weighed = []
    original = legislation.casework.matches

    def counting(*args, **kwargs):
        weighed.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(legislation.casework, "matches", counting)
    cases = [(n, 2013, MEETS) for n in range(1, 51)]
    cases += [(n, 2013, MEETS[1:]) for n in range(51, 101)]

    _section(_frames(cases))

    assert len(weighed) == 2


def test_the_html_shows_the_offences_table_with_its_corner_named():
    cases = [(n, 2013, MEETS) for n in range(1, 7)]
    request = Request(countries=("EE",), first=2011, last=2013)
    denominators = population.load(None)
    report = render.build(_frames(cases), request, denominators)

    page = render.html(report, denominators)

    assert "<th>Offence, version in force</th>" in page
    assert "<td>Trafficking in human beings</td>" in page


def test_a_finnish_report_is_labelled_in_finnish():
    section = _section(_frames([(1, 2013, MEETS)]), language="fi")

    assert section.title == "Lainsäädäntö"
    (listing,) = section.listings
    assert listing.title == "Ajanjaksolla voimassa olleet rikokset"
    assert listing.header[:3] == ("Maa", "Säännös", "Otsikko")
    assert listing.rows[1][0] == "Viro"
    assert section.notes[0].startswith(
        "Tilastosarjan katko: Viro 15. huhtikuuta 2012: "
    )


def test_a_version_added_in_the_database_is_what_the_report_weighs():
    text = (
        "kind: version\n"
        "provision: EE-KarS-133\n"
        "version:\n"
        '  from: "2013-01-01"\n'
        "  to: null\n"
        "  amending_act: Test act\n"
        "  change: Trafficking without a purpose of forced labour\n"
        "  status: recall\n"
        "  elements:\n"
        "    act: [keeping_in_exploitative_situation]\n"
        "    means: [use_of_force]\n"
        "    purpose: [sexual_exploitation]\n"
        "sources:\n"
        '  - {url: "https://example.org/test", title: "Test act", status: recall}\n'
    )
    base = law.book()
    book = layered(base, [("test", parse_addition("test.yaml", text, base))])
    cases = [(n, 2013, MEETS) for n in range(1, 7)]

    section = _section(_frames(cases, book))

    assert [row[3:] for row in section.listings[0].rows[1:3]] == [
        ("15 April 2012", "31 December 2012"),
        ("1 January 2013", "in force"),
    ]
    counted = [row.code for table in section.tables for row in table.rows]
    assert not any(code.startswith("EE § 133 Trafficking") for code in counted)


def test_the_gaps_are_measured_on_the_last_day_of_the_period():
    section = _section(_frames([]), first=2011, last=2013)

    assert any(
        note.startswith(
            "Estonia on 31 December 2013, against Directive 2011/36/EU as amended:"
        )
        for note in section.notes
    )
