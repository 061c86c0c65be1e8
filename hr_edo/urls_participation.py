from django.urls import path

from hr_edo import views_participation as views

urlpatterns = [
    path("edo/join/", views.join_view, name="join"),
    path("edo/participants/", views.participants_view, name="participants"),
    path(
        "edo/participants/<int:pk>/register/",
        views.participation_register_view,
        name="participation_register",
    ),
]
