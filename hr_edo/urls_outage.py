from django.urls import path

from hr_edo import views_outage as views

urlpatterns = [
    path("outage/", views.outage_view, name="outage"),
    path("outage/<int:pk>/update/", views.outage_update_view, name="outage_update"),
    path("outage/<int:pk>/end/", views.outage_end_view, name="outage_end"),
    path("outage/announcements/<int:pk>/", views.announcement_view, name="outage_announcement"),
    path(
        "outage/announcements/<int:pk>/progress.json",
        views.announcement_progress_view,
        name="outage_announcement_progress",
    ),
]
