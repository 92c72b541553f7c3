"""Show a stored code by its label in the reader's language."""

from typing import Any

from django import template

from flexwatch import vocab
from flexwatch.cases.forms import language

register = template.Library()


@register.filter
def label(code: Any, name: str) -> str:
    """``{{ case.sector|label:"sector" }}``; a list of codes gives a list of labels."""
    if code in (None, ""):
        return ""
    if isinstance(code, list | tuple):
        return ", ".join(label(one, name) for one in code)
    chosen = vocab.vocabulary(name)
    return chosen.label(code, language()) if code in chosen else str(code)
