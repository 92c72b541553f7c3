"""Template helpers for showing a record field by field, masked where needed."""

from typing import Any

from django import template

from flexwatch.accounts.scoping import Access

register = template.Library()


@register.filter
def shows(access: Access | None, name: str) -> bool:
    return access is not None and access.shows(name)


@register.simple_tag
def field_value(record: Any, name: str) -> Any:
    """The display value of a field: the choice label where there is one."""
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    return "" if value is None else value
