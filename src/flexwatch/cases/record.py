"""The case template as pydantic models: the one check of every write.

Pages, the API and importers all build a ``CaseIn`` and hand it to
``cases.actions``; nothing else decides what a valid case is. Pure: no Django,
no I/O. Each problem is raised as a ``PydanticCustomError`` whose type names
it (``unknown_code``, ``dates_out_of_order`` …) so the web layer can word it in
the user's language, while the API sends the English sentence with the path.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.vocab.fields import Code

MAX_AGE = 120
MAX_PERSONS = 500
MAX_OBSERVATIONS = 2000
MAX_EVENTS = 200
_LINE_BREAKS = {"\n", "\r", "\t"}


@dataclass(frozen=True)
class Plain:
    """Marks a text field as plain text of bounded length, without control
    characters: ``Annotated[str, Plain(100)]`` for one line, ``breaks=True``
    for free text, where line breaks and tabs are allowed."""

    max_length: int
    breaks: bool = False
    min_length: int = 0

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        bounded = core_schema.str_schema(
            min_length=self.min_length, max_length=self.max_length
        )
        return core_schema.no_info_after_validator_function(self._check, bounded)

    def _check(self, value: str) -> str:
        allowed = _LINE_BREAKS if self.breaks else set()
        for position, char in enumerate(value, start=1):
            if unicodedata.category(char) == "Cc" and char not in allowed:
                raise PydanticCustomError(
                    "control_character",
                    "Control character U+{code} at position {position} is not allowed.",
                    {"code": f"{ord(char):04X}", "position": position},
                )
        return value


def _indicator(value: str) -> str:
    try:
        return frameworks.catalogue().indicator(value).id
    except frameworks.UnknownIndicator as error:
        raise PydanticCustomError(
            "unknown_code", str(error), {"vocabulary": "indicator", "value": value}
        ) from error


Country = Annotated[str, Code("country")]
ExploitationCountry = Annotated[str, Code("exploitation_country")]
Indicator = Annotated[
    str,
    AfterValidator(_indicator),
    Field(json_schema_extra={"enum": sorted(frameworks.catalogue().ids)}),
]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2100, 12, 31))]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]
Age = Annotated[int, Field(ge=0, le=MAX_AGE)]


def not_before(earlier: str) -> Callable[[Any, date | None, ValidationInfo], Any]:
    """A field validator: the date may not be before the field ``earlier``.

    Fields are validated in the order they are declared, so ``earlier`` must
    come first; the error is then reported on the later field, by its path.
    """

    def check(cls: Any, then: date | None, info: ValidationInfo) -> date | None:
        first = info.data.get(earlier)
        if first is not None and then is not None and then < first:
            raise PydanticCustomError(
                "dates_out_of_order",
                "{later} ({later_value}) is before {earlier} ({earlier_value}).",
                {
                    "earlier": earlier,
                    "later": info.field_name,
                    "earlier_value": first.isoformat(),
                    "later_value": then.isoformat(),
                },
            )
        return then

    return check


class Part(BaseModel):
    """A part of a case. ``id`` names a stored part to keep; none makes a new one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: int | None = Field(default=None, ge=1)


class DecisionIn(Part):
    decision: Annotated[str, Code("identification_decision")]
    decided_on: Day | None = None
    authority: Annotated[str, Code("authority_kind", optional=True)] = ""


class LegalEventIn(Part):
    provision: Annotated[str, Plain(100, min_length=1)]
    stage: Annotated[str, Code("legal_stage")]
    occurred_on: Day | None = None
    outcome: Annotated[str, Code("legal_outcome")] = "pending"
    sentence_months: int | None = Field(default=None, ge=0, le=1200)
    sentence_suspended: bool = False


class AssistanceIn(Part):
    measure: Annotated[str, Code("assistance_measure")]
    started_on: Day | None = None
    ended_on: Day | None = None
    provider: Annotated[str, Code("authority_kind", optional=True)] = ""

    _ended = field_validator("ended_on")(not_before("started_on"))


class PersonIn(Part):
    role: Annotated[str, Code("person_role")]
    sex: Annotated[str, Code("sex")] = "unknown"
    age: Age | None = None
    age_min: Age | None = None
    age_max: Age | None = None
    citizenship: Annotated[str, Code("citizenship")] = "unknown"
    residence_status: Annotated[str, Code("residence_status", optional=True)] = ""
    # Write-only: a name or a personal code, turned into a keyed pseudonym on
    # save and never stored. None keeps the pseudonym the person has.
    identifier: Annotated[str, Plain(200)] | None = None
    trafficking_status: Annotated[str, Code("trafficking_status", optional=True)] = ""
    recruiter_relationship: Annotated[
        str, Code("recruiter_relationship", optional=True)
    ] = ""
    means_of_control: list[Annotated[str, Code("means_of_control")]] = Field(
        default_factory=list, max_length=50
    )
    penalised: bool | None = None
    currency: Annotated[str, Code("currency")] = "EUR"
    compensation_claimed: Money | None = None
    compensation_awarded: Money | None = None
    wages_recovered: Money | None = None
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=MAX_EVENTS)
    legal_events: list[LegalEventIn] = Field(
        default_factory=list, max_length=MAX_EVENTS
    )
    assistance: list[AssistanceIn] = Field(default_factory=list, max_length=MAX_EVENTS)

    @field_validator("age_max")
    @classmethod
    def _interval(cls, age_max: int | None, info: ValidationInfo) -> int | None:
        age_min = info.data.get("age_min")
        if age_min is not None and age_max is not None and age_min > age_max:
            raise PydanticCustomError(
                "age_interval",
                "The oldest possible age ({age_max}) is below the youngest "
                "({age_min}).",
                {"age_min": age_min, "age_max": age_max},
            )
        return age_max

    @model_validator(mode="after")
    def _ages_and_victim_parts(self) -> Self:
        self._settle_age()
        if self.role != "victim":
            victims_only = [
                name
                for name in ("decisions", "assistance", "means_of_control")
                if getattr(self, name)
            ]
            if victims_only:
                raise PydanticCustomError(
                    "victims_only",
                    "Only a victim has {fields}.",
                    {"fields": ", ".join(victims_only)},
                )
        self.means_of_control = list(dict.fromkeys(self.means_of_control))
        return self

    def _settle_age(self) -> None:
        # An exact age is an interval of one year; a source's interval stays.
        if self.age is not None:
            if {self.age_min, self.age_max} - {None, self.age}:
                raise PydanticCustomError(
                    "age_conflict",
                    "Give either an exact age ({age}) or an interval, not both.",
                    {"age": self.age},
                )
            self.age_min = self.age_max = self.age
        self.age = self.age_min if self.age_min == self.age_max else None


class ObservationIn(Part):
    indicator: Indicator
    stage: Annotated[str, Code("journey_stage")] = "destination"
    status: Annotated[str, Code("observation_status")]
    source_kind: Annotated[str, Code("source_kind", optional=True)] = ""
    evidence: Annotated[str, Plain(4000, breaks=True)] = ""


class CaseIn(BaseModel):
    """Everything a case holds, as a page, the API or an importer writes it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    country: ExploitationCountry
    region: Annotated[str, Plain(8)] = ""
    source_kind: Annotated[str, Code("source_kind")]
    # Write-only, like PersonIn.identifier: pseudonymised on save.
    source_reference: Annotated[str, Plain(200)] | None = None
    exploitation_began: Day | None = None
    exploitation_ended: Day | None = None
    identified_on: Day | None = None
    registered_on: Day | None = None
    # The year the case is counted in. Derived from the dates when there are
    # any; set directly only by a source that gives a year and no day (CTDC).
    year: int | None = Field(default=None, ge=1950, le=2100)
    sector: Annotated[str, Code("sector", optional=True)] = ""
    occupation: Annotated[str, Code("occupation", optional=True)] = ""
    exploitation_forms: list[Annotated[str, Code("exploitation_form")]] = Field(
        default_factory=list, max_length=20
    )
    recruitment_country: Annotated[str, Code("country", optional=True)] = ""
    recruitment_channel: Annotated[str, Code("recruitment_channel", optional=True)] = ""
    recruitment_fees_paid: bool | None = None
    narrative: Annotated[str, Plain(20000, breaks=True)] = ""
    legal_basis: Annotated[str, Code("legal_basis")]
    retention_until: Day | None = None
    persons: list[PersonIn] = Field(default_factory=list, max_length=MAX_PERSONS)
    observations: list[ObservationIn] = Field(
        default_factory=list, max_length=MAX_OBSERVATIONS
    )

    _ended = field_validator("exploitation_ended")(not_before("exploitation_began"))
    _identified = field_validator("identified_on")(not_before("exploitation_began"))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        self._check_region()
        self._settle_year()
        self.exploitation_forms = list(dict.fromkeys(self.exploitation_forms))
        self._check_observations_once()
        return self

    def _check_region(self) -> None:
        if not self.region:
            return
        try:
            vocab.check_region(self.country, self.region)
        except vocab.UnknownCode as error:
            raise PydanticCustomError(
                "unknown_code", str(error), {"vocabulary": "nuts", "value": self.region}
            ) from error

    def _check_observations_once(self) -> None:
        seen: set[tuple[str, str]] = set()
        for observation in self.observations:
            key = (observation.indicator, observation.stage)
            if key in seen:
                raise PydanticCustomError(
                    "duplicate_observation",
                    "{indicator} at stage {stage} is listed twice.",
                    {"indicator": key[0], "stage": key[1]},
                )
            seen.add(key)

    def _settle_year(self) -> None:
        # Registered, else identified, else began: the first date a source has.
        dates = (self.registered_on, self.identified_on, self.exploitation_began)
        first = next((day for day in dates if day is not None), None)
        if first is None:
            return
        if self.year is not None and self.year != first.year:
            raise PydanticCustomError(
                "year_conflict",
                "The year {year} is not the year of the case's dates ({dated}).",
                {"year": self.year, "dated": first.year},
            )
        self.year = first.year
