"""Joining HR EDO (App. 2) and HR's list of participants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hr_edo.forms_participation import JoinForm
from hr_edo.selectors import participants_overview, participation_get
from hr_edo.services.participation import (
    participation_context,
    participation_current,
    participation_join,
    participation_language,
    participation_register,
)


@never_cache
@login_required
def join_view(request):
    user = request.user
    current = participation_current(user)
    if request.method == "POST" and current is None:
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                participation_join(
                    actor=user,
                    language=form.cleaned_data["language"],
                    method="password",
                    secret=form.cleaned_data["password"],
                    request=request,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "Your application is signed. HR will register it; until then your "
                        "documents go on paper."
                    ),
                )
                return redirect("hr_edo:join")
        language = participation_language(user, request.POST.get("language"))
    else:
        language = participation_language(user, request.GET.get("lang"))
        form = JoinForm(initial={"language": language})
    context = participation_context(employee=user, language=language)
    context.update(
        {
            "form": form,
            "participation": current,
            "languages": JoinForm.base_fields["language"].choices,
        }
    )
    return render(request, "hr_edo/participation/join.html", context)


@login_required
@permission_required("hr_edo.view_participation", raise_exception=True)
def participants_view(request):
    signed, registered, paper_only = participants_overview()
    return render(
        request,
        "hr_edo/participation/participants.html",
        {
            "signed": signed,
            "registered": registered,
            "paper_only": paper_only,
            "may_register": request.user.has_perm("hr_edo.change_participation"),
        },
    )


@require_POST
@login_required
@permission_required("hr_edo.change_participation", raise_exception=True)
def participation_register_view(request, pk: int):
    participation = participation_get(pk)
    try:
        participation_register(actor=request.user, participation=participation, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s is registered: documents now go through EDO.")
            % {"name": participation.employee.get_full_name()},
        )
    return redirect("hr_edo:participants")
