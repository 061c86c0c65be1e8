from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        views.object_history,
        name="object-history",
    ),
]
