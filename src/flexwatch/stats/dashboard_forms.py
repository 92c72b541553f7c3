"""The filters of the statistics page, checked before anything is counted."""

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.stats.dashboard import PROTECTED, UNSUPPRESSED
from flexwatch.stats.dashboard_panels import BASES
from flexwatch.stats.figures import DEFAULT_FRAMEWORK, Filters
from flexwatch.web.forms import StyledForm

FIRST_YEAR, LAST_YEAR = 1950, 2100


class DashboardFilters(StyledForm, forms.Form):
    """Country, period, date basis, kind of source, sector and framework.

    The countries offered are those of the records the person may see; the
    choice of unsuppressed counts only to those who may run statistics.
    """

    country = forms.ChoiceField(label=_("Country"), required=False)
    first_year = forms.IntegerField(
        label=_("From year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    last_year = forms.IntegerField(
        label=_("To year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    date_basis = forms.ChoiceField(label=_("Date basis"), required=False)
    source_kind = forms.ChoiceField(label=_("Kind of source"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    framework = forms.ChoiceField(label=_("Indicator framework"), required=False)
    figures = forms.ChoiceField(label=_("Figures"), required=False)

    def __init__(
        self, *args: Any, countries: list[str], unsuppressed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "en"
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("All countries you may see")),
            *_countries(countries, language),
        ]
        self.fields["date_basis"].choices = list(BASES.items())  # type: ignore[attr-defined]
        self.fields["source_kind"].choices = _codes("source_kind", language)  # type: ignore[attr-defined]
        self.fields["sector"].choices = _codes("sector", language)  # type: ignore[attr-defined]
        self.fields["framework"].choices = [  # type: ignore[attr-defined]
            (found.id, found.titles.get(language))
            for found in frameworks.catalogue().frameworks
        ]
        modes = [(PROTECTED, _("Protected, as published"))]
        if unsuppressed:
            modes.append((UNSUPPRESSED, _("Unsuppressed, my organisation only")))
        self.fields["figures"].choices = modes  # type: ignore[attr-defined]
        # An untouched form shows, and an htmx change sends, the defaults.
        self.fields["framework"].initial = DEFAULT_FRAMEWORK
        self.fields["date_basis"].initial = "registration"
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None and first > last:
            self.add_error(
                "last_year",
                _("The period ends in %(last)d, before it begins in %(first)d.")
                % {"first": first, "last": last},
            )
        return cleaned

    def filters(self) -> Filters:
        """The checked filters; call only once the form is valid."""
        data = self.cleaned_data
        return Filters(
            country=data["country"] or None,
            first_year=data["first_year"],
            last_year=data["last_year"],
            date_basis=data["date_basis"] or "registration",
            source_kind=data["source_kind"] or None,
            sector=data["sector"] or None,
            framework=data["framework"] or DEFAULT_FRAMEWORK,
        )


def _countries(codes: list[str], language: str) -> list[tuple[str, str]]:
    known = vocab.vocabulary("exploitation_country")
    return [(c, known.label(c, language)) for c in sorted(codes) if c in known]


def _codes(name: str, language: str) -> list[tuple[str, str]]:
    return [("", "—"), *vocab.vocabulary(name).choices(language)]
