from django.urls import path

from flexwatch.law import views

app_name = "law"
urlpatterns = [
    path("", views.law_index, name="index"),
    path("compare/", views.law_compare, name="compare"),
    path("<str:provision_id>/", views.law_provision, name="provision"),
]
