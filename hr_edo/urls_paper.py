from django.urls import path

from hr_edo import views_paper as views

urlpatterns = [
    path("edo/unavailable/", views.unavailability_list_view, name="unavailability_list"),
    path("edo/unavailable/new/", views.unavailability_new_view, name="unavailability_new"),
    path("edo/unavailable/record/", views.unavailability_record_view, name="unavailability_record"),
    path("paper/new/", views.paper_new_view, name="paper_new"),
    path("paper/<int:pk>/", views.paper_detail_view, name="paper_detail"),
]
