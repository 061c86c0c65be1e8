from django.urls import path

from accounts.views import incidents

urlpatterns: list = [
    path("incident/new/", incidents.incident_new_view, name="incident_new"),
    path("incident/reported/", incidents.incident_reported_view, name="incident_reported"),
    path("incidents/", incidents.incident_queue_view, name="incident_queue"),
    path("incidents/<int:pk>/", incidents.incident_detail_view, name="incident_detail"),
    path("incidents/<int:pk>/close/", incidents.incident_close_view, name="incident_close"),
]
