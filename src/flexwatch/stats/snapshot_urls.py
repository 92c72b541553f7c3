from django.urls import path

from flexwatch.stats import snapshot_views

app_name = "snapshots"
urlpatterns = [
    path("", snapshot_views.snapshot_list, name="list"),
    path("<int:snapshot_id>/", snapshot_views.snapshot_detail, name="detail"),
]
