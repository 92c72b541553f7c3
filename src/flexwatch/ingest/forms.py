from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation
from flexwatch.ingest import library
from flexwatch.ingest.models import ImportProfile
from flexwatch.ingest.profile import ProfileError, parse
from flexwatch.sources.models import DataSource
from flexwatch.web.forms import StyledForm

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json")


class UploadForm(StyledForm, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Import into"), queryset=Organisation.objects.none(), empty_label=None
    )
    profile = forms.ChoiceField(label=_("Profile"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX or KoboToolbox JSON."),
    )
    dry_run = forms.BooleanField(
        label=_("Validate only: check every row and store nothing"), required=False
    )
    skip_bad = forms.BooleanField(
        label=_("Store the good rows and report the bad ones"), required=False
    )

    def __init__(self, *args: Any, editable_owners: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organisation.objects.filter(pk__in=editable_owners)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        stored = ImportProfile.objects.filter(owner__in=owners).values_list(
            "name", flat=True
        )
        names = sorted({*library.shipped(), *stored})
        self.fields["profile"].choices = [(name, name) for name in names]  # type: ignore[attr-defined]
        self.style_widgets()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise ValidationError(
                _("%(name)s: the file must end in %(suffixes)s."),
                params={"name": upload.name, "suffixes": ", ".join(SUFFIXES)},
            )
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(too_large(upload.size))
        return upload


def too_large(size: int) -> str:
    limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    return str(
        _(
            "The file is %(size)s MB; the limit for uploads is %(limit)s MB. "
            "Import larger files with the flexwatch import command."
        )
        % {"size": round(size / (1024 * 1024), 1), "limit": limit}
    )


class ProfileForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ImportProfile
        fields = ["owner", "source", "name", "text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 24, "class": "font-monospace"})
        }

    def __init__(self, *args: Any, editable_owners: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organisation.objects.filter(pk__in=editable_owners)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        # Kept as typed, so the lines an error names are the user's lines.
        self.fields["text"].strip = False  # type: ignore[attr-defined]
        sources = DataSource.objects.filter(owner__in=owners)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["owner"].disabled = True
            self.fields["name"].disabled = True
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, name = cleaned.get("text"), cleaned.get("name")
        if text is None or name is None:
            return cleaned
        try:
            profile = parse(text, name)
        except ProfileError as problem:
            raise ValidationError({"text": str(problem)}) from problem
        if profile.name != name:
            raise ValidationError(
                {"text": _("The profile's name: must be %(name)s.") % {"name": name}}
            )
        return cleaned
