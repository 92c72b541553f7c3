from django.urls import path

from flexwatch.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/report.csv", views.run_report, name="report"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_edit, name="profile-create"),
    path("profiles/<int:profile_id>/", views.profile_edit, name="profile-edit"),
]
