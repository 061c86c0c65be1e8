"""Documents, signatures of every level, the university CA's certificates and the trust list.

Levels (Law of the Kyrgyz Republic No. 128 "On electronic signature", REQUIREMENTS §C):
- simple (ЖЭК): the signer re-confirms with their password or a one-time code; the record is
  sealed with a server key (keyed MAC) so any later change to document or record shows;
- enhanced unqualified (КБЭК): a CMS/PAdES signature with a key whose certificate the
  university's CA issued;
- enhanced qualified (ККЭК): the same with a certificate that chains to an accredited centre
  marked qualified in the trust list.
The level of an enhanced signature is derived from its certificate chain, never claimed.
Handwritten signatures from paper (a scan, who and when) sit on the same signature sheet.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kstu.history import tracked


class SignatureLevel(models.TextChoices):
    HANDWRITTEN = "handwritten", _("Handwritten (from a scan)")
    SIMPLE = "simple", _("Simple electronic signature")
    ENHANCED_UNQUALIFIED = "enhanced_unqualified", _("Enhanced unqualified electronic signature")
    ENHANCED_QUALIFIED = "enhanced_qualified", _("Enhanced qualified electronic signature")


class Document(models.Model):
    """Bytes to be signed: kept in private storage with their SHA-256."""

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The record of another app that this document belongs to ("hr_edo.document:17").
    owner_ref = models.CharField(_("belongs to"), max_length=100, blank=True, db_index=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=32,
        unique=True,
        help_text=_("Printed with a QR code: leads to the document's verification page."),
    )
    # Set when this version was made from another by signing inside it (PAdES): the code
    # printed on the first version then leads to the last one.
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("made from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_versions",
    )

    history = tracked()

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class TrustAnchor(models.Model):
    """A root (or intermediate) certificate we trust: the university CA or an accredited
    certification centre. ``is_qualified`` marks accredited centres whose certificates make a
    signature enhanced *qualified*."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University certification authority")
        ACCREDITED = "accredited", _("Accredited certification centre")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True)
    is_qualified = models.BooleanField(_("qualified"), default=False)
    crl_url = models.URLField(_("CRL address"), blank=True)
    is_active = models.BooleanField(_("trusted"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust list")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IssuedCertificate(models.Model):
    """A certificate the university CA issued to an employee for a key the employee holds."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial_number = models.CharField(_("serial number"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True
    )
    revoked_at = models.DateTimeField(_("revoked from"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=50, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    history = tracked()

    class Meta:
        verbose_name = _("issued certificate")
        verbose_name_plural = _("issued certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.subject} #{self.serial_number}"


class Signature(models.Model):
    """One signature on a document, of any level; the document's signature sheet lists them
    in ``position`` order."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("Password re-entered")
        ONE_TIME_CODE = "otp", _("One-time code by e-mail")
        CMS = "cms", _("Detached CMS (CAdES) file")
        PADES = "pades", _("Signature embedded in the PDF (PAdES)")
        SCAN = "scan", _("Handwritten, registered from a scan")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures"
    )
    position = models.PositiveIntegerField(_("order on the sheet"))
    level = models.CharField(_("level"), max_length=30, choices=SignatureLevel.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    signer_name = models.CharField(
        _("signer's name"),
        max_length=255,
        blank=True,
        help_text=_("For a handwritten signature of someone without an account, or as printed."),
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    document_sha256 = models.CharField(_("document SHA-256 when signed"), max_length=64)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    seal = models.CharField(_("server seal"), max_length=128, blank=True)
    cms = models.BinaryField(_("CMS signature (DER)"), null=True, blank=True)
    certificate = models.ForeignKey(
        IssuedCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    certificate_pem = models.TextField(_("signer certificate (PEM)"), blank=True)
    scan = models.ForeignKey(
        Document,
        verbose_name=_("scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = tracked(excluded_fields=["cms"])

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="signature_position"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.signer or self.signer_name}"


class SigningCode(models.Model):
    """A one-time code e-mailed to the corporate address to confirm a simple signature."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_codes"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    history = tracked(excluded_fields=["code_hash"])

    class Meta:
        verbose_name = _("signing code")
        verbose_name_plural = _("signing codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "document"], name="signing_code_user_doc")]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.document_id}"


class CertificateRequest(models.Model):
    """An employee asks the digital-infrastructure service for a certificate (EDO 5.5) for a key
    they hold — made in their browser or with their own tool. Only the public part (a CSR)
    comes here; the service issues or refuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the digital-infrastructure service")
        ISSUED = "issued", _("Certificate issued")
        REJECTED = "rejected", _("Refused")
        WITHDRAWN = "withdrawn", _("Replaced by a newer request")

    class Origin(models.TextChoices):
        BROWSER = "browser", _("Key made in the browser")
        TOOL = "tool", _("Request made with the employee's own tool")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="certificate_requests",
    )
    csr_pem = models.TextField(_("certificate signing request (PEM)"))
    key_fingerprint = models.CharField(
        _("public key SHA-256"),
        max_length=64,
        help_text=_("SHA-256 of the public key (SubjectPublicKeyInfo) in the request."),
    )
    key_description = models.CharField(_("key"), max_length=50)
    origin = models.CharField(_("made with"), max_length=10, choices=Origin.choices)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for refusal"), blank=True)
    certificate = models.OneToOneField(
        IssuedCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
    )

    history = tracked()

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="one_pending_certificate_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()} · {self.created_at:%Y-%m-%d}"


class KeyCompromiseReport(models.Model):
    """An employee's report that a signature key was lost or compromised (EDO 3.2.3, C5)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="key_compromise_reports",
    )
    certificate = models.ForeignKey(
        IssuedCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compromise_reports",
    )
    compromised_since = models.DateTimeField(_("compromised since"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    description = models.TextField(_("what happened"), blank=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)

    history = tracked()

    class Meta:
        verbose_name = _("key compromise report")
        verbose_name_plural = _("key compromise reports")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(compromised_since__lte=models.F("reported_at")),
                name="compromise_not_in_future",
                violation_error_message=_("The compromise cannot start after the report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.reported_at:%Y-%m-%d}"


class PendingPdfSignature(models.Model):
    """An interrupted PAdES signing: the server prepared the PDF and the signed attributes; the
    signer's own device signs them; the server then embeds the signature (pyHanko)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(
        IssuedCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certificate_pem = models.TextField(blank=True)
    prepared_pdf = models.BinaryField()
    document_digest = models.CharField(max_length=128)
    md_algorithm = models.CharField(max_length=20, default="sha256")
    reserved_region_start = models.PositiveBigIntegerField()
    reserved_region_end = models.PositiveBigIntegerField()
    signed_attrs = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = tracked(excluded_fields=["prepared_pdf", "signed_attrs"])

    class Meta:
        verbose_name = _("pending PDF signature")
        verbose_name_plural = _("pending PDF signatures")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.document} — {self.signer} ({self.created_at:%Y-%m-%d %H:%M})"
