"""The vocabulary data files: each loads, is translated, and maps to HTCDS.

Pure: these tests read the package's data files through the loader and the
registry, with no database and no Django settings.
"""

import re
from pathlib import Path

import pytest

from flexwatch.vocab import loader, registry
from flexwatch.vocab.loader import VocabularyError
from flexwatch.vocab.vocabulary import LANGUAGES, UnknownCode

# Vocabularies of proper names, whose labels may be the same in every
# language (Andorra, Satakunta, Miasto Kraków).
PROPER_NAMES = {"country", "nuts_region"}

# Labels that are the same word in English and in another language; every
# other translated label must differ from the English one.
SAME_AS_ENGLISH = {
    ("currency", "EUR", "fi"),
    ("currency", "EUR", "et"),
    ("currency", "EUR", "pl"),
    # Finnish genitives of country names that end in -a coincide with the
    # English adjective: Romanian leu, Georgian lari.
    ("currency", "RON", "fi"),
    ("currency", "MDL", "fi"),
    ("currency", "GEL", "fi"),
    ("currency", "AMD", "fi"),
    # The Estonian genitive of Bangladesh is Bangladeshi.
    ("currency", "BDT", "et"),
}

# The codes the case record, its forms and its tests rely on.
CASE_RECORD_CODES = [
    ("citizenship", ["UA", "FI", "stateless", "unknown"]),
    ("sex", ["female", "male", "other", "unknown"]),
    ("person_role", ["victim", "suspect"]),
    ("sector", ["nace_a", "nace_f", "nace_u", "nace_01", "nace_03", "nace_10"]),
    ("sector", ["nace_41", "nace_42", "nace_43", "nace_46", "nace_47", "nace_49"]),
    ("sector", ["nace_56", "nace_81", "nace_87", "nace_88", "nace_97"]),
    ("occupation", [f"isco_{group}" for group in range(10)]),
    (
        "exploitation_form",
        [
            "sexual_exploitation",
            "forced_labour",
            "begging",
            "slavery",
            "servitude",
            "criminal_activities",
            "organ_removal",
            "forced_marriage",
            "illegal_adoption",
            "surrogacy_exploitation",
            "labour_exploitation",
            "other",
        ],
    ),
    (
        "source_kind",
        [
            "police_investigation",
            "prosecution",
            "court_judgement",
            "labour_inspection",
            "victim_assistance",
            "ngo",
            "trade_union",
            "media",
            "interview",
            "other",
        ],
    ),
    ("recruitment_channel", ["friends", "family", "employment_agency", "other"]),
    ("means_of_control", ["debt_bondage", "withheld_documents", "false_promises"]),
    ("trafficking_status", ["presumed_victim", "confirmed_victim", "not_victim"]),
    ("residence_status", ["citizen", "eu_citizen", "permit_work", "permit_other"]),
    ("residence_status", ["visa", "no_status", "unknown"]),
    (
        "identification_decision",
        [
            "presumed",
            "formally_identified",
            "not_identified",
            "declined_identification",
        ],
    ),
    (
        "authority_kind",
        [
            "victim_assistance_system",
            "police",
            "labour_inspection",
            "prosecution",
            "court",
            "migration_authority",
            "ngo",
            "other",
        ],
    ),
    ("legal_stage", ["reported", "investigated", "charged", "tried"]),
    ("legal_outcome", ["pending", "convicted", "acquitted", "dismissed"]),
    (
        "assistance_measure",
        [
            "reflection_period",
            "residence_permit",
            "accommodation",
            "health_care",
            "legal_aid",
            "compensation",
        ],
    ),
    ("journey_stage", ["recruitment", "destination"]),
    ("observation_status", ["observed", "not_observed", "unknown"]),
    (
        "legal_basis",
        [
            "gdpr_6_1_e",
            "gdpr_6_1_c",
            "gdpr_9_2_g",
            "gdpr_9_2_j",
            "led_2016_680_art8",
            "consent",
        ],
    ),
    ("currency", ["EUR", "PLN", "SEK", "NOK", "GBP", "USD", "UAH", "RUB"]),
    ("nuts_region", ["FI1", "FI1B", "FI1B1", "EE0", "EE00A", "PL9", "PL91", "PL911"]),
]

# Picklists of the HTCDS 2.0 field standard (IOM, 2021), copied from its
# "Value Names" column for the fields the vocabularies map to.
HTCDS_PICKLISTS = {
    "prs_Gender": (
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ),
    "vic_TraffickingStatus": (
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "Police",
        "NGO",
        "CourtOrProsecution",
        "NonPoliceGovernmentalOrganization",
        "Other",
    ),
    "vic_RelationshipToTrafficker": ("Familial", "Acquainted", "Unaquainted"),
    "vic_MethodOfRecruitment": (
        "AtAPlaceOfBusiness",
        "AtAnEducationalInstitution",
        "AtWork",
        "ThroughOnlineSocialNetworks",
        "ThroughAnOnlineAdvertisement",
        "ThroughATelevisionAdvert",
        "ThroughANewspaperAdvert",
        "ThroughFamilyOrFamilyEvents",
        "ThroughFriendsOrSocialEvents",
        "Other",
    ),
    "vic_MethodsOfControl": (
        "PhysicalThreats",
        "ThreatsLawEnforcement",
        "ThreatensChildrenFamily",
        "DebtBondage",
        "FalsePromises",
        "PhysicalAbuse",
        "SexualAbuse",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
        "PsychologicalAbuse",
        "PsychoactiveSubstance",
        "ExcessiveWorkingHours",
        "WithholdsDocuments",
        "Other",
    ),
    "vic_TypeOfExploitation": (
        "ForcedLabour",
        "SexualExploitation",
        "ChildLabour",
        "ForcedMarriage",
        "Servitude",
        "ForcedMilitaryByNonStateActors",
        "OrganRemoval",
        "ForcedBegging",
        "ForcedAdoption",
        "Surrogacy",
        "Other",
    ),
    "vic_ForcedLabourIndustry": (
        "A_AgricultureForestryAndFishing",
        "B_MiningAndQuarrying",
        "C_Manufacturing",
        "D_ElectricityGasSteamAndAirConditioningSupply",
        "E_WaterSupplySewerageWasteManagement",
        "F_Construction",
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "H_TransportationAndStorage",
        "I_AccommodationAndFoodServiceActivities",
        "J_InformationAndCommunication",
        "K_FinancialAndInsuranceActivities",
        "L_RealEstateActivities",
        "M_ProfessionalScientificAndTechnicalActivities",
        "N_AdministrativeAndSupportServiceActivities",
        "O_PublicAdministrationAndDefence",
        "P_Education",
        "Q_HumanHealthAndSocialWorkActivities",
        "R_ArtsEntertainmentAndRecreation",
        "S_OtherServiceActivities",
        "T_ActivitiesOfHouseholdsAsEmployers",
        "U_ActivitiesOfExtraterritorialOrganizations",
    ),
    "hte_Type": ("Recruitment", "Transit", "Exploitation"),
}

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "vocabularies.md"

NAMES = registry.names()
MAPPED = [name for name in NAMES if registry.vocabulary(name).htcds_field]


def _own_codes(name: str) -> list[str]:
    """The codes a file adds: citizenship's countries are checked as country."""
    vocab = registry.vocabulary(name)
    inherited = registry.vocabulary(vocab.extends).codes if vocab.extends else ()
    return [code for code in vocab.codes if code not in inherited]


def _imports(name: str) -> dict[str, str]:
    """Each HTCDS value that imports, with the code it imports as."""
    vocab = registry.vocabulary(name)
    return {
        value: code
        for code in vocab.codes
        for value in vocab.attribute(code, "htcds_import") or ()
    }


# Every file


@pytest.mark.parametrize("name", NAMES)
def test_every_vocabulary_file_loads_and_cites_its_standard(name):
    vocab = registry.vocabulary(name)

    assert vocab.name == name
    assert vocab.codes
    assert len(vocab.standard) > 10


@pytest.mark.parametrize("name", NAMES)
def test_every_code_has_a_label_in_each_language(name):
    vocab = registry.vocabulary(name)

    for code in vocab.codes:
        for language in LANGUAGES:
            assert vocab.label(code, language).strip(), (code, language)


@pytest.mark.parametrize("name", sorted(set(NAMES) - PROPER_NAMES))
def test_labels_are_translated_not_copied_from_english(name):
    vocab = registry.vocabulary(name)
    copies = [
        (name, code, language)
        for code in _own_codes(name)
        for language in LANGUAGES[1:]
        if vocab.label(code, language).casefold() == vocab.label(code).casefold()
    ]

    assert set(copies) <= SAME_AS_ENGLISH


def test_the_list_of_labels_allowed_to_match_english_is_not_stale():
    for name, code, language in SAME_AS_ENGLISH:
        vocab = registry.vocabulary(name)
        assert vocab.label(code, language) == vocab.label(code), (code, language)


def test_the_docs_list_every_vocabulary():
    first_cells = re.findall(r"^\| ([^|]+) \|", DOCS_PAGE.read_text("utf-8"), re.M)
    listed = {name for cell in first_cells for name in re.findall(r"`(\w+)`", cell)}

    assert set(NAMES) - listed == set()


@pytest.mark.parametrize(("name", "codes"), CASE_RECORD_CODES)
def test_the_codes_the_case_record_uses_exist(name, codes):
    vocab = registry.vocabulary(name)

    assert [code for code in codes if code not in vocab] == []


# Refusals of unknown codes


def test_an_unknown_code_is_refused_with_the_accepted_codes():
    with pytest.raises(UnknownCode) as refused:
        registry.vocabulary("sex").check("f")

    message = str(refused.value)
    assert "'f' is not a code of sex" in message
    assert "female, male, other, unknown" in message


def test_an_unknown_citizenship_is_refused_with_the_nearest_codes():
    with pytest.raises(UnknownCode, match="such as UA"):
        registry.vocabulary("citizenship").check("ua")


def test_an_unknown_vocabulary_name_lists_the_vocabularies():
    with pytest.raises(KeyError, match=r"the vocabularies are: .*sector"):
        registry.vocabulary("sectors")


# HTCDS 2.0 mappings


def test_the_vocabularies_that_map_to_htcds():
    fields = {registry.vocabulary(name).htcds_field for name in MAPPED}

    assert fields == set(HTCDS_PICKLISTS)


@pytest.mark.parametrize("name", MAPPED)
def test_the_htcds_block_lists_the_field_standard_picklist(name):
    vocab = registry.vocabulary(name)

    declared = vocab.attribute_specs["htcds"].values
    assert declared == HTCDS_PICKLISTS[vocab.htcds_field]


@pytest.mark.parametrize("name", MAPPED)
def test_every_htcds_value_imports_as_one_code(name):
    field = registry.vocabulary(name).htcds_field

    assert sorted(_imports(name)) == sorted(HTCDS_PICKLISTS[field])


@pytest.mark.parametrize("name", MAPPED)
def test_a_code_that_imports_htcds_values_exports_one(name):
    vocab = registry.vocabulary(name)

    for code in vocab.codes:
        if vocab.attribute(code, "htcds_import"):
            assert vocab.attribute(code, "htcds") in HTCDS_PICKLISTS[vocab.htcds_field]


# The structure of sectors and regions


def test_each_sector_division_rolls_up_to_a_section():
    sector = registry.vocabulary("sector")

    for code in sector.codes:
        section = sector.attribute(code, "section")
        if sector.attribute(code, "level") == "section":
            assert section is None, code
        else:
            assert sector.attribute(section, "level") == "section", code
            assert sector.attribute(code, "htcds") == sector.attribute(section, "htcds")


def test_each_region_sits_under_its_parent_and_begins_with_its_country():
    regions = registry.vocabulary("nuts_region")

    for code in regions.codes:
        level, parent = (regions.attribute(code, key) for key in ("level", "parent"))
        assert code.startswith(regions.attribute(code, "country")), code
        assert len(code) == 2 + level, code
        assert parent == (code[:-1] if level > 1 else None), code


@pytest.mark.parametrize(
    ("country", "per_level"),
    [("FI", (2, 5, 19)), ("EE", (1, 1, 5)), ("PL", (7, 17, 73))],
)
def test_nuts_2024_has_the_known_number_of_regions(country, per_level):
    regions = registry.vocabulary("nuts_region")
    listed = [c for c in regions.codes if regions.attribute(c, "country") == country]

    counted = tuple(
        sum(1 for c in listed if regions.attribute(c, "level") == level)
        for level in (1, 2, 3)
    )
    assert counted == per_level


# Malformed files are refused, naming the file and the entry

GOOD_ENTRY = """
  - code: seasonal
    labels: {en: Seasonal, fi: Kausityö, et: Hooajatöö, pl: Sezonowa}
"""
HEAD = 'name: {name}\nversion: "1"\nstandard: Test standard\n'
HTCDS_HEAD = "htcds: {field: hte_Type, values: [Recruitment, Exploitation]}\n"

MALFORMED = [
    pytest.param(
        "x.yaml", "name: [x\n", "the file", "is not valid YAML", id="not-yaml"
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="y") + "codes:" + GOOD_ENTRY,
        "name",
        "must match the file name",
        id="name-not-file-name",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + "codes:\n  - code: a\n    labels: {en: A, fi: B, et: C}\n",
        "code 'a'",
        "has no pl label",
        id="missing-label",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x") + "codes:\n  - code: Bad-Code\n    labels: {en: A}\n",
        "code 'Bad-Code'",
        "does not have the form",
        id="code-not-snake-case",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x") + "codes:" + GOOD_ENTRY + GOOD_ENTRY,
        "code 'seasonal'",
        "appears twice",
        id="duplicate-code",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + "code_form: country\ncodes:\n  - code: NO\n    labels: {en: Norway}\n",
        "entry 1",
        "put it in quotes",
        id="unquoted-no",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + "codes:"
        + GOOD_ENTRY
        + "    attributes: {colour: red}\n",
        "code 'seasonal'",
        "undeclared attributes ['colour']",
        id="undeclared-attribute",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + HTCDS_HEAD
        + "codes:"
        + GOOD_ENTRY
        + "    attributes: {htcds: Transit}\n",
        "code 'seasonal'",
        "attribute 'htcds' must be one of the declared values",
        id="htcds-value-not-in-picklist",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + HTCDS_HEAD
        + "codes:"
        + GOOD_ENTRY
        + "    attributes: {htcds: Exploitation, htcds_import: [Exploitation]}\n"
        + GOOD_ENTRY.replace("seasonal", "yearly")
        + "    attributes: {htcds: Exploitation, htcds_import: [Exploitation]}\n",
        "code 'yearly'",
        "already imported as 'seasonal'",
        id="htcds-value-imported-twice",
    ),
    pytest.param(
        "x.yaml",
        HEAD.format(name="x")
        + "attributes: {section: {kind: code, optional: true}}\ncodes:"
        + GOOD_ENTRY
        + "    attributes: {section: nace_zz}\n",
        "code 'seasonal'",
        "'nace_zz', which is not a code of this file",
        id="reference-to-missing-code",
    ),
    pytest.param(
        "x.csv",
        "# name: x\n# version: 1\n# standard: Test\ncode,en,fi\nA,B,C\n",
        "the header",
        "expected code,en,fi,et,pl",
        id="csv-header",
    ),
]


@pytest.mark.parametrize(("file_name", "text", "where", "problem"), MALFORMED)
def test_a_malformed_file_is_refused_naming_file_and_entry(
    tmp_path, file_name, text, where, problem
):
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(VocabularyError) as refused:
        loader.read_file(path)

    message = str(refused.value)
    assert message.startswith(f"{path}: {where}: ")
    assert problem in message


# Cross-references between files, checked by the registry

COUNTRY_CSV = "# name: country\n# version: 1\n# standard: ISO 3166-1\n" + (
    "# code_form: country\ncode,en,fi,et,pl\nFI,Finland,Suomi,Soome,Finlandia\n"
)


@pytest.fixture
def package_of(tmp_path, monkeypatch):
    """Make the registry read the given files instead of the package's data."""

    def install(files: dict[str, str]) -> dict[str, Path]:
        paths = {}
        for file_name, text in files.items():
            paths[file_name.rsplit(".", 1)[0]] = tmp_path / file_name
            paths[file_name.rsplit(".", 1)[0]].write_text(text, encoding="utf-8")
        monkeypatch.setattr(registry, "_files", lambda: paths)
        registry.vocabulary.cache_clear()
        return paths

    yield install
    registry.vocabulary.cache_clear()


def test_an_extension_may_not_repeat_a_code_of_its_base(package_of):
    paths = package_of(
        {
            "country.csv": COUNTRY_CSV,
            "citizenship.yaml": HEAD.format(name="citizenship")
            + "extends: country\ncode_form: country\ncodes:\n"
            + "  - code: FI\n    labels: {en: F, fi: S, et: S, pl: F}\n",
        }
    )

    with pytest.raises(VocabularyError) as refused:
        registry.vocabulary("citizenship")

    assert str(refused.value).startswith(f"{paths['citizenship']}: code 'FI': ")
    assert "already a code of country" in str(refused.value)


def test_a_code_attribute_must_name_a_code_of_the_other_vocabulary(package_of):
    paths = package_of(
        {
            "country.csv": COUNTRY_CSV,
            "region.yaml": HEAD.format(name="region")
            + "attributes: {country: {kind: code, of: country}}\ncodes:"
            + GOOD_ENTRY
            + "    attributes: {country: SE}\n",
        }
    )

    with pytest.raises(VocabularyError) as refused:
        registry.vocabulary("region")

    assert str(refused.value).startswith(f"{paths['region']}: code 'seasonal': ")
    assert "'SE', which is not a code of country" in str(refused.value)
