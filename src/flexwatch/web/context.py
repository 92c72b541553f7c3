"""What every page's layout needs: the user's organisations and roles."""

from typing import Any

from django.http import HttpRequest

from flexwatch import __version__
from flexwatch.accounts.scoping import scope_of
from flexwatch.stats.dashboard import may_see


def layout(request: HttpRequest) -> dict[str, Any]:
    scope = scope_of(request)
    return {
        "flexwatch_version": __version__,
        "can_manage": bool(scope.organisations_where("manage_organisation")),
        "can_edit_records": bool(scope.organisations_where("edit_records")),
        "can_read_records": bool(scope.organisations_where("read_records"))
        or bool(scope.grants),
        "can_see_statistics": may_see(scope),
    }
