"""Show a stored code by its label in the reader's language."""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from flexwatch import vocab
from flexwatch.cases import screening
from flexwatch.cases.forms import language

register = template.Library()

# The weight an indicator carries in its framework (ILO-EC Delphi 2009).
STRENGTHS = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}


@register.filter
def label(code: Any, name: str) -> str:
    """``{{ case.sector|label:"sector" }}``; a list of codes gives a list of labels."""
    if code in (None, ""):
        return ""
    if isinstance(code, list | tuple):
        return ", ".join(label(one, name) for one in code)
    if name == "continuum":
        return dict(screening.levels(language())).get(code, str(code))
    chosen = vocab.vocabulary(name)
    return chosen.label(code, language()) if code in chosen else str(code)


@register.filter
def strength(code: str | None) -> str:
    """An indicator's strength (``strong``, ``medium``, ``weak``) in words."""
    return str(STRENGTHS.get(code or "", code or ""))
