"""Words for the law's codes in templates: ``{{ part.group|group_name }}``."""

from django import template

from flexwatch.law import labels

register = template.Library()


@register.filter
def group_name(code: str) -> str:
    """An element group (act, means, purpose) in the reader's language."""
    return str(labels.GROUPS.get(code, code))


@register.filter
def verdict(code: str) -> str:
    """A comparison cell (covers, lacks, adds, uncertain) in words."""
    return str(labels.VERDICTS.get(code, code))


@register.filter
def checked(code: str) -> str:
    """The status of a fact (confirmed, partial, recall) in words."""
    return str(labels.STATUSES.get(code, code))
