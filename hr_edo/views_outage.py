"""EDO outage pages for HR (B7): declare / update / end, and the mass e-mail progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hr_edo.forms_outage import OutageDeclareForm, OutageUpdateForm
from hr_edo.models import Announcement, Delivery, Outage
from hr_edo.services import outage as service


def _require_hr(request) -> None:
    if not request.user.has_perm("hr_edo.view_outage"):
        raise PermissionDenied


@never_cache
@login_required
def outage_view(request):
    _require_hr(request)
    current = service.active_outage()
    declare_form = OutageDeclareForm(request.POST or None) if current is None else None
    if request.method == "POST" and declare_form is not None and declare_form.is_valid():
        try:
            service.outage_declare(actor=request.user, **declare_form.cleaned_data)
        except ValidationError as error:
            declare_form.add_error(None, error)
        else:
            messages.success(
                request, _("The outage is declared; all employees are being notified.")
            )
            return redirect("hr_edo:outage")
    announcements = Announcement.objects.select_related("outage").order_by("-created_at")[:20]
    return render(
        request,
        "hr_edo/outage/index.html",
        {
            "current": current,
            "declare_form": declare_form,
            "update_form": OutageUpdateForm(initial={"expected_end_at": current.expected_end_at})
            if current
            else None,
            "announcements": announcements,
        },
    )


@never_cache
@login_required
@require_POST
def outage_update_view(request, pk):
    _require_hr(request)
    outage = get_object_or_404(Outage, pk=pk)
    form = OutageUpdateForm(request.POST)
    if form.is_valid():
        try:
            service.outage_update(
                actor=request.user,
                outage=outage,
                expected_end_at=form.cleaned_data["expected_end_at"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The expected restoration time is changed."))
    else:
        messages.error(request, _("Give a valid expected restoration time."))
    return redirect("hr_edo:outage")


@never_cache
@login_required
@require_POST
def outage_end_view(request, pk):
    _require_hr(request)
    outage = get_object_or_404(Outage, pk=pk)
    try:
        service.outage_end(actor=request.user, outage=outage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("EDO is restored; all employees are being notified."))
    return redirect("hr_edo:outage")


@never_cache
@login_required
def announcement_view(request, pk):
    _require_hr(request)
    announcement = get_object_or_404(Announcement.objects.select_related("outage"), pk=pk)
    failed = (
        Delivery.objects.filter(announcement=announcement, status=Delivery.Status.FAILED)
        .select_related("recipient")
        .order_by("email")[:500]
    )
    return render(
        request,
        "hr_edo/outage/announcement.html",
        {
            "announcement": announcement,
            "progress": service.announcement_progress(announcement),
            "failed": failed,
        },
    )


@never_cache
@login_required
@require_GET
def announcement_progress_view(request, pk):
    _require_hr(request)
    announcement = get_object_or_404(Announcement, pk=pk)
    return JsonResponse(service.announcement_progress(announcement))
