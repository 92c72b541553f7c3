"""The case template and the indicator checklist as an XLSForm, for phones.

KoboToolbox and ODK Central build a form from an XLSForm: a workbook whose
``survey`` sheet lists the questions, ``choices`` the answers of each list and
``settings`` the form's id and version. ``build`` makes the three sheets as
plain rows; ``save`` writes them as .xlsx, all or nothing::

    from flexwatch.ingest import xlsform

    xlsform.save(xlsform.build(), "flexwatch-case.xlsx")

Question names are the case record's field names (``cases.record``): the case
at the top, the victim in the group ``victim``, the identifiers to pseudonymise
in ``identifiers``, and one question per indicator in ``indicators``. A dot is
a valid XML name character, but exports and statistics packages read it as a
separator, so an indicator id's dot becomes ``__`` (``dr.nature_of_job`` is
asked as ``indicators/dr__nature_of_job``); no id holds ``__``, so
``indicator_id`` turns a question name back into its id. Labels come from the
vocabularies and the frameworks, and the rest of the wording from
``data/xlsform_labels.yaml``, in English, Finnish, Estonian and Polish.
"""

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from openpyxl import Workbook

from flexwatch import __version__, vocab
from flexwatch.assessment import frameworks

logger = logging.getLogger(__name__)

Row = dict[str, str]
Sheets = dict[str, list[Row]]
# One text in each language, such as a label: {"en": ..., "fi": ...}.
Translations = Mapping[str, str]
# The texts of each question path by kind: {"victim/sex": {"label": ...}}.
Texts = Mapping[str, Mapping[str, Translations]]

FORM_ID = "flexwatch_case"
FORM_TITLE = "FLEX Watch case"
LANGUAGES = {
    "en": "English (en)",
    "fi": "Finnish (fi)",
    "et": "Estonian (et)",
    "pl": "Polish (pl)",
}
TEXT_KINDS = ("label", "hint", "constraint_message")
VICTIM, IDENTIFIERS, INDICATORS = "victim", "identifiers", "indicators"
SEPARATOR = "__"
YES_NO = "yes_no"

# A long list is easier on a phone as a drop-down, a very long one (countries)
# with a search box.
MINIMAL_FROM = 10
AUTOCOMPLETE_FROM = 100

# The case record accepts days from 1950 to 2100 (cases.record.Day); an event
# of a case cannot lie in the future.
PAST_DAY = ". >= date('1950-01-01') and . <= today()"
AFTER_BEGAN = (
    f"{PAST_DAY} and (${{exploitation_began}} = '' or . >= ${{exploitation_began}})"
)
ANY_DAY = ". >= date('1950-01-01') and . <= date('2100-12-31')"
AGE = ". >= 0 and . <= 120"
AMOUNT = ". >= 0 and . <= 9999999999.99 and round(., 2) = ."
NO_EXACT_AGE = "${age} = ''"


@dataclass(frozen=True)
class Question:
    """One question of the survey sheet; its wording is looked up by path.

    ``choices`` names the list of a select: a vocabulary, or ``yes_no``.
    ``columns`` holds the other XLSForm columns (required, constraint, ...).
    """

    name: str
    type: str
    choices: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


def question_name(indicator: str) -> str:
    """The question of an indicator: ``dr.nature_of_job`` → ``dr__nature_of_job``.

    Raises:
        ValueError: the id holds ``__``, so its name could not be read back.
    """
    if SEPARATOR in indicator:
        raise ValueError(
            f"The indicator id {indicator!r} holds {SEPARATOR!r}, so its XLSForm "
            "question name could not be turned back into the id."
        )
    return indicator.replace(".", SEPARATOR)


def indicator_id(name: str) -> str:
    """The indicator of a question: ``dr__nature_of_job`` → ``dr.nature_of_job``."""
    return name.replace(SEPARATOR, ".")


def _case() -> tuple[Question, ...]:
    return (
        Question("country", "select_one", "exploitation_country", {"required": "yes"}),
        _region(),
        # No source reference: an import keys the case by the submission's id.
        Question("source_kind", "select_one", "source_kind", {"required": "yes"}),
        Question("exploitation_began", "date", columns={"constraint": PAST_DAY}),
        Question("exploitation_ended", "date", columns={"constraint": AFTER_BEGAN}),
        Question("identified_on", "date", columns={"constraint": AFTER_BEGAN}),
        Question("registered_on", "date", columns={"constraint": PAST_DAY}),
        Question("sector", "select_one", "sector"),
        Question("occupation", "select_one", "occupation"),
        Question("exploitation_forms", "select_multiple", "exploitation_form"),
        Question("recruitment_country", "select_one", "country"),
        Question("recruitment_channel", "select_one", "recruitment_channel"),
        Question("recruitment_fees_paid", "select_one", YES_NO),
        Question("narrative", "text", columns={"appearance": "multiline"}),
        Question("legal_basis", "select_one", "legal_basis", {"required": "yes"}),
        Question("retention_until", "date", columns={"constraint": ANY_DAY}),
    )


def _region() -> Question:
    # Regions are listed for a few countries only: ask for them there alone.
    regions = vocab.vocabulary("nuts_region")
    countries = sorted({str(regions.attribute(c, "country")) for c in regions.codes})
    relevant = " or ".join(f"${{country}} = '{country}'" for country in countries)
    columns = {"choice_filter": "country=${country}", "relevant": relevant}
    return Question("region", "select_one", "nuts_region", columns)


def _victim() -> tuple[Question, ...]:
    age_max = f"{AGE} and (${{age_min}} = '' or . >= ${{age_min}})"
    interval = {"relevant": NO_EXACT_AGE}
    return (
        Question("sex", "select_one", "sex"),
        Question("age", "integer", columns={"constraint": AGE}),
        Question("age_min", "integer", columns={"constraint": AGE, **interval}),
        Question("age_max", "integer", columns={"constraint": age_max, **interval}),
        Question("citizenship", "select_one", "citizenship"),
        Question("residence_status", "select_one", "residence_status"),
        Question("trafficking_status", "select_one", "trafficking_status"),
        Question("recruiter_relationship", "select_one", "recruiter_relationship"),
        Question("means_of_control", "select_multiple", "means_of_control"),
        Question("penalised", "select_one", YES_NO),
        Question("currency", "select_one", "currency", {"default": "EUR"}),
        Question("compensation_claimed", "decimal", columns={"constraint": AMOUNT}),
        Question("compensation_awarded", "decimal", columns={"constraint": AMOUNT}),
        Question("wages_recovered", "decimal", columns={"constraint": AMOUNT}),
    )


def _identifiers() -> tuple[Question, ...]:
    return (
        Question("full_name", "text"),
        Question("date_of_birth", "date", columns={"constraint": ". <= today()"}),
        Question("personal_code", "text"),
    )


def _indicators() -> tuple[Question, ...]:
    return tuple(
        Question(question_name(indicator.id), "select_one", "observation_status")
        for framework in frameworks.catalogue().frameworks
        for indicator in framework.indicators
    )


def build() -> Sheets:
    """The XLSForm of a case: ``survey``, ``choices`` and ``settings`` as rows.

    Each row maps a column header to its cell; a row leaves out empty cells.

    Raises:
        ValueError: the wording file lacks a text or a language (named).
    """
    texts = {**_wording().questions, **_generated_texts()}
    survey = [
        *_rows(_case(), "", texts),
        *_group(VICTIM, _victim(), texts),
        *_group(IDENTIFIERS, _identifiers(), texts),
        *_group(INDICATORS, _indicators(), texts),
    ]

    # Every list a select names, in the order of first use.
    lists = dict.fromkeys(q["type"].split()[1] for q in survey if " " in q["type"])
    choices = [row for name in lists for row in _choices(name)]

    settings = {
        "form_title": FORM_TITLE,
        "form_id": FORM_ID,
        "version": _version(survey, choices),
        "default_language": LANGUAGES["en"],
    }
    return {"survey": survey, "choices": choices, "settings": [settings]}


def _generated_texts() -> dict[str, dict[str, Translations]]:
    """Wording taken from the data: the victim group's and the indicators'."""
    role = vocab.vocabulary("person_role")
    victim = {lang: role.label("victim", lang) for lang in LANGUAGES}
    texts: dict[str, dict[str, Translations]] = {VICTIM: {"label": victim}}
    for framework in frameworks.catalogue().frameworks:
        for dimension in framework.dimensions:
            for indicator in dimension.indicators:
                path = f"{INDICATORS}/{question_name(indicator.id)}"
                texts[path] = {
                    "label": {lang: indicator.label(lang) for lang in LANGUAGES},
                    "hint": {lang: dimension.name(lang) for lang in LANGUAGES},
                }
    return texts


def _group(name: str, questions: tuple[Question, ...], texts: Texts) -> Iterator[Row]:
    yield {"type": "begin_group", "name": name, **_texts(texts, name)}
    yield from _rows(questions, f"{name}/", texts)
    yield {"type": "end_group"}


def _rows(questions: tuple[Question, ...], prefix: str, texts: Texts) -> Iterator[Row]:
    for question in questions:
        kind = f"{question.type} {question.choices}".strip()
        row = {"type": kind, "name": question.name}
        row.update(_texts(texts, prefix + question.name))
        appearance = _appearance(question)
        if appearance:
            row["appearance"] = appearance
        yield row | dict(question.columns)


def _texts(texts: Texts, path: str) -> Row:
    """The label, hint and constraint message of ``path`` in every language.

    Raises:
        ValueError: ``path`` has no label.
    """
    found = texts.get(path, {})
    if "label" not in found:
        raise ValueError(
            f"The XLSForm question {path!r} has no label in xlsform_labels.yaml."
        )
    return {
        f"{kind}::{language}": found[kind][code]
        for kind in TEXT_KINDS
        if kind in found
        for code, language in LANGUAGES.items()
    }


def _appearance(question: Question) -> str:
    if question.type != "select_one" or question.choices == YES_NO:
        return ""
    size = len(vocab.vocabulary(question.choices).codes)
    if size >= AUTOCOMPLETE_FROM and "choice_filter" not in question.columns:
        return "autocomplete"
    return "minimal" if size >= MINIMAL_FROM else ""


def _choices(list_name: str) -> list[Row]:
    if list_name == YES_NO:
        return [
            {"list_name": YES_NO, "name": code, **_labels(labels)}
            for code, labels in _wording().choices[YES_NO].items()
        ]

    listed = vocab.vocabulary(list_name)
    rows = []
    for code in listed.codes:
        labels = {lang: listed.label(code, lang) for lang in LANGUAGES}
        row = {"list_name": list_name, "name": code, **_labels(labels)}
        if list_name == "nuts_region":
            # The column the region question's choice_filter reads.
            row["country"] = str(listed.attribute(code, "country"))
        rows.append(row)
    return rows


def _labels(labels: Translations) -> Row:
    return {f"label::{LANGUAGES[code]}": labels[code] for code in LANGUAGES}


def _version(survey: list[Row], choices: list[Row]) -> str:
    """The package version and a digest of what the form is made of.

    The digest covers the versions of the vocabularies and frameworks, and the
    form itself, so that the form gets a new version whenever any of them
    changes: ODK Central and KoboToolbox tell a form's versions apart by it.
    """
    sources = sorted(
        [f"{name}={vocab.vocabulary(name).version}" for name in vocab.names()]
        + [f"{f.id}={f.version}" for f in frameworks.catalogue().frameworks]
        + [f"xlsform_labels={_wording().version}"]
    )
    made_of = json.dumps([sources, survey, choices], sort_keys=True)
    digest = hashlib.sha256(made_of.encode("utf-8")).hexdigest()[:8]
    return f"{__version__}+{digest}"


# The wording file


@dataclass(frozen=True)
class Wording:
    """What ``data/xlsform_labels.yaml`` holds, checked."""

    version: str
    questions: Texts
    choices: Mapping[str, Mapping[str, Translations]]


def _package_file() -> Traversable:
    return resources.files("flexwatch.ingest").joinpath("data", "xlsform_labels.yaml")


@cache
def _wording() -> Wording:
    return read_wording(_package_file())


def read_wording(path: Traversable | Path) -> Wording:
    """Read a wording file and check that every text is in every language.

    Raises:
        ValueError: naming the file and the entry that cannot be used.
    """
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not {"version", "questions"} <= set(loaded):
        raise ValueError(f"{path}: expected a mapping with version and questions.")

    questions = {}
    for name, entry in loaded["questions"].items():
        if not isinstance(entry, dict) or set(entry) - set(TEXT_KINDS):
            raise ValueError(
                f"{path}: questions: {name}: give only {', '.join(TEXT_KINDS)}."
            )
        questions[name] = {
            kind: _translated(path, f"questions: {name}: {kind}", text)
            for kind, text in entry.items()
        }

    choices = {
        list_name: _choice_list(path, list_name, items)
        for list_name, items in loaded.get("choices", {}).items()
    }
    return Wording(str(loaded["version"]), questions, choices)


def _choice_list(path: object, name: str, items: object) -> dict[str, Translations]:
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and "code" in item for item in items
    ):
        raise ValueError(f"{path}: choices: {name}: give a list of codes and labels.")
    return {
        str(item["code"]): _translated(
            path, f"choices: {name}: {item['code']}", item.get("labels")
        )
        for item in items
    }


def _translated(path: object, where: str, text: object) -> Translations:
    given = text if isinstance(text, dict) else {}
    missing = [code for code in LANGUAGES if not str(given.get(code) or "").strip()]
    if missing:
        raise ValueError(
            f"{path}: {where}: no text in {', '.join(missing)}; "
            f"every text is needed in {', '.join(LANGUAGES)}."
        )
    return {code: str(given[code]) for code in LANGUAGES}


# The workbook


def save(form: Sheets, path: str | os.PathLike[str]) -> None:
    """Write ``form`` as an .xlsx workbook that appears at ``path`` only whole.

    The workbook is written to a temporary file in the same folder and moved
    into place once complete, so a failed write leaves ``path`` as it was.

    Raises:
        OSError: the folder cannot be written to, or ``path`` cannot be replaced.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in form.items():
        _sheet(workbook, title, rows)

    folder = os.path.dirname(os.path.abspath(path))
    named = ""
    try:
        with tempfile.NamedTemporaryFile(
            dir=folder, prefix=".flexwatch-", suffix=".xlsx", delete=False
        ) as spool:
            named = spool.name
            workbook.save(spool)
        os.replace(named, path)
    finally:
        if named and os.path.exists(named):
            os.unlink(named)
    logger.info(
        "XLSForm written to %s: %d survey rows, %d choices",
        path,
        len(form["survey"]),
        len(form["choices"]),
    )


def _sheet(workbook: Workbook, title: str, rows: list[Row]) -> None:
    sheet = workbook.create_sheet(title)
    header = list(dict.fromkeys(column for row in rows for column in row))
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    sheet.freeze_panes = "A2"
