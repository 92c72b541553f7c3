"""Added versions of provisions in the Django admin: history to read only.

Versions are added through ``flexwatch law add``, which checks them against
the history and audits them; the admin neither adds, changes nor removes
them, so the history cannot be rewritten from here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flexwatch.law.models import AddedVersion


@admin.register(AddedVersion)
class AddedVersionAdmin(admin.ModelAdmin):
    list_display = ["provision", "start", "end", "file_name", "added_by", "added_at"]
    list_filter = ["provision"]
    readonly_fields = [f.name for f in AddedVersion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
