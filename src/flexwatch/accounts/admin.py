from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from flexwatch.accounts.models import (
    AuditEntry,
    Membership,
    Organisation,
    SharingGrant,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class FlexUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind", "is_synthetic"]
    list_filter = ["country", "kind"]


@admin.register(SharingGrant)
class SharingGrantAdmin(admin.ModelAdmin):
    list_display = ["grantor", "grantee", "record_kind", "created_at", "revoked_at"]

    # Grants change through the audited actions only (pages and API).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_id", "action", "object_type", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
