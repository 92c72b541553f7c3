"""The PDF: text inside the printable area, a contents page that tells the
truth, bookmarks per section, a page number on every page after the title.

Two PDFs are laid out for the whole module (English national, Finnish
comparative), from made-up frames: WeasyPrint takes seconds per report.
"""

import io
import re
from datetime import date

import pdfplumber
import pytest

from flexwatch.reports import content, render, sections
from flexwatch.stats import population
from tests.reports.frames import made_up

MM = 72 / 25.4
# The page's margins in report.css, and what a printer may not reach.
TOP, RIGHT, BOTTOM, LEFT = 24 * MM, 20 * MM, 22 * MM, 20 * MM
UNPRINTABLE = 8 * MM
# Rounding in text boxes: a glyph may stand this far past a margin.
SLACK = 1.0


def _pdf(countries: tuple[str, ...], language: str) -> bytes:
    denominators = population.load(None)
    request = content.Request(countries, 2023, 2025, language=language)
    report = render.build(made_up(), request, denominators)
    document = render.html(report, denominators, for_print=True, today=date(2026, 1, 5))
    return render.pdf(document)


@pytest.fixture(scope="module", params=[(("FI",), "en"), (("FI", "EE", "PL"), "fi")])
def laid_out(request):
    countries, language = request.param
    with pdfplumber.open(io.BytesIO(_pdf(countries, language))) as pdf:
        pages = [
            (page.width, page.height, page.chars, page.extract_text() or "")
            for page in pdf.pages
        ]
        outline = [(level, title) for level, title, *_ in pdf.doc.get_outlines()]
    return pages, outline


def test_the_pdf_is_a4(laid_out):
    pages, _ = laid_out

    for width, height, *_ in pages:
        assert (round(width / MM), round(height / MM)) == (210, 297)


def test_all_text_lies_inside_the_printable_area(laid_out):
    pages, _ = laid_out

    for number, (width, height, chars, _) in enumerate(pages, start=1):
        for char in chars:
            where = (
                f"page {number}, {char['text']!r} at {char['x0']:.0f},{char['top']:.0f}"
            )
            # Nothing runs into the side margins: no table or chart too wide.
            assert char["x0"] >= LEFT - SLACK, where
            assert char["x1"] <= width - RIGHT + SLACK, where
            # Only the running head and the page number use the top and
            # bottom margins, and they stay where a printer can reach.
            assert char["top"] >= UNPRINTABLE, where
            assert char["bottom"] <= height - UNPRINTABLE, where


def test_only_the_running_head_and_page_number_sit_in_the_margins(laid_out):
    pages, _ = laid_out

    for number, (_, height, chars, _) in enumerate(pages, start=1):
        head = _text(c for c in chars if c["bottom"] <= TOP)
        foot = _text(c for c in chars if c["top"] >= height - BOTTOM)
        if number == 1:
            assert not head and not foot, "the title page has neither"
            continue
        assert foot == str(number), f"page {number} is numbered {foot!r}"
        assert "2023" in head, f"page {number} has the running head {head!r}"


def test_the_contents_page_lists_every_section_with_its_page(laid_out):
    pages, _ = laid_out
    contents = pages[1][3]

    listed = dict(re.findall(r"^(\d+\. .+?)[ .]*?(\d+)$", contents, re.MULTILINE))

    assert len(listed) == len(sections.ORDER)
    for heading, page in listed.items():
        found = pages[int(page) - 1][3]
        assert heading.split(". ", 1)[1].rstrip(". ") in found, heading


def test_the_pdf_has_a_bookmark_per_section(laid_out):
    _, outline = laid_out

    top = [title for level, title in outline if level == 1]

    assert len(top) == len(sections.ORDER) + 1  # and the methods
    assert top[0].startswith("1. ")


def _text(chars) -> str:
    return "".join(
        c["text"] for c in sorted(chars, key=lambda c: (c["top"], c["x0"]))
    ).strip()
