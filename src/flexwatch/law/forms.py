"""The filters of the legislation pages: a country, an instrument, a day."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwatch import vocab
from flexwatch.law import browse
from flexwatch.law.model import LawBook

WRONG_DAY = _("Write the day as YYYY-MM-DD, such as 2012-04-15.")
JURISDICTIONS = {"INT": _("International"), "EU": _("European Union")}


class DayForm(forms.Form):
    """The day the law is read on; today when none is given."""

    day = forms.DateField(
        label=_("In force on"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Write the day as YYYY-MM-DD, such as 2012-04-15.")
        },
    )

    def chosen_day(self) -> date:
        """The day given, or today for an unbound or empty form."""
        if not self.is_bound:
            return date.today()
        return self.cleaned_data.get("day") or date.today()


class BrowseForm(DayForm):
    """The legislation browser's filters."""

    country = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)

    def __init__(self, data: Any, book: LawBook, language: str) -> None:
        super().__init__(data)
        # The instruments offered are those of the jurisdiction asked for.
        country = data.get("country", "") if data else ""
        countries = [(c, jurisdiction(c, language)) for c in book.countries()]
        instruments = [(i, i) for i in browse.instruments(book, country)]
        self._offer("country", countries)
        self._offer("instrument", instruments)

    def _offer(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all")), *choices]


def jurisdiction(code: str, language: str) -> str:
    """A country's name, or the name of an international jurisdiction."""
    if code in JURISDICTIONS:
        return str(JURISDICTIONS[code])
    return vocab.vocabulary("country").label(code, language)
