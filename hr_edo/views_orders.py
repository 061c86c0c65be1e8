"""HR's order pages: list, draft, edit, submit, the university's signature (App. 1 #8–13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hr_edo.forms_orders import OrderForm, initial_from_application, initial_from_order
from hr_edo.models import DocumentType, HrDocument
from hr_edo.services import orders as services
from hr_edo.services.inbox import hr_document_view_record, is_overdue


def _require(check, user) -> None:
    if not check(user):
        raise PermissionDenied


def _order_for_staff(pk: int) -> HrDocument:
    hr_document = (
        HrDocument.objects.select_related(
            "type", "employee", "employee__position", "employee__department", "pdf", "based_on"
        )
        .filter(pk=pk, type__kind=DocumentType.Kind.ORDER)
        .first()
    )
    if hr_document is None:
        raise Http404
    return hr_document


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@never_cache
@login_required
def order_list(request):
    _require(services.may_view_orders, request.user)
    queryset = (
        HrDocument.objects.filter(type__kind=DocumentType.Kind.ORDER)
        .select_related("type", "employee")
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in HrDocument.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "hr_edo/orders/list.html",
        {
            "page": page,
            "status": status,
            "statuses": HrDocument.Status.choices,
            "may_draft": services.may_draft_orders(request.user),
        },
    )


def _save_draft(request, form, hr_document=None):
    try:
        saved = services.order_draft(
            actor=request.user,
            type=form.cleaned_data["type"],
            employee=form.cleaned_data["employee"],
            number=form.cleaned_data["number"],
            document_date=form.cleaned_data["document_date"],
            data=form.contents(),
            based_on=form.cleaned_data.get("based_on"),
            hr_document=hr_document,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if saved.on_paper:
        messages.warning(
            request,
            _(
                "%(name)s is not a registered EDO participant: the order is kept on paper and "
                "is not sent through EDO. Print it and hand it over."
            )
            % {"name": saved.employee.get_full_name()},
        )
    else:
        messages.success(request, _("The draft order is saved and its PDF generated."))
    return saved


@never_cache
@login_required
def order_new(request):
    _require(services.may_draft_orders, request.user)
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            saved = _save_draft(request, form)
            if saved is not None:
                return redirect("hr_edo:order_detail", pk=saved.pk)
    else:
        initial = {}
        based_on = request.GET.get("based_on", "")
        if based_on.isdigit():
            application = (
                HrDocument.objects.select_related("type")
                .filter(
                    pk=int(based_on),
                    status=HrDocument.Status.ACCEPTED,
                    type__kind=DocumentType.Kind.APPLICATION,
                )
                .first()
            )
            if application is not None:
                initial = initial_from_application(application)
        form = OrderForm(initial=initial)
    return render(request, "hr_edo/orders/form.html", {"form": form, "hr_document": None})


@never_cache
@login_required
def order_edit(request, pk: int):
    _require(services.may_draft_orders, request.user)
    hr_document = _order_for_staff(pk)
    if request.method == "POST":
        form = OrderForm(request.POST)
        if form.is_valid():
            saved = _save_draft(request, form, hr_document=hr_document)
            if saved is not None:
                return redirect("hr_edo:order_detail", pk=saved.pk)
    else:
        form = OrderForm(initial=initial_from_order(hr_document))
    return render(request, "hr_edo/orders/form.html", {"form": form, "hr_document": hr_document})


@never_cache
@login_required
def order_detail(request, pk: int):
    from hr_edo.services.deadlines import deadline_rule_text
    from signatures.selectors import signature_sheet
    from signatures.services.enhanced import may_sign_as_organisation

    _require(services.may_view_orders, request.user)
    hr_document = _order_for_staff(pk)
    hr_document_view_record(user=request.user, hr_document=hr_document, request=request)
    sheet = signature_sheet(hr_document.pdf) if hr_document.pdf_id else []
    return render(
        request,
        "hr_edo/orders/detail.html",
        {
            "hr_document": hr_document,
            "sheet": sheet,
            "overdue": is_overdue(hr_document),
            "deadline_rule": deadline_rule_text(hr_document),
            "may_draft": services.may_draft_orders(request.user),
            "may_sign": may_sign_as_organisation(request.user),
        },
    )


@require_POST
@login_required
def order_submit(request, pk: int):
    _require(services.may_draft_orders, request.user)
    hr_document = _order_for_staff(pk)
    try:
        services.order_submit_for_signature(actor=request.user, hr_document=hr_document)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The order is waiting for the university's signature."))
    return redirect("hr_edo:order_detail", pk=pk)


@require_POST
@login_required
def order_sign(request, pk: int):
    from signatures.services.enhanced import may_sign_as_organisation

    _require(may_sign_as_organisation, request.user)
    hr_document = _order_for_staff(pk)
    try:
        services.order_sign_as_university(
            actor=request.user, hr_document=hr_document, request=request
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("The order is signed on behalf of the university and sent to the employee.")
        )
    return redirect("hr_edo:order_detail", pk=pk)


@require_POST
@login_required
def order_new_version(request, pk: int):
    _require(services.may_draft_orders, request.user)
    hr_document = _order_for_staff(pk)
    try:
        new = services.order_new_version(actor=request.user, hr_document=hr_document)
    except ValidationError as error:
        _errors(request, error)
        return redirect("hr_edo:order_detail", pk=pk)
    messages.success(request, _("A new version of the order is drafted."))
    return redirect("hr_edo:order_edit", pk=new.pk)
