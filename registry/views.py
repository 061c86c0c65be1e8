"""Pages of the register: every signed-in member of the university may read it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from registry import selectors
from registry.forms import SystemFilterForm

PAGE_SIZE = 20


@login_required
def system_list_view(request):
    form = SystemFilterForm(request.GET or None)
    systems = selectors.system_list(user=request.user, filters=form.filters())
    page = Paginator(systems, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/system_list.html", {"form": form, "page": page})


@login_required
def system_detail_view(request, code):
    system = selectors.system_get(user=request.user, code_or_pk=code)
    return render(
        request,
        "registry/system_detail.html",
        {
            "system": system,
            "responsible_persons": system.responsible_persons,
            "report_sections": system.active_report_sections,
            "can_manage": selectors.can_manage_register(request.user),
        },
    )
