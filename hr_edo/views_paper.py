"""Paper fallback pages (issue 8 items 4–5): reports of inability to use EDO and paper
documents registered by HR."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hr_edo.forms_paper import PaperDocumentForm, UnavailabilityRecordForm, UnavailabilityReportForm
from hr_edo.models import HrDocument, UnavailabilityReport
from hr_edo.services import paper, unavailability
from hr_edo.services.inbox import hr_document_view_record

# --------------------------------------------------------------------------- reports (EDO 4.5)


@never_cache
@login_required
def unavailability_new_view(request):
    """The employee's own report through the site; prefilled from their record, editable."""
    form = UnavailabilityReportForm(
        request.POST or None, initial=unavailability.report_initial(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            unavailability.report_create(
                actor=request.user,
                employee=request.user,
                channel=UnavailabilityReport.Channel.SITE,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your report is registered: HR will handle your documents on paper for that "
                    "period."
                ),
            )
            return redirect("hr_edo:unavailability_new")
    mine = UnavailabilityReport.objects.filter(employee=request.user).order_by("-period_start")
    return render(request, "hr_edo/unavailability/new.html", {"form": form, "mine": mine})


@never_cache
@login_required
def unavailability_record_view(request):
    """HR records a report received by e-mail, in person or by post."""
    if not unavailability.may_record_reports(request.user):
        raise PermissionDenied
    form = UnavailabilityRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        employee = data.pop("employee")
        initial = unavailability.report_initial(employee)
        for key, value in initial.items():
            if not (data.get(key) or "").strip():
                data[key] = value
        try:
            unavailability.report_create(actor=request.user, employee=employee, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report is recorded."))
            return redirect("hr_edo:unavailability_list")
    return render(request, "hr_edo/unavailability/record.html", {"form": form})


@never_cache
@login_required
def unavailability_list_view(request):
    if not unavailability.may_view_reports(request.user):
        raise PermissionDenied
    page = Paginator(unavailability.reports_for_hr(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hr_edo/unavailability/list.html",
        {"page": page, "may_record": unavailability.may_record_reports(request.user)},
    )


# --------------------------------------------------------------------------- paper (EDO 4.1–4.3)


@never_cache
@login_required
def paper_new_view(request):
    if not paper.may_register_paper(request.user):
        raise PermissionDenied
    form = PaperDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signers = []
        if data.get("employee_signed_on"):
            signers.append(
                paper.HandSigner(signer=data["employee"], signed_on=data["employee_signed_on"])
            )
        if data.get("official") or data.get("official_name"):
            signers.append(
                paper.HandSigner(
                    signer=data.get("official"),
                    signer_name=(data.get("official_name") or "").strip(),
                    signed_on=data["official_signed_on"],
                )
            )
        try:
            hr_document = paper.paper_register(
                actor=request.user,
                type=data["type"],
                employee=data["employee"],
                number=data["number"],
                document_date=data["document_date"],
                scan_content=form.scan_content,
                signers=signers,
                delivery=data["delivery"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The paper document is registered."))
            return redirect("hr_edo:paper_detail", pk=hr_document.pk)
    return render(request, "hr_edo/paper/new.html", {"form": form})


@never_cache
@login_required
def paper_detail_view(request, pk: int):
    if not paper.may_register_paper(request.user):
        raise PermissionDenied
    hr_document = get_object_or_404(
        HrDocument.objects.select_related("type", "employee", "pdf"), pk=pk, on_paper=True
    )
    hr_document_view_record(user=request.user, hr_document=hr_document, request=request)
    from signatures.selectors import signature_sheet

    sheet = signature_sheet(hr_document.pdf) if hr_document.pdf_id else []
    return render(
        request,
        "hr_edo/paper/detail.html",
        {
            "hr_document": hr_document,
            "sheet": sheet,
            "delivery": paper.delivery_label(hr_document),
        },
    )
