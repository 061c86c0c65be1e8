"""Verification API (C4): the report of a document by its printed code, and verdicts for an
uploaded document and .p7s (nothing stored)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from signatures.serializers import (
    UploadVerificationSerializer,
    VerificationReportSerializer,
    VerifyUploadSerializer,
)
from signatures.services.documents import document_by_code
from signatures.services.reports import upload_verify
from signatures.services.verification import document_report


class VerifyThrottle(AnonRateThrottle):
    rate = "60/min"


@extend_schema(
    summary="Verification report of a document by its verification code (QR)",
    description=(
        "Anyone holding the code printed on the document sees the verdict on every signature "
        "and the signers' names; the document itself is not exposed. A code printed on a PDF "
        "that was later signed inside (PAdES) reports on the last version unless "
        "`version=this` is given; `versions` lists them all."
    ),
    tags=["signatures"],
    parameters=[
        OpenApiParameter("code", str, OpenApiParameter.PATH),
        OpenApiParameter(
            "version",
            str,
            OpenApiParameter.QUERY,
            enum=["latest", "this"],
            description="`latest` (default) or `this`: the version the code belongs to.",
        ),
    ],
    responses=VerificationReportSerializer,
)
class VerifyByCodeView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    def get(self, request, code: str):
        document = document_by_code(code, latest=request.query_params.get("version") != "this")
        return Response(VerificationReportSerializer(document_report(document)).data)


@extend_schema(
    summary="Verify an uploaded document (and detached .p7s) without storing anything",
    tags=["signatures"],
    request={"multipart/form-data": VerifyUploadSerializer},
    responses=UploadVerificationSerializer,
)
class VerifyUploadView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request):
        serializer = VerifyUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = upload_verify(
            content=serializer.validated_data["document"],
            cms_der=serializer.validated_data.get("signature"),
        )
        return Response(UploadVerificationSerializer(result).data)
