"""Admin of the signatures app for the digital-infrastructure service.

The trust list is edited here (a certificate pasted or uploaded; fingerprint, subject and expiry
are read from it). Certificates, documents, signatures and compromise reports are read-only:
their changes belong to the services (revocation is an action that calls
``certificate_revoke``)."""

from __future__ import annotations

from cryptography import x509
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from signatures import ca
from signatures.models import (
    CertificateRequest,
    Document,
    IssuedCertificate,
    KeyCompromiseReport,
    Signature,
    TrustAnchor,
)
from signatures.services.ca import REVOCATION_REASONS, can_revoke_certificates, certificate_revoke


class TrustAnchorForm(forms.ModelForm):
    crl_url = forms.URLField(label=_("CRL address"), required=False, assume_scheme="https")
    certificate_pem = forms.CharField(
        label=_("certificate (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 70, "spellcheck": "false"}),
    )
    certificate_file = forms.FileField(
        label=_("…or the certificate file (.crt, .cer, .pem)"),
        required=False,
        help_text=_("PEM or DER. The fingerprint, subject and expiry are read from it."),
    )

    class Meta:
        model = TrustAnchor
        fields = [
            "name",
            "kind",
            "certificate_pem",
            "is_qualified",
            "crl_url",
            "is_active",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("certificate_file")
        raw = upload.read(256 * 1024) if upload is not None else cleaned.get("certificate_pem")
        if not raw:
            raise ValidationError(_("Paste the certificate or choose its file."))
        try:
            cert = ca.load_certificate(raw)
        except ca.CAError as exc:
            raise ValidationError(str(exc)) from exc
        try:
            constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            constraints = None
        if constraints is None or not constraints.ca:
            raise ValidationError(
                _("This is not a certification authority's certificate (no CA:TRUE).")
            )
        fingerprint = ca.fingerprint_sha256(cert)
        duplicate = TrustAnchor.objects.filter(fingerprint_sha256=fingerprint)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(_("This certificate is already in the trust list."))
        if cleaned.get("kind") == TrustAnchor.Kind.UNIVERSITY and cleaned.get("is_qualified"):
            self.add_error(
                "is_qualified",
                _(
                    "The university CA issues unqualified certificates; only accredited centres "
                    "can be qualified."
                ),
            )
        cleaned["certificate_pem"] = ca.cert_to_pem(cert)
        self.instance.fingerprint_sha256 = fingerprint
        self.instance.subject = ca.subject_string(cert.subject)
        self.instance.not_after = cert.not_valid_after_utc
        return cleaned


@admin.register(TrustAnchor)
class TrustAnchorAdmin(SimpleHistoryAdmin):
    form = TrustAnchorForm
    list_display = ["name", "kind", "is_qualified", "is_active", "not_after", "subject"]
    list_filter = ["kind", "is_qualified", "is_active"]
    search_fields = ["name", "subject", "fingerprint_sha256"]
    readonly_fields = ["fingerprint_sha256", "subject", "not_after"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_qualified", "is_active", "crl_url", "notes"]}),
        (
            _("Certificate"),
            {
                "fields": [
                    "certificate_pem",
                    "certificate_file",
                    "fingerprint_sha256",
                    "subject",
                    "not_after",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # switch "trusted" off instead: old signatures still name the anchor


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Revocation reason"), choices=REVOCATION_REASONS)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedCertificate)
class IssuedCertificateAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "user",
        "serial_number",
        "status",
        "not_before",
        "not_after",
        "revoked_at",
    ]
    list_filter = ["status", "revocation_reason"]
    search_fields = [
        "serial_number",
        "fingerprint_sha256",
        "subject",
        "user__username",
        "user__last_name",
    ]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "serial_number",
        "subject",
        "fingerprint_sha256",
        "not_before",
        "not_after",
        "status",
        "revoked_at",
        "revocation_reason",
        "issued_by",
        "issued_at",
        "certificate_pem",
    ]
    actions = ["revoke_selected"]

    def has_revoke_permission(self, request):
        return can_revoke_certificates(request.user)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        """An intermediate page asks for the reason; the service revokes each certificate."""
        queryset = queryset.select_related("user")
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for certificate in queryset:
                try:
                    certificate_revoke(
                        actor=request.user,
                        certificate=certificate,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as exc:
                    self.message_user(
                        request, f"{certificate}: {' '.join(exc.messages)}", messages.WARNING
                    )
                except PermissionDenied as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
                else:
                    done += 1
            self.message_user(
                request,
                _("Certificates revoked: %(count)d. The revocation list was updated.")
                % {"count": done},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "signatures/ca/admin_revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke certificates"),
                "opts": self.model._meta,
                "form": form,
                "certificates": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests are issued or refused on the CA page, through the services."""

    list_display = ["user", "created_at", "key_description", "origin", "status", "handled_by"]
    list_filter = ["status", "origin"]
    list_select_related = ["user", "handled_by"]
    search_fields = ["user__username", "user__last_name", "key_fingerprint"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "user",
        "created_at",
        "key_description",
        "key_fingerprint",
        "origin",
        "csr_pem",
        "status",
        "handled_by",
        "handled_at",
        "reject_reason",
        "certificate",
    ]


@admin.register(KeyCompromiseReport)
class KeyCompromiseReportAdmin(ReadOnlyAdmin):
    list_display = ["user", "certificate", "compromised_since", "reported_at", "ip_address"]
    list_select_related = ["user", "certificate"]
    search_fields = ["user__username", "user__last_name", "certificate__serial_number"]
    date_hierarchy = "reported_at"
    readonly_fields = [
        "user",
        "certificate",
        "compromised_since",
        "reported_at",
        "description",
        "ip_address",
    ]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "content_type", "size", "created_by", "created_at", "owner_ref"]
    list_select_related = ["created_by"]
    search_fields = ["title", "sha256", "owner_ref", "verification_code"]
    date_hierarchy = "created_at"
    # The file itself is not linked: documents are served only by the permission-checked view.
    readonly_fields = [
        "title",
        "content_type",
        "size",
        "sha256",
        "created_by",
        "created_at",
        "owner_ref",
        "verification_code",
    ]
    exclude = ["file"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["document", "position", "level", "method", "signer", "signer_name", "signed_at"]
    list_filter = ["level", "method"]
    list_select_related = ["document", "signer"]
    search_fields = ["document__title", "signer__username", "signer__last_name", "signer_name"]
    date_hierarchy = "signed_at"
    readonly_fields = [
        "document",
        "position",
        "level",
        "method",
        "signer",
        "signer_name",
        "signed_at",
        "document_sha256",
        "ip_address",
        "user_agent",
        "seal",
        "certificate",
        "certificate_pem",
        "scan",
        "registered_by",
    ]
    exclude = ["cms"]
