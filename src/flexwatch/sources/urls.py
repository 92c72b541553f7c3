from django.urls import path

from flexwatch.sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_create, name="create"),
    path("<int:source_id>/", views.source_detail, name="detail"),
    path("<int:source_id>/edit/", views.source_edit, name="edit"),
]
