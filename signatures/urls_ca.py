from django.urls import path

from signatures import views_ca

urlpatterns = [
    path("crl.crl", views_ca.crl_view, name="crl"),
    path("ca.crt", views_ca.ca_certificate_view, name="ca_certificate"),
    path("certificates/", views_ca.certificates_view, name="certificates"),
    path("certificates/issue/", views_ca.certificate_issue_view, name="certificate_issue"),
    path("certificates/request/", views_ca.certificate_request_view, name="certificate_request"),
    path(
        "certificates/requests/<int:pk>/issue/",
        views_ca.certificate_request_issue_view,
        name="certificate_request_issue",
    ),
    path(
        "certificates/requests/<int:pk>/reject/",
        views_ca.certificate_request_reject_view,
        name="certificate_request_reject",
    ),
    path(
        "certificates/<int:pk>/download/",
        views_ca.certificate_download_view,
        name="certificate_download",
    ),
    path(
        "certificates/<int:pk>/compromise/",
        views_ca.key_compromise_view,
        name="certificate_compromise",
    ),
]
