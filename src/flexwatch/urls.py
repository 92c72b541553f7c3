from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from flexwatch.api import api


def _superusers_only(request: HttpRequest) -> bool:
    # The Django admin shows every organisation's rows: it is for the
    # platform's administrators, not for admins of one organisation.
    user = request.user
    return user.is_active and user.is_superuser


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.site_header = "FLEX Watch administration"

urlpatterns = [
    path("", include("flexwatch.web.urls")),
    path("accounts/", include("flexwatch.accounts.urls")),
    path("sources/", include("flexwatch.sources.urls")),
    path("cases/", include("flexwatch.cases.urls")),
    path("jobs/", include("flexwatch.jobs.urls")),
    path("law/", include("flexwatch.law.urls")),
    path("imports/", include("flexwatch.ingest.urls")),
    path("statistics/", include("flexwatch.stats.dashboard_urls")),
    path("statistics/published/", include("flexwatch.stats.snapshot_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
