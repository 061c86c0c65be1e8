from django.urls import include, path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("", include("accounts.urls_requests")),
    path("", include("accounts.urls_grants")),
    path("", include("accounts.urls_agreement")),
    path("", include("accounts.urls_profile")),
    path("", include("accounts.urls_restrictions")),
    path("", include("accounts.urls_lockout")),
    path("", include("accounts.urls_passwords")),
    path("", include("accounts.urls_incidents")),
]
