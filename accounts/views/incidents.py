"""Unauthorized-access reports and their queue (A12)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms_passwords import IncidentCloseForm, IncidentReportForm
from accounts.models import AccessIncident
from accounts.services.incidents import (
    can_handle_incidents,
    incident_close,
    incident_get_for_handler,
    incident_report,
    incidents_for_handler,
)


@never_cache
@login_required
def incident_new_view(request):
    if request.method == "POST":
        form = IncidentReportForm(request.POST)
        if form.is_valid():
            try:
                incident_report(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                logout(request)
                return redirect("accounts:incident_reported")
    else:
        form = IncidentReportForm()
    return render(request, "accounts/incidents/new.html", {"form": form})


def incident_reported_view(request):
    """Shown after the report; the person is signed out by then."""
    return render(request, "accounts/incidents/reported.html")


def _require_handler(request) -> None:
    if not can_handle_incidents(request.user):
        raise PermissionDenied(_("Only an IS-responsible person handles access incidents."))


@never_cache
@login_required
def incident_queue_view(request):
    _require_handler(request)
    status = request.GET.get("status") or AccessIncident.Status.OPEN
    page = incidents_for_handler(user=request.user, status=status, page=request.GET.get("page"))
    return render(
        request,
        "accounts/incidents/queue.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": AccessIncident.Status.choices,
        },
    )


@never_cache
@login_required
def incident_detail_view(request, pk: int):
    _require_handler(request)
    incident = incident_get_for_handler(user=request.user, incident_id=pk)
    return render(
        request,
        "accounts/incidents/detail.html",
        {
            "incident": incident,
            "form": IncidentCloseForm(),
            "can_close": incident.status == AccessIncident.Status.OPEN
            and incident.user_id != request.user.pk,
        },
    )


@never_cache
@require_POST
@login_required
def incident_close_view(request, pk: int):
    _require_handler(request)
    incident = incident_get_for_handler(user=request.user, incident_id=pk)
    form = IncidentCloseForm(request.POST)
    if form.is_valid():
        try:
            incident_close(
                actor=request.user,
                incident=incident,
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The incident is closed; the reporter was told."))
            return redirect("accounts:incident_queue")
    return render(
        request,
        "accounts/incidents/detail.html",
        {"incident": incident, "form": form, "can_close": True},
        status=400,
    )
