"""Snapshots in the Django admin: to read, never to add, change or delete."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flexwatch.stats.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "kind", "organisation", "published_at", "sha256"]
    list_filter = ["kind", "organisation"]
    readonly_fields = [
        "organisation",
        "kind",
        "title",
        "content",
        "sha256",
        "published_by",
        "published_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Only the publish action writes a snapshot, with its audit entry.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
