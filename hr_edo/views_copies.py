"""Copy requests (EDO 2.1.6), retention decisions (B5) and the export for authorities (2.1.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hr_edo.forms_copies import (
    CopyRequestForm,
    ExportForm,
    HandOverForm,
    RetentionDecisionForm,
)
from hr_edo.models import CopyRequest, HrDocument
from hr_edo.services import copies, export, retention


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --------------------------------------------------------------------------- employee


@never_cache
@login_required
def copy_request_new_view(request):
    form = CopyRequestForm(request.POST or None, employee=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = copies.copy_request_create(
                employee=request.user,
                form=form.cleaned_data["form"],
                documents=form.cleaned_data["documents"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request is registered. HR will deliver the copies by %(due)s.")
                % {"due": timezone.localtime(created.due_at).strftime("%d.%m.%Y")},
            )
            return redirect("hr_edo:copy_request_detail", pk=created.pk)
    return render(request, "hr_edo/copies/new.html", {"form": form})


@never_cache
@login_required
def copy_request_mine_view(request):
    rows = (
        CopyRequest.objects.filter(employee=request.user)
        .select_related("issued_document", "handled_by")
        .order_by("-requested_at")
    )
    return render(request, "hr_edo/copies/mine.html", {"rows": rows, "now": timezone.now()})


@never_cache
@login_required
def copy_request_detail_view(request, pk: int):
    officer = copies.is_copy_officer(request.user)
    qs = CopyRequest.objects.select_related("employee", "handled_by", "issued_document")
    if not officer:
        qs = qs.filter(employee=request.user)  # someone else's request: 404, not revealed
    item = get_object_or_404(qs, pk=pk)
    documents = item.documents.select_related("type").order_by("document_date", "pk")
    return render(
        request,
        "hr_edo/copies/detail.html",
        {
            "item": item,
            "documents": documents,
            "officer": officer,
            "overdue": copies.is_overdue(item),
            "hand_over_form": HandOverForm(),
        },
    )


# --------------------------------------------------------------------------- HR


def _require_copy_officer(user):
    if not copies.is_copy_officer(user):
        raise PermissionDenied


@never_cache
@login_required
def copy_queue_view(request):
    _require_copy_officer(request.user)
    status = request.GET.get("status", CopyRequest.Status.PENDING)
    qs = copies.copy_requests_for_queue()
    if status in CopyRequest.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"item": item, "overdue": copies.is_overdue(item, now)} for item in page]
    return render(
        request,
        "hr_edo/copies/queue.html",
        {"page": page, "rows": rows, "status": status, "statuses": CopyRequest.Status.choices},
    )


@never_cache
@login_required
@require_POST
def copy_issue_view(request, pk: int):
    _require_copy_officer(request.user)
    item = get_object_or_404(CopyRequest, pk=pk)
    try:
        copies.copy_issue_electronic(request.user, item)
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The electronic copy is issued to the employee."))
    return redirect("hr_edo:copy_request_detail", pk=pk)


@never_cache
@login_required
@require_POST
def copy_hand_over_view(request, pk: int):
    _require_copy_officer(request.user)
    item = get_object_or_404(CopyRequest, pk=pk)
    form = HandOverForm(request.POST)
    if form.is_valid():
        try:
            copies.copy_mark_handed_over(request.user, item, form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, _("The paper copy is recorded as handed over."))
    return redirect("hr_edo:copy_request_detail", pk=pk)


def _require_hr(user):
    if not export.can_export(user):
        raise PermissionDenied


@never_cache
@login_required
def retention_list_view(request):
    _require_hr(request.user)
    page = Paginator(retention.past_retention(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "hr_edo/retention/list.html",
        {"page": page, "form": RetentionDecisionForm()},
    )


@never_cache
@login_required
@require_POST
def retention_decide_view(request, pk: int):
    _require_hr(request.user)
    doc = HrDocument.objects.filter(pk=pk).first()
    if doc is None:
        raise Http404
    form = RetentionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("hr_edo:retention_list")
    try:
        if form.cleaned_data["decision"] == "keep":
            retention.retention_keep(request.user, doc, form.cleaned_data["reason"])
            messages.success(request, _("The document is kept."))
        else:
            retention.retention_mark_for_disposal(request.user, doc, form.cleaned_data["reason"])
            messages.success(request, _("The document is marked for disposal."))
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect("hr_edo:retention_list")


@never_cache
@login_required
def export_view(request):
    _require_hr(request.user)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = export.export_queryset(
            employee=data.get("employee"),
            document_type=data.get("document_type"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        if not documents.exists():
            form.add_error(None, _("No documents match these filters."))
        else:
            content = export.hr_documents_export(
                actor=request.user, documents=documents, filters=form.filters(), request=request
            )
            response = HttpResponse(content, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
    return render(request, "hr_edo/export/form.html", {"form": form})
