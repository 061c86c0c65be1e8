"""The employee's "My documents": what awaits them, the archive, and signing an order (B4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hr_edo.forms_orders import AcknowledgeForm
from hr_edo.models import HrDocument
from hr_edo.services import inbox as selectors
from hr_edo.services.orders import order_acknowledge


@never_cache
@login_required
def inbox(request):
    now = timezone.now()
    awaiting = list(selectors.inbox_awaiting(user=request.user))
    for item in awaiting:
        item.overdue = selectors.is_overdue(item, now)
    archive = Paginator(selectors.inbox_archive(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "hr_edo/inbox/list.html", {"awaiting": awaiting, "archive": archive})


def _detail(request, hr_document, form):
    from hr_edo.services.deadlines import deadline_rule_text
    from signatures.selectors import signature_sheet

    sheet = signature_sheet(hr_document.pdf) if hr_document.pdf_id else []
    return render(
        request,
        "hr_edo/inbox/detail.html",
        {
            "hr_document": hr_document,
            "sheet": sheet,
            "overdue": selectors.is_overdue(hr_document),
            "deadline_rule": deadline_rule_text(hr_document),
            "awaiting": hr_document.status == HrDocument.Status.SENT,
            "form": form,
        },
    )


@never_cache
@login_required
def inbox_detail(request, pk: int):
    hr_document = selectors.inbox_document_get(user=request.user, pk=pk)
    return _detail(request, hr_document, AcknowledgeForm())


@never_cache
@require_POST
@login_required
def inbox_acknowledge(request, pk: int):
    hr_document = selectors.inbox_document_get(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            order_acknowledge(
                employee=request.user,
                hr_document=hr_document,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("You have acquainted with the document and signed it."))
            return redirect("hr_edo:inbox")
    return _detail(request, hr_document, form)
