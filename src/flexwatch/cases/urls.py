from django.urls import path

from flexwatch.cases import export_views, part_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export/", export_views.export_start, name="export"),
    path("export/<str:task_id>/", export_views.export_job, name="export-job"),
    path("export/<str:task_id>/file/", export_views.export_file, name="export-file"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/edit/", views.case_edit, name="edit"),
    path("<int:case_id>/delete/", views.case_delete, name="delete"),
    path("<int:case_id>/checklist/", part_views.case_checklist, name="checklist"),
    path("<int:case_id>/screening/", part_views.case_screening, name="screening"),
    path("<int:case_id>/persons/new/", part_views.person_edit, name="person-create"),
    path(
        "<int:case_id>/persons/<int:person_id>/",
        part_views.person_edit,
        name="person-edit",
    ),
    path(
        "<int:case_id>/persons/<int:person_id>/delete/",
        part_views.person_delete,
        name="person-delete",
    ),
]
