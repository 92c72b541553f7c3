"""The comparison matrix and the gap lists, against expectations written out
by hand from the reference model of legislation (never from the loaded files)."""

from datetime import date

import pytest

from flexwatch import law
from flexwatch.law import compare
from flexwatch.law.loader import parse_comparisons

DIRECTIVE = "EU-DIR-2011-36-2"
SUMMER_2025 = date(2025, 6, 1)


def _gaps(country, day=SUMMER_2025):
    return compare.gaps(
        law.book(), country, law.comparisons().countries[country], day, DIRECTIVE
    )


def _as_sets(by_group):
    return {group: set(codes) for group, codes in by_group.items() if codes}


def test_finland_against_the_directive_as_amended():
    found = _gaps("FI")

    assert found.column.in_force == ("FI-RL-25-3", "FI-RL-25-3a")
    assert _as_sets(found.lacks) == {
        "act": {"exchange_or_transfer_of_control"},
        "means": {"other_coercion", "abduction", "fraud", "abuse_of_power"},
        "purpose": {
            "prostitution",
            "begging",
            "servitude",
            "criminal_activities",
            "illegal_adoption",
            "surrogacy_exploitation",
        },
    }
    assert _as_sets(found.adds) == {
        "act": {"taking_control", "enslaving_or_slave_trade"},
        "means": {"pressure", "exploiting_mistake", "abuse_of_dependence"},
        "purpose": {"conditions_violating_human_dignity"},
    }
    assert _as_sets(found.uncertain) == {}
    assert found.child_without_means is True


def test_estonia_against_the_directive_as_amended():
    found = _gaps("EE")

    assert found.column.in_force == ("EE-KarS-133", "EE-KarS-133-1")
    assert _as_sets(found.lacks) == {
        "act": {"recruitment", "exchange_or_transfer_of_control"},
        "means": {
            "other_coercion",
            "abduction",
            "fraud",
            "abuse_of_power",
            "payment_to_person_in_control",
            "receiving_payment_for_control",
        },
        "purpose": {
            "sexual_exploitation",
            "forced_labour_or_services",
            "slavery_or_similar",
            "servitude",
            "organ_tissue_cell_removal",
            "illegal_adoption",
            "surrogacy_exploitation",
        },
    }
    assert _as_sets(found.adds) == {
        "act": {
            "placing_in_exploitative_situation",
            "keeping_in_exploitative_situation",
            "escorting",
            "concealment",
        },
        "means": {
            "deprivation_of_liberty",
            "abuse_of_dependence",
            "exploiting_helplessness_or_critical_situation",
        },
        "purpose": {
            "labour_exploitation_unusual_conditions",
            "other_disagreeable_duties",
        },
    }
    # Forced marriage was added by an amendment whose date is not given.
    assert _as_sets(found.uncertain) == {"purpose": {"forced_marriage"}}
    # § 133 asks for means even for a child; § 175 is a separate offence.
    assert found.child_without_means is False


def test_poland_against_the_directive_as_amended():
    found = _gaps("PL")

    assert found.column.in_force == ("PL-KK-189a", "PL-KK-115-22")
    assert _as_sets(found.lacks) == {
        "act": {"exchange_or_transfer_of_control"},
        "means": {
            "other_coercion",
            "fraud",
            "abuse_of_power",
            "abuse_of_vulnerability",
        },
        "purpose": {
            "servitude",
            "criminal_activities",
            "forced_marriage",
            "illegal_adoption",
            "surrogacy_exploitation",
        },
    }
    assert _as_sets(found.adds) == {
        "means": {
            "exploiting_mistake",
            "abuse_of_dependence",
            "exploiting_helplessness_or_critical_situation",
        },
        "purpose": {"pornography", "conditions_violating_human_dignity"},
    }
    assert found.child_without_means is True


def test_before_the_2024_amendment_forced_marriage_is_no_gap_for_poland():
    found = _gaps("PL", date(2024, 7, 13))

    assert set(found.lacks["purpose"]) == {"servitude", "criminal_activities"}


def test_estonia_before_its_2012_reform_is_measured_by_the_enslaving_offence():
    found = _gaps("EE", date(2012, 4, 14))

    assert found.column.in_force == ("EE-KarS-133-old",)
    assert set(found.lacks["act"]) == {
        "recruitment",
        "transportation",
        "transfer",
        "harbouring",
        "receipt",
        "exchange_or_transfer_of_control",
    }


def test_poland_before_2010_had_an_offence_without_a_definition():
    found = _gaps("PL", date(2010, 9, 7))

    assert found.column.in_force == ("PL-KK-253-old",)
    assert _as_sets(found.adds) == {
        "act": {"trafficking_undefined"},
        "purpose": {"exploitation_unspecified"},
    }
    assert found.child_without_means is None


# The matrix of the example: each national offence beside Palermo
# art. 3, against the Directive as amended.
COLUMNS = [
    ["FI-RL-25-3"],
    ["EE-KarS-133", "EE-KarS-133-1"],
    ["PL-KK-189a", "PL-KK-115-22"],
    ["UN-PALERMO-3"],
]


@pytest.mark.parametrize(
    ("group", "code", "cells"),
    [
        ("act", "recruitment", ("covers", "lacks", "covers", "covers")),
        ("act", "taking_control", ("adds", "", "", "")),
        ("act", "exchange_or_transfer_of_control", ("lacks",) * 4),
        ("means", "threat", ("lacks", "covers", "covers", "covers")),
        ("means", "pressure", ("adds", "", "", "")),
        ("means", "deprivation_of_liberty", ("", "adds", "", "")),
        ("purpose", "begging", ("lacks", "covers", "covers", "lacks")),
        ("purpose", "forced_marriage", ("covers", "uncertain", "lacks", "lacks")),
        ("purpose", "pornography", ("", "", "adds", "")),
        ("purpose", "servitude", ("lacks", "lacks", "lacks", "covers")),
    ],
)  # fmt: skip
def test_the_matrix_cells_read_as_the_reference_says(group, code, cells):
    found = compare.matrix(law.book(), COLUMNS, SUMMER_2025, DIRECTIVE)

    rows = {(row.group, row.code): row.cells for row in found.rows}

    assert rows[(group, code)] == cells


def test_the_matrix_has_a_row_for_every_code_any_column_or_the_baseline_has():
    found = compare.matrix(law.book(), COLUMNS, SUMMER_2025, DIRECTIVE)

    acts = [row.code for row in found.rows if row.group == "act"]

    assert set(acts) == {
        "recruitment", "transportation", "transfer", "harbouring", "receipt",
        "exchange_or_transfer_of_control", "taking_control", "escorting",
        "concealment", "placing_in_exploitative_situation",
        "keeping_in_exploitative_situation",
    }  # fmt: skip


def test_a_provision_not_in_force_on_the_day_leaves_its_column_empty():
    found = compare.matrix(law.book(), [["EE-KarS-133"]], date(2010, 1, 1), DIRECTIVE)

    assert found.columns[0].in_force == ()
    assert {row.cells[0] for row in found.rows} <= {"lacks", ""}


def test_an_unknown_provision_id_is_refused_naming_it():
    with pytest.raises(law.UnknownProvision, match="'FI-RL-99' is not a provision"):
        compare.matrix(law.book(), [["FI-RL-99"]], SUMMER_2025, DIRECTIVE)


def test_a_comparison_naming_an_unknown_provision_is_refused_with_its_line():
    text = "version: '1'\nsource: x\nbaseline: EU-DIR-2011-36-2\nbeside: []\n"
    text += "countries:\n  FI: [FI-RL-25-3, FI-RL-25-33]\n"

    with pytest.raises(law.LawDataError, match=r"c\.yaml, line 6: 'FI-RL-25-33'"):
        parse_comparisons("c.yaml", text, law.book())
