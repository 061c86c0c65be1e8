from django.urls import path

from registry.api import SystemDetailView, SystemListView

urlpatterns = [
    path("systems/", SystemListView.as_view(), name="api-systems"),
    path("systems/<slug:code>/", SystemDetailView.as_view(), name="api-system"),
]
