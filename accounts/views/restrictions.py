"""Pages of IS-responsible persons: block accounts, forbid systems and functions (IS §6.7)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms_profile import FunctionForbidForm, ReasonForm, SystemForbidForm, UserSearchForm
from accounts.models import AccessRestriction
from accounts.selectors_profile import (
    restriction_get,
    restriction_user_get,
    restriction_user_search,
    restrictions_for_user,
)
from accounts.services.restrictions import (
    account_block,
    can_restrict,
    function_forbid,
    restriction_lift,
    system_forbid,
)
from audit.services import personal_data_view_record
from registry.selectors import system_list, systems_responsible_for

PAGE_SIZE = 25


def _require_restrictor(request) -> None:
    if not can_restrict(request.user):
        raise PermissionDenied


def _own_systems(actor):
    """The systems the actor may forbid: their own (every system in use for a superuser)."""
    if actor.is_superuser:
        return system_list(user=actor)
    return systems_responsible_for(user=actor)


@never_cache
@login_required
def restriction_search_view(request):
    _require_restrictor(request)
    form = UserSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    users = restriction_user_search(actor=request.user, query=query)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/restrictions/search.html", {"form": form, "page": page, "q": query}
    )


def _render_user(request, user, *, forms=None):
    forms = forms or {}
    actor = request.user
    restrictions = list(restrictions_for_user(actor=actor, user=user))
    context = {
        "subject": user,
        "restrictions": restrictions,
        "is_self": actor.pk == user.pk,
        "can_lift": actor.pk != user.pk,
        "block_form": forms.get("block") or ReasonForm(prefix="block"),
        "system_form": forms.get("system")
        or SystemForbidForm(prefix="system", systems=_own_systems(actor)),
        "function_form": forms.get("function") or FunctionForbidForm(prefix="function"),
        "is_blocked": any(
            r.kind == AccessRestriction.Kind.ACCOUNT and r.is_active for r in restrictions
        ),
    }
    return render(request, "accounts/restrictions/user.html", context)


@never_cache
@login_required
def restriction_user_view(request, user_id: int):
    _require_restrictor(request)
    user = restriction_user_get(actor=request.user, user_id=user_id)
    # Another person's card is personal data: the view itself is an audit event.
    personal_data_view_record(
        viewer=request.user, owner_id=user.pk, target=user, request=request, page="restrictions"
    )
    return _render_user(request, user)


def _apply(request, user, key, form, action):
    """Run one service for a valid form; re-show the card with errors otherwise."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return None
    return _render_user(request, user, forms={key: form})


@require_POST
@login_required
def account_block_view(request, user_id: int):
    _require_restrictor(request)
    user = restriction_user_get(actor=request.user, user_id=user_id)
    form = ReasonForm(request.POST, prefix="block")
    response = _apply(
        request,
        user,
        "block",
        form,
        lambda data: account_block(
            actor=request.user, user=user, reason=data["reason"], request=request
        ),
    )
    if response is not None:
        return response
    messages.success(request, _("The account is blocked and its sessions are ended."))
    return redirect("accounts:restriction-user", user_id=user.pk)


@require_POST
@login_required
def system_forbid_view(request, user_id: int):
    _require_restrictor(request)
    user = restriction_user_get(actor=request.user, user_id=user_id)
    form = SystemForbidForm(request.POST, prefix="system", systems=_own_systems(request.user))
    response = _apply(
        request,
        user,
        "system",
        form,
        lambda data: system_forbid(
            actor=request.user,
            user=user,
            system=data["system"],
            reason=data["reason"],
            request=request,
        ),
    )
    if response is not None:
        return response
    messages.success(request, _("The information system is forbidden to the user."))
    return redirect("accounts:restriction-user", user_id=user.pk)


@require_POST
@login_required
def function_forbid_view(request, user_id: int):
    _require_restrictor(request)
    user = restriction_user_get(actor=request.user, user_id=user_id)
    form = FunctionForbidForm(request.POST, prefix="function")
    response = _apply(
        request,
        user,
        "function",
        form,
        lambda data: function_forbid(
            actor=request.user,
            user=user,
            function=data["function"],
            reason=data["reason"],
            request=request,
        ),
    )
    if response is not None:
        return response
    messages.success(request, _("The function is forbidden to the user."))
    return redirect("accounts:restriction-user", user_id=user.pk)


@require_POST
@login_required
def restriction_lift_view(request, restriction_id: int):
    _require_restrictor(request)
    restriction = restriction_get(actor=request.user, restriction_id=restriction_id)
    reason = request.POST.get("reason", "")
    try:
        restriction_lift(
            actor=request.user, restriction=restriction, reason=reason, request=request
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The restriction is lifted."))
    return redirect("accounts:restriction-user", user_id=restriction.user_id)
