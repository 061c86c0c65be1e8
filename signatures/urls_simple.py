from django.urls import path

from signatures import views_simple as views

urlpatterns: list = [
    path("documents/new/", views.document_new_view, name="document_new"),
    path("documents/<int:pk>/", views.document_detail_view, name="document_detail"),
    path("documents/<int:pk>/download/", views.document_download_view, name="document_download"),
    path("documents/<int:pk>/sign/", views.document_sign_view, name="document_sign"),
    path("documents/<int:pk>/code/", views.document_send_code_view, name="document_send_code"),
]
