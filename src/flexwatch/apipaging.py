"""Paging for API lists: one query schema and one way to cut a page."""

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

# Bounded so that the offset always fits a 64-bit integer in every database.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 200


class Paging(Schema):
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)


def cut(rows: QuerySet, paging: Paging) -> tuple[list[Any], dict[str, int]]:
    """The rows of one page, and the count and paging fields of the answer."""
    start = (paging.page - 1) * paging.page_size
    page = list(rows[start : start + paging.page_size])
    counts = {
        "count": rows.count(),
        "page": paging.page,
        "page_size": paging.page_size,
    }
    return page, counts
