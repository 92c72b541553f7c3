"""The export form: format, table and clearance, with the case list's filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwatch.cases import listing
from flexwatch.cases.forms import CaseFilterForm

FORMAT_CHOICES = [
    ("csv", _("CSV (UTF-8, opens in Excel)")),
    ("xlsx", _("Excel workbook (XLSX)")),
    ("parquet", _("Parquet (for R, Python, Spark)")),
    ("htcds", _("HTCDS 2.0 CSV, one row per victim")),
]
TABLE_CHOICES = [
    ("cases", _("Cases")),
    ("persons", _("Persons")),
    ("observations", _("Indicator observations")),
]


class ExportForm(CaseFilterForm):
    """What to export; the list's filters ride along as hidden fields."""

    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    table = forms.ChoiceField(
        label=_("Table"),
        choices=TABLE_CHOICES,
        help_text=_("HTCDS always has one row per victim."),
    )
    sensitive = forms.BooleanField(
        label=_("Include sensitive fields (narratives, evidence notes)"),
        required=False,
        help_text=_(
            "Only from organisations where your role reads them. The export "
            "is then written to the audit trail."
        ),
    )

    def __init__(self, *args: Any, may_sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in listing.FILTERS:
            self.fields[name].widget = forms.HiddenInput()
        if not may_sensitive:
            del self.fields["sensitive"]
        self.order_fields(["format", "table", "sensitive"])

    def filters(self) -> dict[str, Any]:
        """The chosen filters, as ``listing.filtered`` takes them."""
        return {name: self.cleaned_data.get(name) for name in listing.FILTERS}

    def chosen_filters(self) -> list[tuple[Any, Any]]:
        """``(label, value)`` of each filter given a value, to show on the page."""
        shown = []
        for name in listing.FILTERS:
            field, value = self.fields[name], self[name].value()
            if value not in (None, ""):
                labels = dict(getattr(field, "choices", []))
                shown.append((field.label, labels.get(value, value)))
        return shown
