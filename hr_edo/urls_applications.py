from django.urls import path

from hr_edo import views_applications as views

urlpatterns = [
    path("applications/", views.hr_queue_view, name="applications_queue"),
    path("applications/new/", views.application_types_view, name="application_types"),
    path("applications/new/<slug:type_code>/", views.application_new_view, name="application_new"),
    path("applications/mine/", views.my_applications_view, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail_view, name="application_detail"),
    path("applications/<int:pk>/revise/", views.application_revise_view, name="application_revise"),
    path("applications/<int:pk>/accept/", views.application_accept_view, name="application_accept"),
    path("applications/<int:pk>/return/", views.application_return_view, name="application_return"),
]
