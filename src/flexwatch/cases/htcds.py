"""The HTCDS 2.0 export: which fields it writes, and a victim's values in them.

The fields, and the reason for each field of the standard that is left out,
are data (``data/htcds_export.yaml``, after IOM's Human Trafficking Case Data
Standard 2.0, field standard of December 2021). The values are the ``htcds``
attributes of the vocabularies, so a code and its HTCDS value are declared in
one place, the vocabulary file, for import and export alike. No Django here.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from flexwatch import vocab

SPEC_FILE = "htcds_export.yaml"
KINDS = ("code", "codes", "country", "number")


class HtcdsSpecError(ValueError):
    """The export's data file contradicts itself or the vocabularies."""


@dataclass(frozen=True)
class Field:
    """One exported HTCDS field and the value of the record it is read from."""

    name: str
    source: str
    kind: str
    vocabulary: str = ""
    note: str = ""


@dataclass(frozen=True)
class Spec:
    """The export as its data file declares it."""

    standard: str
    separator: str
    fields: tuple[Field, ...]
    unmapped: Mapping[str, str]
    not_in_htcds: Mapping[str, str]


@functools.cache
def spec() -> Spec:
    """The export's fields and omissions, read and checked once.

    Raises:
        HtcdsSpecError: the file names a kind or vocabulary that does not fit.
    """
    text = (
        resources.files("flexwatch.cases")
        .joinpath("data", SPEC_FILE)
        .read_text(encoding="utf-8")
    )
    raw = yaml.safe_load(text)
    fields = tuple(_field(entry) for entry in raw["fields"])
    made = Spec(
        standard=raw["standard"],
        separator=raw["separator"],
        fields=fields,
        unmapped=_reasons(raw["unmapped"]),
        not_in_htcds=_reasons(raw["not_in_htcds"]),
    )
    _check_once(made)
    return made


def _field(entry: dict[str, Any]) -> Field:
    field = Field(
        name=entry["field"],
        source=entry["from"],
        kind=entry["kind"],
        vocabulary=entry.get("vocabulary", ""),
        note=" ".join(entry.get("note", "").split()),
    )
    if field.kind not in KINDS:
        raise HtcdsSpecError(
            f"{SPEC_FILE}: {field.name}: kind {field.kind!r} is not one of "
            f"{', '.join(KINDS)}."
        )
    if field.kind in ("code", "codes"):
        declared = vocab.vocabulary(field.vocabulary).htcds_field
        if declared != field.name:
            raise HtcdsSpecError(
                f"{SPEC_FILE}: {field.name}: the vocabulary {field.vocabulary} "
                f"maps to the HTCDS field {declared or 'none'!r}, not this one."
            )
    return field


def _reasons(groups: list[dict[str, Any]]) -> dict[str, str]:
    return {
        name: " ".join(group["reason"].split())
        for group in groups
        for name in group["fields"]
    }


def _check_once(made: Spec) -> None:
    exported = [field.name for field in made.fields]
    twice = sorted({n for n in exported if exported.count(n) > 1})
    twice += sorted(set(exported) & set(made.unmapped))
    if twice:
        raise HtcdsSpecError(
            f"{SPEC_FILE}: {', '.join(twice)} listed more than once; an HTCDS "
            "field is either exported or unmapped, once."
        )


def field_names() -> list[str]:
    """The HTCDS fields of the export, in the order of its columns."""
    return [field.name for field in spec().fields]


def htcds_unmapped() -> dict[str, str]:
    """Each HTCDS 2.0 field the export leaves out, with the reason."""
    return dict(spec().unmapped)


def record_fields_not_in_htcds() -> dict[str, str]:
    """Each part of a FLEX Watch case that no HTCDS field carries, and why."""
    return dict(spec().not_in_htcds)


def htcds_row(victim: Mapping[str, Any]) -> dict[str, str | int | None]:
    """One victim's values under the HTCDS field names; None where none fits.

    Args:
        victim: the values each field is read from, keyed as the data file
            names them (``person.sex``, ``case.exploitation_forms``, …);
            codes as stored, lists of codes as lists.

    Raises:
        UnknownCode: a stored code is no longer in its vocabulary.
    """
    separator = spec().separator
    return {
        field.name: _value(field, victim.get(field.source), separator)
        for field in spec().fields
    }


def _value(field: Field, stored: Any, separator: str) -> str | int | None:
    if stored in (None, "", []):
        return None
    if field.kind == "number":
        return int(stored)
    if field.kind == "country":
        return stored if stored in vocab.vocabulary("country") else None
    codes = stored if field.kind == "codes" else [stored]
    return separator.join(_htcds_values(field.vocabulary, codes)) or None


def _htcds_values(vocabulary: str, codes: list[str]) -> list[str]:
    # Several codes can share one HTCDS value (means of control that HTCDS
    # files under Other); a picklist names each value once.
    words = vocab.vocabulary(vocabulary)
    values = (words.attribute(code, "htcds") for code in codes)
    return list(dict.fromkeys(str(value) for value in values if value))
