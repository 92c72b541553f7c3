from django.urls import path

from flexwatch.stats import dashboard_views

app_name = "statistics"
urlpatterns = [
    path("", dashboard_views.dashboard_page, name="dashboard"),
]
