"""Linkage in the Django admin: projects, members and keys, never a secret.

Members join through ``projects.join`` (the command line), which checks the
secret against the project's fingerprint and audits the join, so the admin
adds no members and shows no secret; it may remove a member, audited.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from flexwatch.accounts.admin import AuditedAdmin
from flexwatch.linkage.models import LinkageProject, PersonKey, ProjectMember


class MemberInline(admin.TabularInline):
    model = ProjectMember
    fields = ["organisation", "joined_at"]
    readonly_fields = ["organisation", "joined_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LinkageProject)
class LinkageProjectAdmin(AuditedAdmin):
    list_display = ["slug", "name", "fingerprint", "created_at"]
    fields = ["slug", "name", "description", "fingerprint", "created_at"]
    readonly_fields = ["slug", "fingerprint", "created_at"]
    inlines = [MemberInline]

    # A project is made by its first member's join, which sets the fingerprint.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ProjectMember)
class ProjectMemberAdmin(AuditedAdmin):
    list_display = ["project", "organisation", "joined_at"]
    list_filter = ["project"]
    fields = ["project", "organisation", "joined_at"]
    readonly_fields = ["project", "organisation", "joined_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PersonKey)
class PersonKeyAdmin(admin.ModelAdmin):
    list_display = ["person", "project", "kind", "digest"]
    list_filter = ["project", "kind"]

    # Keys are made at import only; they are deleted with their person.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
