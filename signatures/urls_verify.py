from django.urls import path

from signatures import views_external
from signatures import views_verify as views

urlpatterns = [
    path("verify/", views.verify_view, name="verify"),
    path("verify/<str:code>/", views.verify_document_view, name="verify_document"),
    path("verify/<str:code>/report.pdf", views.verify_report_pdf_view, name="verify_report_pdf"),
    path(
        "documents/<int:pk>/attach-signature/",
        views.cms_attach_view,
        name="document_attach_signature",
    ),
    path(
        "documents/<int:pk>/sign-externally/",
        views_external.external_start_view,
        name="external_start",
    ),
    path(
        "external/<int:pk>/",
        views_external.external_complete_view,
        name="external_complete",
    ),
    path(
        "documents/<int:pk>/sign-as-university/",
        views.organisation_sign_view,
        name="document_sign_as_organisation",
    ),
]
