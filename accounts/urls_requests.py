"""Registration requests (IS §3.2–3.3), the HR visa and the account activation."""

from django.urls import path

from accounts.views import requests as views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/track/<str:token>/", views.register_track, name="register-track"),
    path("requests/", views.request_queue, name="request-queue"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:request_id>/", views.request_detail, name="request-detail"),
    path("requests/<int:request_id>/approve/", views.request_approve, name="request-approve"),
    path("requests/<int:request_id>/return/", views.request_return, name="request-return"),
    path("requests/<int:request_id>/reject/", views.request_reject, name="request-reject"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path(
        "users/<int:user_id>/activation/reissue/",
        views.activation_reissue,
        name="activation-reissue",
    ),
]
