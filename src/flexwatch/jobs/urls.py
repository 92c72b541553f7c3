from django.urls import path

from flexwatch.jobs import views

app_name = "jobs"
urlpatterns = [path("<str:task_id>/", views.job_detail, name="detail")]
