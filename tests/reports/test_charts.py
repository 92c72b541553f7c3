"""The report's charts: suppressed counts marked, labels and order kept."""

import re

import polars as pl
import pytest

from flexwatch.reports import charts

SECTORS = pl.DataFrame({"sector": ["A", "C", "F", "T"], "victims": [12, None, 40, 7]})
NAMES = {"sector": {"A": "Agriculture", "F": "Construction"}}


def _marks(svg: str, kind: str) -> int:
    return svg.count(f'aria-roledescription="{kind}"')


@pytest.fixture(scope="module")
def sector_svg() -> str:
    spec = charts.bars(
        SECTORS,
        category="sector",
        value="victims",
        title="Victims by sector",
        labels=NAMES,
        suppressed_text="not shown",
    )
    return charts.svg(spec)


def test_a_suppressed_count_is_marked_not_drawn(sector_svg: str) -> None:
    assert _marks(sector_svg, "bar") == 3
    assert sector_svg.count("not shown") == 1


def test_codes_show_as_their_labels_and_unlabelled_codes_as_they_are(
    sector_svg: str,
) -> None:
    assert "Agriculture" in sector_svg
    assert "Construction" in sector_svg
    assert ">T<" in sector_svg


def test_the_categories_keep_the_order_asked_for() -> None:
    order = ["T", "F", "C", "A"]

    spec = charts.bars(
        SECTORS, category="sector", value="victims", title="", order=order
    )

    bar_layer = spec["layer"][0]
    assert bar_layer["encoding"]["x"]["sort"] == order


def test_a_stacked_bar_has_a_part_per_series_and_suppressed_parts_are_marked() -> None:
    frame = pl.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024],
            "sex": ["f", "m", "f", "m"],
            "victims": [10, 8, None, 9],
        }
    )

    svg = charts.svg(
        charts.bars(frame, category="year", value="victims", series="sex", title="")
    )

    assert _marks(svg, "bar") == 3
    assert svg.count("suppressed") == 1


def test_a_trend_breaks_at_a_suppressed_year() -> None:
    frame = pl.DataFrame({"year": [2021, 2022, 2023, 2024], "victims": [6, None, 9, 7]})

    svg = charts.svg(charts.trend(frame, year="year", value="victims", title=""))

    line = re.search(r'aria-roledescription="line mark" d="([^"]*)"', svg)
    assert line is not None
    assert line.group(1).count("M") == 2  # a new stroke begins after the gap
    assert svg.count("suppressed") == 1


@pytest.mark.parametrize(
    ("lang", "written"),
    [("en", "1,200"), ("fi", "1\u00a0200"), ("et", "1\u00a0200"), ("pl", "1\u00a0200")],
)
def test_numbers_are_written_as_the_language_writes_them(
    lang: str, written: str
) -> None:
    frame = pl.DataFrame({"year": [2023, 2024], "victims": [1200, 300]})

    svg = charts.svg(charts.trend(frame, year="year", value="victims", title=""), lang)

    ticks = re.findall(r">([^<]*)</text>", svg)
    assert written in ticks


def test_a_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match="sector"):
        charts.bars(
            pl.DataFrame({"victims": [1]}), category="sector", value="victims", title=""
        )


def test_series_keep_the_order_they_come_in() -> None:
    frame = pl.DataFrame(
        {"step": ["a", "a"], "country": ["PL", "FI"], "cases": [30, 20]}
    )

    svg = charts.svg(
        charts.bars(frame, category="step", value="cases", series="country", title="")
    )

    assert svg.index(">PL<") < svg.index(">FI<")


def test_a_suppressed_part_is_marked_past_the_published_parts() -> None:
    frame = pl.DataFrame(
        {"step": ["b", "b"], "country": ["PL", "FI"], "cases": [None, 12]}
    )

    svg = charts.svg(
        charts.bars(
            frame,
            category="step",
            value="cases",
            series="country",
            title="",
            horizontal=True,
        )
    )

    bar = r'aria-roledescription="bar" d="M0,[\d.]+h([\d.]+)v'
    mark = r'translate\(([\d.]+),[\d.]+\)"[^>]*>suppressed<'
    (bar_end,) = (float(width) for width in re.findall(bar, svg))
    (mark_x,) = (float(x) for x in re.findall(mark, svg))
    assert mark_x > bar_end
