"""Employees' applications (App. 1 #1–7): form, PDF preview, sign and submit; HR's queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hr_edo.forms_applications import PARTICIPATION_CODE, ReturnForm, SignForm, form_class_for
from hr_edo.models import DocumentType, HrDocument
from hr_edo.selectors import (
    application_get_for_user,
    applications_hr_queue,
    applications_of_employee,
)
from hr_edo.services.applications import (
    APPLICATION_CODES,
    application_accept,
    application_preview_pdf,
    application_return,
    application_submit,
    application_type_get,
    paper_only_message,
)
from hr_edo.services.common import excluded_check, is_participant


@login_required
def application_types_view(request):
    types = DocumentType.objects.filter(
        code__in=[*APPLICATION_CODES, PARTICIPATION_CODE], is_active=True
    ).order_by("number")
    return render(
        request,
        "hr_edo/applications/types.html",
        {
            "types": types,
            "is_participant": is_participant(request.user),
            "paper_only_message": paper_only_message(),
        },
    )


def _form_page(request, document_type: DocumentType, previous: HrDocument | None = None):
    form_class = form_class_for(document_type.code)
    participant = is_participant(request.user)
    if request.method == "POST":
        form = form_class(request.POST)
        sign_form = SignForm(request.POST)
        action = request.POST.get("action", "preview")
        if form.is_valid() and sign_form.is_valid():
            if action == "preview":
                content = application_preview_pdf(
                    actor=request.user, document_type=document_type, data=form.to_data()
                )
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = 'inline; filename="preview.pdf"'
                response["Cache-Control"] = "no-store"
                return response
            password = sign_form.cleaned_data["password"]
            if not password:
                sign_form.add_error("password", _("Enter your password to sign."))
            else:
                try:
                    document = application_submit(
                        actor=request.user,
                        document_type=document_type,
                        data=form.to_data(),
                        method="password",
                        secret=password,
                        previous_version=previous,
                        request=request,
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Your application is signed and sent to HR."))
                    return redirect("hr_edo:application_detail", pk=document.pk)
    else:
        initial = form_class.initial_from(previous.data) if previous is not None else None
        form = form_class(initial=initial)
        sign_form = SignForm()
    return render(
        request,
        "hr_edo/applications/form.html",
        {
            "document_type": document_type,
            "form": form,
            "sign_form": sign_form,
            "previous": previous,
            "is_participant": participant,
            "paper_only_message": paper_only_message(),
        },
    )


@never_cache
@login_required
def application_new_view(request, type_code: str):
    if type_code == PARTICIPATION_CODE:
        return redirect("hr_edo:join")
    try:
        excluded_check(type_code)
    except ValidationError as error:
        return render(
            request, "hr_edo/applications/refused.html", {"errors": error.messages}, status=400
        )
    try:
        document_type = application_type_get(type_code)
    except ValidationError:
        raise Http404 from None
    if type_code not in APPLICATION_CODES:
        raise Http404
    return _form_page(request, document_type)


@never_cache
@login_required
def application_revise_view(request, pk: int):
    previous = application_get_for_user(user=request.user, pk=pk)
    if previous.employee_id != request.user.pk:
        raise Http404
    if previous.status != HrDocument.Status.RETURNED or previous.newer_versions.exists():
        messages.error(request, _("Only a returned application can be corrected."))
        return redirect("hr_edo:application_detail", pk=previous.pk)
    return _form_page(request, previous.type, previous=previous)


@login_required
def my_applications_view(request):
    return render(
        request,
        "hr_edo/applications/mine.html",
        {
            "documents": applications_of_employee(request.user),
            "is_participant": is_participant(request.user),
            "paper_only_message": paper_only_message(),
        },
    )


@login_required
def application_detail_view(request, pk: int):
    document = application_get_for_user(user=request.user, pk=pk)
    is_hr = request.user.has_perm("hr_edo.change_hrdocument")
    return render(
        request,
        "hr_edo/applications/detail.html",
        {
            "document": document,
            "is_owner": document.employee_id == request.user.pk,
            "may_decide": is_hr and document.status == HrDocument.Status.SUBMITTED,
            "may_revise": document.employee_id == request.user.pk
            and document.status == HrDocument.Status.RETURNED
            and not document.newer_versions.exists(),
            "return_form": ReturnForm(),
        },
    )


@login_required
@permission_required("hr_edo.view_hrdocument", raise_exception=True)
def hr_queue_view(request):
    return render(
        request,
        "hr_edo/applications/queue.html",
        {"documents": applications_hr_queue()},
    )


@require_POST
@login_required
@permission_required("hr_edo.change_hrdocument", raise_exception=True)
def application_accept_view(request, pk: int):
    document = application_get_for_user(user=request.user, pk=pk)
    try:
        application_accept(actor=request.user, hr_document=document)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("hr_edo:application_detail", pk=pk)
    messages.success(request, _("The application is accepted."))
    return redirect("hr_edo:applications_queue")


@require_POST
@login_required
@permission_required("hr_edo.change_hrdocument", raise_exception=True)
def application_return_view(request, pk: int):
    document = application_get_for_user(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            application_return(
                actor=request.user, hr_document=document, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("hr_edo:application_detail", pk=pk)
        messages.success(request, _("The application is returned to the employee."))
        return redirect("hr_edo:applications_queue")
    return render(
        request,
        "hr_edo/applications/detail.html",
        {"document": document, "may_decide": True, "return_form": form},
        status=400,
    )
