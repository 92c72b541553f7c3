from typing import Any

from django import forms

from flexwatch.accounts.models import Organisation
from flexwatch.sources.models import DataSource
from flexwatch.web.forms import StyledForm


class DataSourceForm(StyledForm, forms.ModelForm):
    class Meta:
        model = DataSource
        fields = [
            "owner",
            "title",
            "kind",
            "country",
            "first_year",
            "last_year",
            "records_held",
            "access_conditions",
            "notes",
        ]
        widgets = {
            "access_conditions": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, editable_owners: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organisation.objects.filter(pk__in=editable_owners)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["owner"].disabled = True
        self.style_widgets()
