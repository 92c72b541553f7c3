"""Read one vocabulary data file and refuse it unless it follows the format.

A vocabulary is a YAML file (name, version, standard, optional notes, the
attributes its codes carry, and the codes with their labels), or, for long
lists such as countries, a CSV file with ``code,en,fi,et,pl`` columns whose
``# key: value`` comment lines give the same top-level keys. Every refusal is
a ``VocabularyError`` naming the file and the entry. docs/vocabularies.md
describes the format for people.
"""

import csv
import logging
import re
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from flexwatch.vocab.errors import VocabularyError
from flexwatch.vocab.vocabulary import LANGUAGES, AttributeSpec, Vocabulary

logger = logging.getLogger(__name__)

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

# Codes are lowercase snake_case unless a standard fixes their form.
CODE_FORMS = {
    "snake_case": SNAKE_CASE,
    "country": re.compile(r"[A-Z]{2}"),  # ISO 3166-1 alpha-2
    "currency": re.compile(r"[A-Z]{3}"),  # ISO 4217
    "nuts": re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}"),  # country prefix + levels
}
KINDS = {
    "text": "non-empty text",
    "integer": "a whole number",
    "choice": "one of the declared values",
    "choices": "a list of distinct declared values",
    "code": "a code",
}
REQUIRED_KEYS = ("name", "version", "standard", "codes")
OPTIONAL_KEYS = ("notes", "code_form", "extends", "attributes", "htcds")
ENTRY_KEYS = ("code", "labels", "attributes")
SPEC_KEYS = ("kind", "optional", "values", "of")
CSV_HEADER = ["code", *LANGUAGES]
CSV_METADATA = re.compile(r"#\s*(name|version|standard|notes|code_form):\s*(.+)")


def read_file(path: Traversable | Path) -> Vocabulary:
    """Read and validate one vocabulary file.

    Cross-references to other vocabularies (``extends``, attributes of kind
    ``code`` with ``of``) are checked by ``flexwatch.vocab.vocabulary``,
    which can load the other files; this function checks the file alone.

    Args:
        path: a ``.yaml`` or ``.csv`` file whose stem is the vocabulary's name.

    Returns:
        The vocabulary with the file's own codes.

    Raises:
        VocabularyError: the file breaks the format; the message names the
            file and the entry.
    """
    text = path.read_text(encoding="utf-8")
    reader = _Reader(str(path), path.name.rsplit(".", 1)[0])

    raw = (
        reader.parse_csv(text)
        if path.name.endswith(".csv")
        else reader.parse_yaml(text)
    )
    vocabulary = reader.vocabulary(raw)

    logger.debug("Read %s: %d codes", path, len(vocabulary.codes))
    return vocabulary


class _Reader:
    """The checks of one file, each raising with the file's name in front."""

    def __init__(self, source: str, stem: str) -> None:
        self.source = source
        self.stem = stem

    def fail(self, where: str, problem: str) -> VocabularyError:
        return VocabularyError(f"{self.source}: {where}: {problem}")

    # Parsing

    def parse_yaml(self, text: str) -> Any:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as problem:
            raise self.fail("the file", f"is not valid YAML ({problem}).") from problem

    def parse_csv(self, text: str) -> dict[str, Any]:
        lines = text.splitlines()
        raw: dict[str, Any] = {}
        for line in lines:
            if match := CSV_METADATA.fullmatch(line.strip()):
                raw[match.group(1)] = match.group(2).strip()

        rows = csv.reader(line for line in lines if not line.startswith("#"))
        header = next(rows, [])
        if header != CSV_HEADER:
            raise self.fail(
                "the header",
                f"is {','.join(header)!r}; expected {','.join(CSV_HEADER)}.",
            )
        raw["codes"] = [
            self._csv_entry(number, row) for number, row in enumerate(rows, 1)
        ]
        return raw

    def _csv_entry(self, number: int, row: list[str]) -> dict[str, Any]:
        if len(row) != len(CSV_HEADER):
            raise self.fail(
                f"row {number}", f"has {len(row)} cells; expected {len(CSV_HEADER)}."
            )
        return {"code": row[0], "labels": dict(zip(LANGUAGES, row[1:], strict=True))}

    # The file as a whole

    def vocabulary(self, raw: Any) -> Vocabulary:
        top = self._top_level(raw)
        specs = self._specs(top)
        form = self._code_form(top)

        codes, labels, attributes = self._entries(top["codes"], form, specs)
        self._check_own_references(codes, attributes, specs)
        self._check_htcds_imports(codes, attributes)

        return Vocabulary(
            name=top["name"],
            version=top["version"],
            standard=top["standard"],
            codes=tuple(codes),
            notes=top.get("notes", ""),
            extends=top.get("extends", ""),
            htcds_field=top.get("htcds", {}).get("field", ""),
            attribute_specs=MappingProxyType(specs),
            _labels=MappingProxyType(labels),
            _attributes=MappingProxyType(attributes),
        )

    def _top_level(self, raw: Any) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail("the file", "must be a mapping with name, version, ….")
        missing = [key for key in REQUIRED_KEYS if key not in raw]
        unknown = [key for key in raw if key not in REQUIRED_KEYS + OPTIONAL_KEYS]
        if missing or unknown:
            raise self.fail(
                "the top level",
                f"misses {missing or 'nothing'} and has unknown keys "
                f"{unknown or 'none'}; it takes {', '.join(REQUIRED_KEYS)} and "
                f"optionally {', '.join(OPTIONAL_KEYS)}.",
            )

        for key in ("name", "version", "standard", "notes", "extends"):
            if key in raw and not _is_text(raw[key]):
                raise self.fail(
                    key, f"must be non-empty text in quotes; found {raw[key]!r}."
                )
        if raw["name"] != self.stem:
            raise self.fail("name", f"is {raw['name']!r}; it must match the file name.")
        return raw

    def _code_form(self, top: Mapping[str, Any]) -> re.Pattern[str]:
        form = top.get("code_form", "snake_case")
        if form not in CODE_FORMS:
            raise self.fail(
                "code_form", f"is {form!r}; accepted: {', '.join(CODE_FORMS)}."
            )
        return CODE_FORMS[form]

    # Attribute declarations

    def _specs(self, top: Mapping[str, Any]) -> dict[str, AttributeSpec]:
        declared = top.get("attributes", {})
        if not isinstance(declared, Mapping):
            raise self.fail("attributes", "must map each attribute name to its kind.")
        specs = {name: self._spec(name, spec) for name, spec in declared.items()}

        if "htcds" in top:
            values = self._htcds_values(top["htcds"])
            if {"htcds", "htcds_import"} & specs.keys():
                raise self.fail(
                    "attributes", "htcds and htcds_import come from the htcds block."
                )
            specs["htcds"] = AttributeSpec("htcds", "choice", True, values)
            specs["htcds_import"] = AttributeSpec(
                "htcds_import", "choices", True, values
            )
        return specs

    def _spec(self, name: Any, spec: Any) -> AttributeSpec:
        where = f"attribute {name!r}"
        if not (isinstance(name, str) and SNAKE_CASE.fullmatch(name)):
            raise self.fail(where, "needs a snake_case name.")
        if not isinstance(spec, Mapping) or spec.get("kind") not in KINDS:
            raise self.fail(where, f"needs a kind, one of {', '.join(KINDS)}.")
        if unknown := [key for key in spec if key not in SPEC_KEYS]:
            raise self.fail(
                where, f"has unknown keys {unknown}; accepted: {SPEC_KEYS}."
            )

        values = spec.get("values", [])
        needs_values = spec["kind"] in ("choice", "choices")
        if needs_values != bool(values) or not all(_is_text(v) for v in values):
            raise self.fail(where, "lists values if and only if it is a choice.")
        if not isinstance(spec.get("optional", False), bool):
            raise self.fail(
                where, "has optional set to something other than true or false."
            )
        if spec.get("of") and spec["kind"] != "code":
            raise self.fail(where, "names another vocabulary (of) but is not a code.")
        return AttributeSpec(
            name,
            spec["kind"],
            spec.get("optional", False),
            tuple(values),
            spec.get("of", ""),
        )

    def _htcds_values(self, block: Any) -> tuple[str, ...]:
        if not isinstance(block, Mapping) or set(block) != {"field", "values"}:
            raise self.fail("htcds", "must have a field and the list of its values.")
        values = block["values"]
        if not _is_text(block["field"]) or not isinstance(values, list) or not values:
            raise self.fail("htcds", "needs the field's name and its picklist values.")
        if not all(_is_text(value) for value in values):
            raise self.fail("htcds", "has a picklist value that is not text.")
        return tuple(values)

    # Codes

    def _entries(
        self, entries: Any, form: re.Pattern[str], specs: Mapping[str, AttributeSpec]
    ) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
        if not isinstance(entries, list) or not entries:
            raise self.fail("codes", "must be a non-empty list of entries.")
        codes: list[str] = []
        labels: dict[str, Any] = {}
        attributes: dict[str, Any] = {}

        for index, entry in enumerate(entries, 1):
            code = self._code(index, entry, form)
            if code in labels:
                raise self.fail(
                    f"code {code!r}", "appears twice; codes must be unique."
                )
            codes.append(code)
            labels[code] = self._labels(code, entry.get("labels"))
            attributes[code] = self._attributes(code, entry.get("attributes"), specs)
        return codes, labels, attributes

    def _code(self, index: int, entry: Any, form: re.Pattern[str]) -> str:
        if not isinstance(entry, Mapping):
            raise self.fail(f"entry {index}", "must be a mapping with code and labels.")
        code = entry.get("code")
        if not isinstance(code, str):
            raise self.fail(
                f"entry {index}",
                f"has code {code!r}, which is not text; put it in quotes "
                "(YAML reads NO, ON or YES as true or false).",
            )
        if not form.fullmatch(code):
            raise self.fail(f"code {code!r}", f"does not have the form {form.pattern}.")
        if unknown := [key for key in entry if key not in ENTRY_KEYS]:
            raise self.fail(f"code {code!r}", f"has unknown keys {unknown}.")
        return code

    def _labels(self, code: str, labels: Any) -> Mapping[str, str]:
        where = f"code {code!r}"
        if not isinstance(labels, Mapping):
            raise self.fail(where, f"needs labels in {', '.join(LANGUAGES)}.")
        for language in LANGUAGES:
            if not _is_text(labels.get(language)):
                raise self.fail(
                    where,
                    f"has no {language} label; every code needs "
                    f"{', '.join(LANGUAGES)}.",
                )
        if unknown := [key for key in labels if key not in LANGUAGES]:
            raise self.fail(
                where, f"has labels in {unknown}; the languages are {LANGUAGES}."
            )
        return MappingProxyType(
            {language: labels[language].strip() for language in LANGUAGES}
        )

    def _attributes(
        self, code: str, values: Any, specs: Mapping[str, AttributeSpec]
    ) -> Mapping[str, object]:
        where = f"code {code!r}"
        values = {} if values is None else values
        if not isinstance(values, Mapping):
            raise self.fail(where, "has attributes that are not a mapping.")
        if unknown := [key for key in values if key not in specs]:
            raise self.fail(
                where,
                f"has undeclared attributes {unknown}; "
                f"declared: {list(specs) or 'none'}.",
            )

        checked: dict[str, object] = {}
        for name, spec in specs.items():
            value = values.get(name)
            if problem := _value_problem(spec, value):
                raise self.fail(where, f"attribute {name!r} {problem}")
            checked[name] = tuple(value) if isinstance(value, list) else value
        return MappingProxyType(checked)

    def _check_own_references(
        self, codes: list[str], attributes: Mapping[str, Any], specs: Mapping[str, Any]
    ) -> None:
        own = [
            spec.name for spec in specs.values() if spec.kind == "code" and not spec.of
        ]
        for code in codes:
            for name in own:
                value = attributes[code][name]
                if value is not None and value not in attributes:
                    raise self.fail(
                        f"code {code!r}",
                        f"attribute {name!r} is {value!r}, which is not a code "
                        "of this file.",
                    )

    def _check_htcds_imports(
        self, codes: list[str], attributes: Mapping[str, Any]
    ) -> None:
        claimed: dict[str, str] = {}
        for code in codes:
            imports = attributes[code].get("htcds_import") or ()
            if imports and attributes[code]["htcds"] is None:
                raise self.fail(
                    f"code {code!r}", "imports HTCDS values but exports none."
                )
            for value in imports:
                if value in claimed:
                    raise self.fail(
                        f"code {code!r}",
                        f"imports HTCDS value {value!r}, already imported as "
                        f"{claimed[value]!r}; a value imports as one code.",
                    )
                claimed[value] = code


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _value_problem(spec: AttributeSpec, value: object) -> str | None:
    """Why ``value`` does not fit ``spec``, or None when it does."""
    if value is None:
        return None if spec.optional else "is required."

    if spec.kind == "text":
        fits = _is_text(value)
    elif spec.kind == "integer":
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif spec.kind == "choice":
        fits = value in spec.values
    elif spec.kind == "choices":
        fits = (
            isinstance(value, list)
            and all(item in spec.values for item in value)
            and len(set(value)) == len(value)
        )
    else:
        fits = isinstance(value, str)

    if fits:
        return None
    accepted = f" ({', '.join(spec.values)})" if spec.values else ""
    return f"must be {KINDS[spec.kind]}{accepted}; found {value!r}."
