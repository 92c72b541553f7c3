"""Pydantic fields for codes of a vocabulary, shared by every schema.

``Annotated[str, Code("sex")]`` accepts the codes of a vocabulary, lists them
in the OpenAPI schema, and refuses any other value with the vocabulary's list.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from flexwatch.vocab import registry
from flexwatch.vocab.errors import UnknownCode


@dataclass(frozen=True)
class Code:
    """Marks a text field as a code of a vocabulary: ``Annotated[str, Code("sex")]``.

    The accepted codes are listed in the OpenAPI schema; an unknown one is
    refused with the vocabulary's list. ``optional`` also accepts "" (none).
    """

    vocabulary: str
    optional: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            self._check, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        codes = list(registry.vocabulary(self.vocabulary).codes)
        described["enum"] = ["", *codes] if self.optional else codes
        return described

    def _check(self, value: str) -> str:
        if self.optional and value == "":
            return value
        try:
            return registry.vocabulary(self.vocabulary).check(value)
        except UnknownCode as error:
            raise PydanticCustomError(
                "unknown_code",
                str(error),
                {"vocabulary": self.vocabulary, "value": value},
            ) from error
