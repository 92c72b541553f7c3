"""Synthetic rows in the layout of CTDC's global victim dataset, for ``ingest``.

The 58 columns of the 2018 k-anonymised release (HTCDS variables as CTDC
publishes them), in its order, then two that the release leaves out and an
agency's file would have: a case number (the source's own reference) and
the victim's full name (an identifier to pseudonymise). Values are drawn
with the frequencies of that release, rounded: years, data sources, genders,
age ranges with the majority status they go with, ISO citizenships and
countries, 0/1 flags that are mostly blank, recruiter relations (a few of
them two at once) with the flags that repeat them. Every row is one the
shipped ``ctdc-global`` profile accepts; a seed gives the same file again.
"""

import csv
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MEANS_OF_CONTROL = {
    # Per mille of the rows that name their means of control.
    "meansOfControlDebtBondage": 100,
    "meansOfControlTakesEarnings": 224,
    "meansOfControlRestrictsFinancialAccess": 12,
    "meansOfControlThreats": 272,
    "meansOfControlPsychologicalAbuse": 335,
    "meansOfControlPhysicalAbuse": 257,
    "meansOfControlSexualAbuse": 95,
    "meansOfControlFalsePromises": 259,
    "meansOfControlPsychoactiveSubstances": 135,
    "meansOfControlRestrictsMovement": 300,
    "meansOfControlRestrictsMedicalCare": 93,
    "meansOfControlExcessiveWorkingHours": 156,
    "meansOfControlUsesChildren": 11,
    "meansOfControlThreatOfLawEnforcement": 60,
    "meansOfControlWithholdsNecessities": 111,
    "meansOfControlWithholdsDocuments": 42,
    "meansOfControlOther": 149,
}
LABOUR_TYPES = {
    # Rows of forced labour naming each type; the three never seen in the
    # release get a few, so every flag of the profile is read.
    "typeOfLabourAgriculture": 261,
    "typeOfLabourAquafarming": 106,
    "typeOfLabourBegging": 153,
    "typeOfLabourConstruction": 1066,
    "typeOfLabourDomesticWork": 2590,
    "typeOfLabourHospitality": 82,
    "typeOfLabourIllicitActivities": 5,
    "typeOfLabourManufacturing": 411,
    "typeOfLabourMiningOrDrilling": 5,
    "typeOfLabourPeddling": 25,
    "typeOfLabourTransportation": 5,
    "typeOfLabourOther": 525,
    "typeOfLabourNotSpecified": 1650,
}
SEX_TYPES = {
    # Per mille of the rows of sexual exploitation.
    "typeOfSexProstitution": 380,
    "typeOfSexPornography": 4,
    "typeOfSexRemoteInteractiveServices": 0,
    "typeOfSexPrivateSexualServices": 1,
}
RELATION_FLAGS = {
    "recruiterRelationIntimatePartner": "Intimate Partner",
    "recruiterRelationFriend": "Friend",
    "recruiterRelationFamily": "Family/Relative",
    "recruiterRelationOther": "Other",
    "recruiterRelationUnknown": "Unknown",
}
CTDC_COLUMNS = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *MEANS_OF_CONTROL,
    "meansOfControlNotSpecified",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    *LABOUR_TYPES,
    *SEX_TYPES,
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *RELATION_FLAGS,
)
# Flags a row that says what its exploitation was gives as 0 unless set.
ZERO_WHEN_KNOWN = (
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isAbduction",
    *LABOUR_TYPES,
    *SEX_TYPES,
)
REFERENCE = "caseNumber"
FULL_NAME = "fullName"
COLUMNS = (*CTDC_COLUMNS, REFERENCE, FULL_NAME)

YEARS = {
    "2002": 1116, "2003": 379, "2004": 250, "2005": 1617, "2006": 1534,
    "2007": 1469, "2008": 828, "2009": 792, "2010": 1521, "2011": 1823,
    "2012": 1395, "2013": 2113, "2014": 3129, "2015": 6739, "2016": 18813,
    "2017": 3584,
}  # fmt: skip
SOURCES = {"Case Management": 36290, "Hotline": 10812}
GENDERS = {"Female": 33850, "Male": 12997, "Unknown": 255}
AGES = {
    # (ageBroad, majorityStatus), as the release pairs them.
    ("", ""): 11823, ("9--17", "Minor"): 6055, ("30--38", "Adult"): 6011,
    ("18--20", "Adult"): 3528, ("21--23", "Adult"): 3503,
    ("Unknown", "Adult"): 3194, ("24--26", "Adult"): 2948,
    ("39--47", "Adult"): 2434, ("27--29", "Adult"): 2210,
    ("0--8", "Minor"): 1639, ("Unknown", "Unknown"): 1606,
    ("48+", "Adult"): 1374, ("Unknown", "Minor"): 743,
}  # fmt: skip
AT_EXPLOIT = {"": 35289, "Unknown": 6618, "Minor": 3017, "Adult": 2182}
AT_ENTRY = {"": 30068, "Unknown": 10418, "Adult": 5371, "Minor": 1249}
CITIZENSHIPS = {
    "PH": 11312, "Unknown": 7484, "MD": 7363, "UA": 7339, "US": 3007,
    "ID": 1947, "BY": 1513, "MM": 1281, "KH": 1057, "RO": 685, "GH": 545,
    "KG": 449, "BG": 342, "HT": 339, "UZ": 253, "AF": 239, "Missing": 206,
    "MX": 176, "GW": 145, "TH": 144, "LA": 130, "CO": 124, "NG": 119,
    "CN": 94, "LK": 85, "TJ": 77, "SN": 70, "UG": 70, "KZ": 67, "SL": 65,
    "CD": 53, "AL": 45, "ML": 45, "BF": 33, "NE": 31, "CI": 31, "NP": 27,
    "TM": 26, "BO": 18, "GN": 15, "VN": 15, "ER": 13, "KR": 12, "BD": 11,
}  # fmt: skip
COUNTRIES = {
    "Missing": 11688, "US": 10718, "MD": 5562, "UA": 4996, "RU": 2619,
    "PH": 1964, "ID": 1776, "MY": 798, "GH": 545, "AE": 515, "TH": 442,
    "BY": 393, "SN": 370, "BG": 356, "PL": 351, "HT": 339, "RO": 273,
    "TR": 262, "SA": 257, "KZ": 238, "QA": 237, "LT": 211, "KW": 206,
    "MK": 194, "UZ": 193, "BA": 127, "UG": 123, "JP": 111, "JO": 108,
    "OM": 94, "Unknown": 94, "TJ": 88, "TT": 85, "AF": 84, "LB": 73,
    "SL": 65, "KH": 56, "CZ": 54, "CN": 52, "AL": 45, "SY": 41, "SG": 37,
    "ZA": 36, "TW": 33, "IT": 28, "TM": 26, "AT": 24, "BH": 22, "MU": 20,
    "AR": 18, "DK": 17, "EG": 13, "EC": 13, "CY": 12,
}  # fmt: skip
EXPLOITATION = {
    # (isForcedLabour, isSexualExploit, isOtherExploit), as the release
    # combines them.
    ("", "", ""): 15743, ("0", "1", "0"): 12478, ("", "", "1"): 7741,
    ("1", "0", "0"): 6504, ("1", "", ""): 2477, ("0", "0", "0"): 1696,
    ("", "1", ""): 403, ("0", "0", "1"): 41, ("1", "1", "0"): 23,
}  # fmt: skip
# Rows naming their means of control, naming none ("1" under NotSpecified),
# or blank throughout.
CONTROL = {"named": 10024, "not_specified": 25206, "blank": 11876}
RELATIONS = {
    "Unknown": 30742, "": 8979, "Other": 3588, "Friend": 1329,
    "Family/Relative": 1273, "Intimate Partner": 1083,
    "Family/Relative; Intimate Partner": 23, "Friend; Other": 23,
    "Friend; Intimate Partner": 22, "Family/Relative; Friend": 17,
    "Family/Relative; Unknown": 9, "Intimate Partner; Other": 6,
    "Family/Relative; Other": 5,
}  # fmt: skip
# Names common where the release's victims come from, with the diacritics
# and apostrophes the linkage keys normalise.
GIVEN_NAMES = (
    "Maria", "Jose", "Mary Grace", "Rowena", "Jun", "Ion", "Ana", "Natalia",
    "Oleksandr", "Olena", "Mar'iana", "Iryna", "Siti", "Dewi", "Budi",
    "Nguyễn Thị", "Aung", "Sokha", "Kwame", "Ama", "Aliaksandr", "Volha",
    "Mihai", "Elena", "Aigerim", "Jüri", "Małgorzata", "Paweł", "Aino",
    "José Luis",
)  # fmt: skip
FAMILY_NAMES = (
    "Santos", "Reyes", "Cruz", "Bautista", "Dela Cruz", "Rusu", "Ceban",
    "Popescu", "Munteanu", "Kovalenko", "Shevchenko", "Bondarenko",
    "Tkachenko", "Hnat'iuk", "Wijaya", "Susanto", "Hoa", "Win", "Chan",
    "Mensah", "Owusu", "Ivanova", "Lukashevich", "Tamm", "Kowalczyk",
    "Wiśniewski", "Nieminen", "Hernández", "García", "Smith",
)  # fmt: skip


class _Draw:
    """One seeded source of values, so a seed gives the same file."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tables: dict[int, tuple[list[Any], list[int]]] = {}

    def pick(self, weights: Mapping[T, int]) -> T:
        """A value of ``weights``, drawn as often as its weight says."""
        values, cumulative = self._table(weights)
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def _table(self, weights: Mapping[T, int]) -> tuple[list[T], list[int]]:
        # Drawing with cumulative weights skips summing them on every draw.
        found = self.tables.get(id(weights))
        if found is None:
            found = self.tables[id(weights)] = (
                list(weights),
                list(itertools.accumulate(weights.values())),
            )
        return found

    def chance(self, per_mille: int) -> bool:
        return self.rng.random() * 1000 < per_mille

    def name(self) -> str:
        given = self.rng.choice(GIVEN_NAMES)
        if self.chance(150):
            given = f"{given} {self.rng.choice(GIVEN_NAMES)}"
        return f"{given} {self.rng.choice(FAMILY_NAMES)}"


def write(path: Path, count: int, seed: int) -> None:
    """Write a header and ``count`` rows to ``path`` as CTDC's CSV is written.

    Rows are written as they are drawn, so memory stays flat at any count.
    """
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(count, seed))


def rows(count: int, seed: int) -> Iterator[Sequence[str]]:
    """``count`` rows in the order of ``COLUMNS``, the same for one seed."""
    draw = _Draw(seed)
    for number in range(1, count + 1):
        cells = dict.fromkeys(COLUMNS, "")
        _person(draw, cells)
        _control(draw, cells)
        _exploitation(draw, cells)
        _recruiter(draw, cells)
        cells["CountryOfExploitation"] = draw.pick(COUNTRIES)
        cells[REFERENCE] = f"BENCH-{number:08d}"
        cells[FULL_NAME] = draw.name()
        yield list(cells.values())


def _person(draw: _Draw, cells: dict[str, str]) -> None:
    cells["yearOfRegistration"] = draw.pick(YEARS)
    cells["Datasource"] = draw.pick(SOURCES)
    cells["gender"] = draw.pick(GENDERS)
    age, majority = draw.pick(AGES)
    cells["ageBroad"], cells["majorityStatus"] = age, majority
    cells["majorityStatusAtExploit"] = draw.pick(AT_EXPLOIT)
    cells["majorityEntry"] = draw.pick(AT_ENTRY)
    cells["citizenship"] = draw.pick(CITIZENSHIPS)


def _control(draw: _Draw, cells: dict[str, str]) -> None:
    kind = draw.pick(CONTROL)
    if kind == "named":
        for column, per_mille in MEANS_OF_CONTROL.items():
            if draw.chance(per_mille):
                cells[column] = "1"
        cells["meansOfControlNotSpecified"] = "0"
    elif kind == "not_specified":
        cells["meansOfControlNotSpecified"] = "1"


def _exploitation(draw: _Draw, cells: dict[str, str]) -> None:
    labour, sexual, other = draw.pick(EXPLOITATION)
    cells["isForcedLabour"], cells["isSexualExploit"] = labour, sexual
    cells["isOtherExploit"] = other
    if not (labour or sexual or other):
        return
    cells.update(dict.fromkeys(ZERO_WHEN_KNOWN, "0"))
    if labour == "1" and sexual == "1":
        cells["isSexAndLabour"] = "1"
    if draw.chance(13):
        cells["isForcedMarriage"] = "1"
    if draw.chance(4):
        cells["isAbduction"] = "1"
    if labour == "1":
        cells[draw.pick(LABOUR_TYPES)] = "1"
    if sexual == "1":
        for column, per_mille in SEX_TYPES.items():
            if draw.chance(per_mille):
                cells[column] = "1"


def _recruiter(draw: _Draw, cells: dict[str, str]) -> None:
    relation = draw.pick(RELATIONS)
    cells["RecruiterRelationship"] = relation
    if not relation:
        return
    named = {part.strip() for part in relation.split(";")}
    for column, label in RELATION_FLAGS.items():
        cells[column] = "1" if label in named else "0"
