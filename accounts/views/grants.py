"""Pages of access tasks and personnel orders (IS §3.5, §3.7).

- the responsible person's queue and the decision on one task;
- "my access" for every signed-in user;
- the overdue report for those who oversee the deadlines;
- HR's personnel orders (dismissal, transfer).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import selectors_grants as selectors
from accounts.forms_grants import AccessDecisionForm, PersonnelOrderForm
from accounts.services import grants as services
from accounts.services.orders import personnel_order_record
from registry.selectors import systems_responsible_for

PAGE_SIZE = 20


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("The form was not understood.")


# --------------------------------------------------------------------------- queue


@never_cache
@login_required
def access_queue(request):
    systems = list(systems_responsible_for(user=request.user).order_by("sort_order", "code"))
    if systems:
        pending = selectors.access_queue_pending(user=request.user)
        page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
        recent = selectors.access_queue_recent(user=request.user)
    else:
        page, recent = None, []
    return render(
        request,
        "accounts/grants/queue.html",
        {
            "systems": systems,
            "page": page,
            "recent": recent,
            "now": timezone.now(),
            "decision_form": AccessDecisionForm(),
        },
    )


@login_required
@require_POST
def access_task_decide(request, task_id: int):
    task = selectors.access_task_get(task_id=task_id)
    services.access_task_check_decider(actor=request.user, task=task)  # 403 before anything
    queue_url = reverse("accounts:access-queue")
    page = request.POST.get("page", "")
    if page.isdigit():
        queue_url += f"?page={page}"
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(queue_url)
    decision, data = form.cleaned_data["decision"], form.cleaned_data
    try:
        if decision == form.GRANT:
            services.access_grant_mark_granted(
                actor=request.user, task=task, granted_level=data["granted_level"]
            )
            done = _("Access of %(user)s to %(system)s is marked as opened; they are told.")
        elif decision == form.REFUSE:
            services.access_grant_refuse(actor=request.user, task=task, reason=data["reason"])
            done = _("Access of %(user)s to %(system)s is refused; they are told why.")
        elif decision == form.DONE:
            services.access_revocation_mark_done(actor=request.user, task=task)
            done = _("Access of %(user)s to %(system)s is marked as closed.")
        else:
            services.access_revocation_keep(actor=request.user, task=task, reason=data["reason"])
            done = _("Access of %(user)s to %(system)s is kept for the new position.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, done % {"user": task.user.get_full_name(), "system": task.system.name}
        )
    return redirect(queue_url)


# --------------------------------------------------------------------------- my access


@never_cache
@login_required
def my_access(request):
    return render(
        request,
        "accounts/grants/mine.html",
        {"access": selectors.my_access(user=request.user), "now": timezone.now()},
    )


# --------------------------------------------------------------------------- overdue report


@never_cache
@login_required
def access_overdue(request):
    if not selectors.can_view_overdue_report(request.user):
        raise PermissionDenied(_("The overdue report is for the rector, HR, IT and the auditor."))
    now = timezone.now()
    report = selectors.access_overdue_report(user=request.user, now=now)
    if request.GET.get("format") == "csv":
        return _overdue_csv(report=report, now=now)
    return render(request, "accounts/grants/overdue.html", {"report": report, "now": now})


def _overdue_csv(*, report, now) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="overdue-access-tasks.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic names as UTF-8
    persons = {
        row.system.pk: "; ".join(p.get_full_name() or p.username for p in row.persons)
        for row in report.by_system
    }
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Information system"),
            _("Responsible persons"),
            _("Task"),
            _("User"),
            _("Department"),
            _("Position"),
            _("Requested level"),
            _("Due"),
            _("Days overdue"),
        ]
    )
    for task in selectors.access_overdue_tasks(now=now).iterator(chunk_size=500):
        writer.writerow(
            [
                task.system.name,
                persons.get(task.system_id, ""),
                task.get_kind_display(),
                task.user.get_full_name() or task.user.username,
                str(task.user.department or ""),
                str(task.user.position or ""),
                task.get_access_level_display(),
                timezone.localtime(task.due_at).date().isoformat(),
                (now - task.due_at).days,
            ]
        )
    return response


# --------------------------------------------------------------------------- orders


@never_cache
@login_required
def order_list(request):
    if not selectors.can_view_orders(request.user):
        raise PermissionDenied(_("Personnel orders are for HR."))
    orders = selectors.personnel_order_list(user=request.user)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/grants/order_list.html",
        {"page": page, "can_record": selectors.can_record_orders(request.user)},
    )


@never_cache
@login_required
def order_create(request):
    if not selectors.can_record_orders(request.user):
        raise PermissionDenied(_("Only HR records dismissal and transfer orders."))
    query = request.GET.get("q", "").strip()[:100]
    if request.method == "POST":
        form = PersonnelOrderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = personnel_order_record(
                    actor=request.user,
                    user=data["user"],
                    kind=data["kind"],
                    number=data["number"],
                    approved_on=data["approved_on"],
                    effective_on=data["effective_on"],
                    new_department=data["new_department"],
                    new_position=data["new_position"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            except PermissionDenied as exc:
                form.add_error("user", str(exc))
            else:
                tasks = order.revocations.count()
                messages.success(
                    request,
                    _(
                        "Order №%(number)s is recorded; %(count)s revocation task(s) were sent "
                        "to the responsible persons."
                    )
                    % {"number": order.number, "count": tasks},
                )
                return redirect("accounts:orders")
    else:
        form = PersonnelOrderForm(employee_query=query)
    return render(request, "accounts/grants/order_form.html", {"form": form, "query": query})
