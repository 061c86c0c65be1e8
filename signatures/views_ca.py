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
from django.views.decorators.http import require_GET, require_POST

from signatures import ca
from signatures.forms_ca import (
    CertificateIssueForm,
    CertificateRejectForm,
    CertificateRequestForm,
    KeyCompromiseForm,
)
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
from signatures.services.ca_requests import (
    certificate_request_issue,
    certificate_request_reject,
    certificate_request_submit,
    certificate_requests_for_user,
    certificate_requests_pending,
    may_request_certificate,
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
        {
            "rows": rows,
            "can_issue": can_issue_certificates(request.user),
            "may_request": may_request_certificate(request.user),
        },
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
    return render(
        request,
        "signatures/ca/issue.html",
        {
            "form": form,
            "issued": issued,
            "pending": certificate_requests_pending(actor=request.user),
            "reject_form": CertificateRejectForm(),
        },
    )


@never_cache
@login_required
def certificate_request_view(request):
    """An employee asks for a certificate: a key made in this browser, or their own CSR."""
    if not may_request_certificate(request.user):
        raise PermissionDenied(_("Only employees with an active account request certificates."))
    form = CertificateRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_request_submit(
                user=request.user,
                csr_pem=form.cleaned_data["csr"],
                origin=form.cleaned_data["origin"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Your request was sent to the digital-infrastructure service. You will get "
                    "an e-mail when the certificate is issued."
                ),
            )
            return redirect("signatures:certificate_request")
    return render(
        request,
        "signatures/ca/request.html",
        {"form": form, "requests": certificate_requests_for_user(user=request.user)},
    )


@require_POST
@login_required
def certificate_request_issue_view(request, pk: int):
    try:
        cert_request = certificate_request_issue(actor=request.user, request_id=pk, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The certificate was issued to %(name)s.")
            % {"name": cert_request.user.get_full_name() or cert_request.user.username},
        )
    return redirect("signatures:certificate_issue")


@require_POST
@login_required
def certificate_request_reject_view(request, pk: int):
    form = CertificateRejectForm(request.POST)
    if not form.is_valid():
        if not can_issue_certificates(request.user):
            raise PermissionDenied(
                _("Only the digital-infrastructure service issues certificates.")
            )
        messages.error(request, _("Give the reason for the refusal: the employee will read it."))
        return redirect("signatures:certificate_issue")
    try:
        certificate_request_reject(
            actor=request.user, request_id=pk, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The request was refused; the employee was told why."))
    return redirect("signatures:certificate_issue")


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
