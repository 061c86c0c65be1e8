"""Pages of the university CA: the employee's certificates, issuing (digital-infrastructure
service), key-compromise reports, and the public CRL and CA certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from signatures import ca
from signatures.forms_ca import CertificateIssueForm, KeyCompromiseForm
from signatures.models import IssuedCertificate
from signatures.services.ca import (
    ca_certificate_der,
    can_issue_certificates,
    certificate_get_for_holder,
    certificate_get_for_viewer,
    certificate_issue,
    certificates_for_user,
    crl_der,
    key_compromise_report,
)


def _ca_unavailable() -> HttpResponse:
    return HttpResponse(
        _("The university CA is not set up yet."), status=503, content_type="text/plain"
    )


@require_GET
def crl_view(request):
    """Public: relying parties fetch it without an account (the URL is in every certificate)."""
    try:
        body = crl_der()
    except ca.CAError:
        return _ca_unavailable()
    response = HttpResponse(body, content_type="application/pkix-crl")
    response["Content-Disposition"] = 'inline; filename="kstu-ca.crl"'
    response["Cache-Control"] = "public, max-age=600"
    return response


@require_GET
def ca_certificate_view(request):
    try:
        body = ca_certificate_der()
    except ca.CAError:
        return _ca_unavailable()
    response = HttpResponse(body, content_type="application/pkix-cert")
    response["Content-Disposition"] = 'attachment; filename="kstu-ca.crt"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@login_required
def certificates_view(request):
    now = timezone.now()
    rows = [
        {
            "certificate": certificate,
            "is_current": certificate.status == IssuedCertificate.Status.VALID
            and certificate.not_before <= now < certificate.not_after,
            "expired": certificate.not_after <= now,
        }
        for certificate in certificates_for_user(user=request.user)
    ]
    return render(
        request,
        "signatures/ca/certificates.html",
        {"rows": rows, "can_issue": can_issue_certificates(request.user)},
    )


@never_cache
@login_required
def certificate_download_view(request, pk: int):
    certificate = certificate_get_for_viewer(user=request.user, certificate_id=pk)
    response = HttpResponse(certificate.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = (
        f'attachment; filename="kstu-{certificate.serial_number[:16]}.crt"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def certificate_issue_view(request):
    if not can_issue_certificates(request.user):
        raise PermissionDenied(_("Only the digital-infrastructure service issues certificates."))
    issued = None
    if request.method == "POST":
        form = CertificateIssueForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                issued = certificate_issue(
                    actor=request.user,
                    user=form.cleaned_data["login"],
                    csr_pem=form.cleaned_data["csr"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("The certificate was issued to %(name)s.")
                    % {"name": issued.user.get_full_name() or issued.user.username},
                )
                form = CertificateIssueForm()
    else:
        form = CertificateIssueForm()
    return render(request, "signatures/ca/issue.html", {"form": form, "issued": issued})


@never_cache
@login_required
def key_compromise_view(request, pk: int):
    certificate = certificate_get_for_holder(user=request.user, certificate_id=pk)
    if request.method == "POST":
        form = KeyCompromiseForm(request.POST)
        if form.is_valid():
            try:
                key_compromise_report(
                    user=request.user,
                    certificate=certificate,
                    compromised_since=form.cleaned_data["compromised_since"],
                    description=form.cleaned_data["description"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your report was recorded: the certificate is revoked from the time you "
                        "gave and the digital-infrastructure service was notified."
                    ),
                )
                return redirect("signatures:certificates")
    else:
        form = KeyCompromiseForm()
    return render(
        request, "signatures/ca/compromise.html", {"form": form, "certificate": certificate}
    )
