"""The HTCDS 2.0 export: field names from the standard, values from vocabularies."""

import csv
import io
import re
from pathlib import Path

import pytest

from flexwatch import vocab
from flexwatch.cases import export, htcds
from tests import factories
from tests.conftest import shared_file

STANDARD = "reference/htcds/HTCDS_Field_Standards_2.0_Field_Standards.csv"
FIELD_NAME = re.compile(r"[a-z]{3}_[A-Za-z]+")


def _standard_fields() -> set[str]:
    with shared_file(STANDARD).open(encoding="utf-8", newline="") as stream:
        names = (row["Field Name including Prefix"] for row in csv.DictReader(stream))
        return {name for name in names if name and FIELD_NAME.fullmatch(name)}


def test_every_exported_field_is_a_field_of_the_standard():
    unknown = set(htcds.field_names()) - _standard_fields()

    assert not unknown


def test_every_field_of_the_standard_is_exported_or_listed_with_a_reason():
    accounted = set(htcds.field_names()) | set(htcds.htcds_unmapped())

    assert _standard_fields() - accounted == set()
    assert set(htcds.htcds_unmapped()) - _standard_fields() == set()
    assert all(len(reason) > 20 for reason in htcds.htcds_unmapped().values())


def test_the_year_is_listed_as_having_no_htcds_field():
    assert "HTCDS 2.0 has no field" in htcds.record_fields_not_in_htcds()["case.year"]


CODED = [field for field in htcds.spec().fields if field.vocabulary]


@pytest.mark.parametrize("field", CODED, ids=lambda f: f.name)
def test_each_coded_field_takes_the_htcds_values_of_its_vocabulary(field):
    words = vocab.vocabulary(field.vocabulary)
    allowed = set(words.attribute_specs["htcds"].values)

    for code in words.codes:
        stored = [code] if field.kind == "codes" else code
        value = htcds.htcds_row({field.source: stored})[field.name]
        assert value is None or value in allowed


def test_a_victim_maps_to_htcds_values():
    victim = {
        "person.sex": "female",
        "person.citizenship": "UA",
        "person.age": 34,
        "person.trafficking_status": "confirmed_victim",
        "person.recruiter_relationship": "unknown",
        "person.means_of_control": ["debt_bondage", "confinement", "isolation"],
        "decision.authority": "police",
        "case.exploitation_forms": ["forced_labour", "labour_exploitation"],
        "case.sector": "nace_01",
        "case.country": "FI",
        "case.recruitment_country": "UA",
        "case.recruitment_channel": "friends",
    }

    row = htcds.htcds_row(victim)

    assert row == {
        "prs_Gender": "Feminine",
        "prs_Citizenship": "UA",
        "vic_AgeWhenTrafficked": 34,
        "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "vic_TraffickingStatusDecisionMakingOrg": "Police",
        "vic_RelationshipToTrafficker": None,
        "vic_MethodOfRecruitment": "ThroughFriendsOrSocialEvents",
        "vic_LocationOfRecruitment": "UA",
        "vic_MethodsOfControl": "DebtBondage;Other",
        "vic_TypeOfExploitation": "ForcedLabour;Other",
        "vic_ForcedLabourIndustry": "A_AgricultureForestryAndFishing",
        "vic_LocationOfExploitation": "FI",
    }


def test_what_htcds_cannot_hold_leaves_the_cell_empty():
    row = htcds.htcds_row({"person.citizenship": "stateless", "person.sex": "unknown"})

    assert row["prs_Citizenship"] is None
    assert row["prs_Gender"] == "NonSpecifiedUnknown"
    assert row["vic_AgeWhenTrafficked"] is None
    assert row["vic_TypeOfExploitation"] is None


def _export(user, tmp_path, **request) -> list[dict[str, str]]:
    out = tmp_path / "htcds.csv"
    export.run(user, export.Request("htcds", **request), str(out))
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_the_export_has_one_row_per_victim_under_htcds_names(ws, tmp_path):
    factories.case(ws.owner, ws.user("caseworker"))
    factories.case(ws.owner, ws.user("caseworker"), sector="nace_f")

    rows = _export(ws.user("analyst"), tmp_path)

    assert list(rows[0]) == htcds.field_names()
    assert len(rows) == 2  # the two suspects are left out
    assert [row["vic_ForcedLabourIndustry"] for row in rows] == [
        "A_AgricultureForestryAndFishing",
        "F_Construction",
    ]
    assert rows[0]["vic_TraffickingStatusDecisionMakingOrg"] == (
        "NonPoliceGovernmentalOrganization"
    )


def test_the_export_never_carries_the_narrative(ws, tmp_path):
    factories.case(ws.owner, ws.user("caseworker"))

    out = tmp_path / "htcds.csv"
    export.run(ws.user("analyst"), export.Request("htcds", sensitive=True), str(out))

    assert "Berry pickers" not in out.read_text(encoding="utf-8-sig")


def test_the_export_page_names_every_htcds_field_exported_or_left_out():
    page = (Path(__file__).parents[2] / "docs" / "export.md").read_text("utf-8")
    named = set(re.findall(r"`([a-z]{3}_[A-Za-z]+)`", page))

    fields = set(htcds.field_names()) | set(htcds.htcds_unmapped())

    assert fields - named == set()
