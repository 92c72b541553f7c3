"""The Django admin, for platform administrators; every change is audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from flexwatch.accounts import audit
from flexwatch.accounts.models import (
    AuditEntry,
    Membership,
    Organisation,
    SharingGrant,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Writes each change made in the admin to the audit trail as well."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record_request(request, "admin_added", obj=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record_request(request, "admin_changed", obj=obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            audit.record_request(request, "admin_deleted", obj=obj)
        return super().log_deletions(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class FlexUserAdmin(AuditedAdmin, UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "country", "kind", "is_synthetic"]
    list_filter = ["country", "kind"]


@admin.register(SharingGrant)
class SharingGrantAdmin(AuditedAdmin):
    list_display = ["grantor", "grantee", "record_kind", "created_at", "revoked_at"]

    # Grants change through the audited actions only (pages and API).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_id", "action", "object_type", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
