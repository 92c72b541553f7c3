"""Forms for the account pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation
from flexwatch.accounts.scoping import Scope, shareable_kinds
from flexwatch.web.forms import StyledForm


def _field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The shareable fields grouped by kind of record, as ``kind:field`` values.

    Two kinds may have a field of the same name (both have a country), so a
    value names its kind, and a field is listed under the kind it belongs to.
    """
    groups = []
    for kind, model in sorted(shareable_kinds().items()):
        fields = []
        for name in model.shareable_fields():
            field = model._meta.get_field(name)
            label = getattr(field, "verbose_name", None) or field.name.replace("_", " ")
            fields.append((f"{kind}:{name}", str(label)))
        groups.append((str(model._meta.verbose_name_plural), sorted(fields)))
    return groups


class GrantForm(StyledForm, forms.Form):
    grantor = forms.ModelChoiceField(
        label=_("Organisation sharing"), queryset=Organisation.objects.none()
    )
    grantee = forms.ModelChoiceField(
        label=_("Organisation receiving read access"),
        queryset=Organisation.objects.all(),
    )
    record_kind = forms.ChoiceField(label=_("Kind of record"))
    shared_fields = forms.MultipleChoiceField(
        label=_("Fields shared"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave all unticked to share every field that is not sensitive. "
            "Sensitive fields are never shared."
        ),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managed = scope.organisations_where("manage_organisation")
        self.fields["grantor"].queryset = Organisation.objects.filter(pk__in=managed)  # type: ignore[attr-defined]
        self.fields["record_kind"].choices = [  # type: ignore[attr-defined]
            (kind, str(model._meta.verbose_name_plural))
            for kind, model in sorted(shareable_kinds().items())
        ]
        self.fields["shared_fields"].choices = _field_choices()  # type: ignore[attr-defined]
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        """Turn the ticked ``kind:field`` values into the chosen kind's fields."""
        cleaned = super().clean() or {}
        kind = cleaned.get("record_kind")
        ticked = [value.split(":", 1) for value in cleaned.get("shared_fields", [])]
        if kind and any(owner != kind for owner, _name in ticked):
            self.add_error(
                "shared_fields",
                _("Tick only fields of the kind of record being shared."),
            )
        cleaned["shared_fields"] = [name for _owner, name in ticked]
        return cleaned


class TokenForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("For example: statistics script on the analysis server."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
