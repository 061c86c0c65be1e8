from django.urls import path

from accounts.views import passwords

urlpatterns: list = [
    path("password/change/", passwords.password_change_view, name="password_change"),
    path("password/reset/", passwords.password_reset_view, name="password_reset"),
    path("password/reset/sent/", passwords.password_reset_done_view, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        passwords.password_reset_complete_view,
        name="password_reset_complete",
    ),
    path("sessions/", passwords.sessions_view, name="sessions"),
    path("sessions/end-all/", passwords.sessions_end_all_view, name="sessions_end_all"),
]
