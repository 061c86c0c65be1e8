from django.urls import path

from signatures.api import VerifyByCodeView, VerifyUploadView

urlpatterns = [
    path("signatures/verify/", VerifyUploadView.as_view(), name="api-signatures-verify"),
    path(
        "signatures/verify/<str:code>/",
        VerifyByCodeView.as_view(),
        name="api-signatures-verify-code",
    ),
]
