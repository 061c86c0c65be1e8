from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.history_browser, name="browser"),
    path("export.csv", views.history_export, name="export"),
    path("events/", views.event_log, name="events"),
    path("events/export.csv", views.event_export, name="events-export"),
    path(
        "history/<str:app_label>/<str:model_name>/<str:pk>/",
        views.object_history,
        name="object-history",
    ),
]
