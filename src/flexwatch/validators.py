"""Validators shared by every app's text fields."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def plain_text(value: str) -> None:
    """Refuse control characters (NUL, bell, escapes) but keep line breaks and tabs."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            raise ValidationError(
                _(
                    "Control character U+%(code)04X at position %(position)s "
                    "is not allowed."
                )
                % {"code": ord(char), "position": position},
                code="control_character",
            )


def one_line(value: str) -> None:
    """Like ``plain_text``, and no line breaks either (names, titles)."""
    plain_text(value.replace("\n", "\x00").replace("\r", "\x00"))
