"""The audit browser (auditor and rector) and the per-record History tab."""

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from audit import selectors
from audit.forms import EventFilterForm, HistoryFilterForm
from audit.models import AuthEvent

CSV_LIMIT = 100_000


def _history_filters(request):
    form = HistoryFilterForm(request.GET or None, types=selectors.tracked_types())
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            user=data["user"].strip(),
            object_type=data["object_type"],
            object_id=data["object_id"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            action=data["action"],
        )
    return form, filters


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@never_cache
@login_required
def history_browser(request):
    if not selectors.can_browse(request.user):
        raise PermissionDenied
    form, filters = _history_filters(request)
    page = _page_number(request)
    entries, has_next = selectors.audit_page(user=request.user, filters=filters, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/browser.html",
        {
            "form": form,
            "entries": entries,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "tab": "history",
        },
    )


@never_cache
@login_required
def history_export(request):
    """CSV of the filtered trail: one line per changed field (REQUIREMENTS §F columns)."""
    if not selectors.can_browse(request.user):
        raise PermissionDenied
    form, filters = _history_filters(request)

    def rows():
        yield [
            _("Login"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Action"),
            _("Time of entry"),
            _("Time of change"),
            _("Network address"),
            _("Field"),
            _("Before"),
            _("After"),
        ]
        offset, batch = 0, 500
        while offset < CSV_LIMIT:
            keys = selectors.entry_keys(filters=filters, offset=offset, limit=batch)
            if not keys:
                break
            for e in selectors.entries_for(keys):
                base = [
                    e.username,
                    e.type_label,
                    e.object_id,
                    e.object_repr,
                    e.action,
                    _iso(e.entered_at),
                    _iso(e.changed_at),
                    e.ip_address or "",
                ]
                if not e.changes:
                    yield [*base, "", "", ""]
                for change in e.changes:
                    yield [*base, change.field, change.before, change.after]
            offset += batch

    return _csv_response(rows(), "audit-history")


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


class _Echo:
    def write(self, value):
        return value


def _csv_response(rows, name: str):
    writer = csv.writer(_Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        ("\ufeff" if i == 0 else "") + writer.writerow([_safe_cell(c) for c in row])
        for i, row in enumerate(rows)
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in user-supplied values."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _event_queryset(request):
    form = EventFilterForm(request.GET or None)
    qs = AuthEvent.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            qs = qs.filter(username=data["user"].strip())
        if data["action"]:
            qs = qs.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            qs = qs.filter(
                occurred_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz)
            )
        if data["date_to"]:
            end = data["date_to"] + dt.timedelta(days=1)
            qs = qs.filter(occurred_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz))
    return form, qs.order_by("-occurred_at", "-id")


@never_cache
@login_required
def event_log(request):
    if not selectors.can_browse(request.user):
        raise PermissionDenied
    form, qs = _event_queryset(request)
    paginator = Paginator(qs, selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page_obj": page, "query": query.urlencode(), "tab": "events"},
    )


@never_cache
@login_required
def event_export(request):
    if not selectors.can_browse(request.user):
        raise PermissionDenied
    _form, qs = _event_queryset(request)

    def rows():
        yield [
            _("Time"),
            _("Action"),
            _("Login"),
            _("Network address"),
            _("User agent"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Details"),
        ]
        for e in qs[:CSV_LIMIT].iterator(chunk_size=1000):
            yield [
                _iso(e.occurred_at),
                e.get_action_display(),
                e.username,
                e.ip_address or "",
                e.user_agent,
                e.target_type,
                e.target_id,
                e.target_repr,
                e.details,
            ]

    return _csv_response(rows(), "audit-events")


@never_cache
@login_required
def object_history(request, app_label, model_name, pk):
    label = f"{app_label}.{model_name}"
    obj, entries = selectors.object_history(user=request.user, label=label, pk=str(pk))
    return render(
        request,
        "audit/object_history.html",
        {"object": obj, "entries": entries, "label": label, "object_id": pk},
    )
