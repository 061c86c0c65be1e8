from django.urls import path

from accounts.views import restrictions as views

urlpatterns: list = [
    path("restrictions/", views.restriction_search_view, name="restrictions"),
    path(
        "restrictions/users/<int:user_id>/",
        views.restriction_user_view,
        name="restriction-user",
    ),
    path(
        "restrictions/users/<int:user_id>/block/",
        views.account_block_view,
        name="restriction-block",
    ),
    path(
        "restrictions/users/<int:user_id>/forbid-system/",
        views.system_forbid_view,
        name="restriction-forbid-system",
    ),
    path(
        "restrictions/users/<int:user_id>/forbid-function/",
        views.function_forbid_view,
        name="restriction-forbid-function",
    ),
    path(
        "restrictions/<int:restriction_id>/lift/",
        views.restriction_lift_view,
        name="restriction-lift",
    ),
]
