"""Added versions of provisions in the Django admin.

The admin adds a version the way ``flexwatch law add`` does: the file's text
goes through ``law.actions.add_version``, with the same checks against the
history, the same audit entry, and only for analysts and admins. A refused
file is shown as a form error naming its line, and nothing is stored. The
history itself stays read-only: no change, no removal.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from flexwatch.accounts.scoping import scope_for
from flexwatch.law.actions import AdditionRefused, add_version
from flexwatch.law.admin_forms import AddVersionForm
from flexwatch.law.model import LawDataError
from flexwatch.law.models import AddedVersion


@admin.register(AddedVersion)
class AddedVersionAdmin(admin.ModelAdmin):
    list_display = ["provision", "start", "end", "file_name", "added_by", "added_at"]
    list_filter = ["provision"]
    readonly_fields = [f.name for f in AddedVersion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The command's rule: whoever may run statistics somewhere.
        user = request.user
        if not user.is_authenticated:
            return False
        return bool(scope_for(user).organisations_where("analyse"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        sent = request.method == "POST"
        form = AddVersionForm(*((request.POST, request.FILES) if sent else ()))
        if sent and form.is_valid():
            try:
                row = add_version(request.user, *form.named_text())  # type: ignore[arg-type]
            except (LawDataError, AdditionRefused) as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(
                    request,
                    _("The version of %(provision)s from %(start)s was added.")
                    % {"provision": row.provision, "start": row.start},
                    messages.SUCCESS,
                )
                return redirect("admin:law_addedversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": _("Add a version of a provision"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/law/addedversion/add.html", context)
