"""The admin's form for a new version of a provision: a file or its text."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# The name a pasted text is known by in messages and the audit trail.
PASTED = "pasted in the admin"
LARGEST = 1_000_000


class AddVersionForm(forms.Form):
    """One version file, uploaded or pasted; exactly one of the two."""

    upload = forms.FileField(label=_("Version file (YAML)"), required=False)
    text = forms.CharField(
        label=_("Or the file's text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 90}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("upload"), data.get("text")
        if bool(upload) == bool(text):
            raise forms.ValidationError(
                _("Give the version either as a file or as text, not both.")
                if upload
                else _("Give the version as a file or paste its text.")
            )
        if upload:
            data["text"] = self._read(upload)
        return data

    def _read(self, upload: UploadedFile) -> str:
        if (upload.size or 0) > LARGEST:
            raise forms.ValidationError(
                _("%(name)s is larger than %(largest)s bytes; a version file is small.")
                % {"name": upload.name, "largest": LARGEST}
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as problem:
            raise forms.ValidationError(
                _("%(name)s is not UTF-8 text (byte %(at)s).")
                % {"name": upload.name, "at": problem.start}
            ) from problem

    def named_text(self) -> tuple[str, str]:
        """The name messages give the file, and its text."""
        upload = self.cleaned_data.get("upload")
        return (upload.name if upload else PASTED), self.cleaned_data["text"]
