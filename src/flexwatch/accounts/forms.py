"""Forms for the account pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation
from flexwatch.accounts.scoping import Scope, shareable_kinds
from flexwatch.web.forms import StyledForm


def _field_choices() -> list[tuple[str, str]]:
    choices: dict[str, str] = {}
    for model in shareable_kinds().values():
        for name in model.shareable_fields():
            field = model._meta.get_field(name)
            choices[name] = str(getattr(field, "verbose_name", name))
    return sorted(choices.items())


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


class TokenForm(StyledForm, forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("For example: statistics script on the analysis server."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
