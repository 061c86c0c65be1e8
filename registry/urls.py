from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.system_list_view, name="list"),
    path("<slug:code>/", views.system_detail_view, name="detail"),
]
