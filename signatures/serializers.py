"""Serializers of the signatures API: verification reports (C4)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CertificateSerializer(serializers.Serializer):
    subject = serializers.CharField()
    issuer = serializers.CharField()
    common_name = serializers.CharField()
    organization = serializers.CharField()
    email = serializers.CharField()
    subject_serial = serializers.CharField()
    uid = serializers.CharField()
    serial_number = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    fingerprint_sha256 = serializers.CharField()


class TrustAnchorRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    is_qualified = serializers.BooleanField()


class RevocationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["good", "revoked", "unknown", "not_published", "not_applicable"]
    )
    revoked_at = serializers.DateTimeField(allow_null=True, required=False)
    source = serializers.CharField(required=False)


class VerdictSerializer(serializers.Serializer):
    """One signature's verdict (ETSI EN 319 102-1 indication and sub-indication)."""

    position = serializers.IntegerField(allow_null=True)
    method = serializers.CharField()
    indication = serializers.ChoiceField(choices=["TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"])
    indication_label = serializers.CharField()
    sub_indication = serializers.CharField(allow_blank=True)
    sub_indication_label = serializers.CharField(allow_blank=True)
    level = serializers.CharField(allow_blank=True, help_text=_("Derived from the chain."))
    level_label = serializers.CharField()
    claimed_level = serializers.CharField(allow_blank=True)
    signer_name = serializers.CharField(allow_blank=True)
    signer = serializers.DictField()
    certificate = CertificateSerializer(allow_null=True)
    chain = CertificateSerializer(many=True)
    trust_anchor = TrustAnchorRefSerializer(allow_null=True)
    signing_time = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)
    revocation = RevocationSerializer()
    revocation_label = serializers.CharField()
    document_unchanged = serializers.BooleanField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())

    def to_representation(self, instance):
        return instance.as_dict() if hasattr(instance, "as_dict") else instance


class DocumentInfoSerializer(serializers.Serializer):
    title = serializers.CharField()
    verification_code = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    created_at = serializers.DateTimeField()
    unchanged = serializers.BooleanField()


class DocumentVersionSerializer(serializers.Serializer):
    verification_code = serializers.CharField()
    verification_url = serializers.CharField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    signature_count = serializers.IntegerField()
    is_this = serializers.BooleanField()
    is_latest = serializers.BooleanField()


class VerificationReportSerializer(serializers.Serializer):
    document = DocumentInfoSerializer()
    versions = DocumentVersionSerializer(
        many=True,
        help_text=(
            "The versions of the document, first to last: a version made by signing inside "
            "a PDF (PAdES) keeps the content and the printed code of the first."
        ),
    )
    verified_at = serializers.DateTimeField()
    indication = serializers.CharField()
    indication_label = serializers.CharField()
    verification_url = serializers.CharField()
    signatures = VerdictSerializer(many=True)


class MatchingDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    verification_code = serializers.CharField()


class UploadVerificationSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    signatures = VerdictSerializer(many=True)
    matching_documents = MatchingDocumentSerializer(many=True)

    def to_representation(self, instance):
        return {
            "sha256": instance["sha256"],
            "signatures": [verdict.as_dict() for verdict in instance["signatures"]],
            "matching_documents": [
                {"title": title, "verification_code": code}
                for title, code in instance["matching_documents"]
            ],
        }


class VerifyUploadSerializer(serializers.Serializer):
    document = serializers.FileField(help_text=_("The signed file exactly as received."))
    signature = serializers.FileField(
        required=False, help_text=_("Detached CMS (.p7s); omit for a PDF with PAdES inside.")
    )

    def validate_document(self, upload):
        if upload.size > settings.SIGNATURE_MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The document is too large."))
        return upload.read()

    def validate_signature(self, upload):
        if upload is None:
            return None
        if upload.size > 1024 * 1024:
            raise serializers.ValidationError(_("The file is too large."))
        return upload.read()
