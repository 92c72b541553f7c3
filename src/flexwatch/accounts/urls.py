from django.urls import path

from flexwatch.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke-token"),
    path("sharing/", views.grants, name="grants"),
    path("sharing/<int:grant_id>/revoke/", views.revoke_grant, name="revoke-grant"),
    path("audit/", views.audit_trail, name="audit"),
]
