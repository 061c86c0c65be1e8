"""Pages of the registration request (IS §3.2–3.3), the HR visa queue and the activation.

The application form and the tracking page are public (the applicant has no account yet);
the form is rate-limited per network address and the tracking page opens only with the
secret link. The queue and the visa belong to HR; the services check the rights again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors_requests as selectors
from accounts.forms_requests import (
    ActivationPasswordForm,
    QueueFilterForm,
    RegistrationRequestForm,
    VisaCommentForm,
)
from accounts.models import RegistrationRequest, User
from accounts.services import requests as services
from audit.services import personal_data_view_record
from kstu.net import client_ip

PAGE_SIZE = 20
# Public submissions (new or corrected) per network address per hour. A whole campus may sit
# behind one address, so the number is a setting.
RATE_LIMIT_DEFAULT = 5
RATE_LIMIT_WINDOW = 60 * 60


def _no_robots(response):
    """Pages reached by a secret link: not indexed, not cached, the link not passed on.

    "same-origin", not "no-referrer": under "no-referrer" browsers send ``Origin: null`` with
    the page's own form posts (activation, correction of a returned request) and Django's CSRF
    check refuses them. "same-origin" still gives other sites no referrer at all.
    """
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


# --------------------------------------------------------------------------- rate limit


def _rate_key(request) -> str:
    return f"accounts:register:rate:{client_ip(request) or 'unknown'}"


def _rate_limited(request) -> bool:
    limit = getattr(settings, "REGISTRATION_RATE_LIMIT", RATE_LIMIT_DEFAULT)
    return (cache.get(_rate_key(request)) or 0) >= limit


def _rate_count(request) -> None:
    key = _rate_key(request)
    # add() starts the window only for the first submission; incr() keeps its expiry.
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, RATE_LIMIT_WINDOW)


def _too_many(request):
    response = render(request, "accounts/requests/rate_limited.html", status=429)
    response["Retry-After"] = str(RATE_LIMIT_WINDOW)
    return response


def _form_context(form, **extra) -> dict:
    return {"form": form, "rector": selectors.rector_get(), **extra}


# --------------------------------------------------------------------------- public pages


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """The application to the rector, filed by the employee themself."""
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        form = RegistrationRequestForm(request.POST)
        if form.is_valid():
            try:
                request_obj = services.registration_request_submit(
                    content=form.content(), ip=client_ip(request)
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                _rate_count(request)
                messages.success(
                    request,
                    _(
                        "Your application has been sent. Keep the address of this page to "
                        "follow it."
                    ),
                )
                return redirect("accounts:register-track", token=request_obj.tracking_token)
    else:
        form = RegistrationRequestForm()
    return render(
        request,
        "accounts/requests/form.html",
        _form_context(form, mode="public", action=reverse("accounts:register")),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_track(request, token):
    """The applicant's view of their request; a returned one can be corrected here."""
    request_obj = selectors.registration_request_get_by_token(token=token)
    returned = request_obj.status == RegistrationRequest.Status.RETURNED
    form = None
    status = 200
    if returned:
        if request.method == "POST":
            if _rate_limited(request):
                return _no_robots(_too_many(request))
            form = RegistrationRequestForm(request.POST)
            if form.is_valid():
                try:
                    services.registration_request_resubmit(
                        request_obj=request_obj, content=form.content(), ip=client_ip(request)
                    )
                except ValidationError as error:
                    form.add_service_errors(error)
                else:
                    _rate_count(request)
                    messages.success(request, _("Your corrected application has been sent."))
                    return redirect("accounts:register-track", token=token)
        else:
            form = RegistrationRequestForm(
                initial=RegistrationRequestForm.initial_from(request_obj)
            )
    elif request.method == "POST":
        messages.error(request, _("This request can no longer be changed."))
        status = 409
    response = render(
        request,
        "accounts/requests/track.html",
        _form_context(form, request_obj=request_obj, action=request.path),
        status=status,
    )
    return _no_robots(response)


# --------------------------------------------------------------------------- HR pages


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """HR files the application on the employee's behalf."""
    if not selectors.can_file_requests(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = RegistrationRequestForm(request.POST)
        if form.is_valid():
            try:
                request_obj = services.registration_request_file(
                    actor=request.user, content=form.content(), ip=client_ip(request)
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("The application has been filed; the employee was sent its tracking link."),
                )
                return redirect("accounts:request-detail", request_id=request_obj.pk)
    else:
        form = RegistrationRequestForm()
    return render(
        request,
        "accounts/requests/form.html",
        _form_context(form, mode="hr", action=reverse("accounts:request-new")),
    )


@never_cache
@login_required
def request_queue(request):
    filter_form = QueueFilterForm(request.GET or None)
    requests = selectors.registration_request_list(user=request.user, filters=filter_form.filters())
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/requests/queue.html",
        {
            "filter_form": filter_form,
            "page": page,
            "can_file": selectors.can_file_requests(request.user),
        },
    )


@never_cache
@login_required
def request_detail(request, request_id):
    request_obj = selectors.registration_request_get(user=request.user, request_id=request_id)
    # The seven items are the applicant's personal data: opening them is an audit event.
    personal_data_view_record(
        viewer=request.user,
        owner_id=None,
        target=request_obj,
        request=request,
        page="registration request",
    )
    can_visa = (
        selectors.can_put_visa(request.user)
        and request_obj.status == RegistrationRequest.Status.SUBMITTED
    )
    return render(
        request,
        "accounts/requests/detail.html",
        {
            "request_obj": request_obj,
            "grants": selectors.registration_request_grants(request_obj=request_obj),
            "can_visa": can_visa,
            "comment_form": VisaCommentForm(),
            "can_reissue": (
                request_obj.account is not None
                and not request_obj.account.is_active
                and services.can_reissue_activation(request.user)
            ),
        },
    )


def _visa(request, request_id, action: str):
    request_obj = selectors.registration_request_get(user=request.user, request_id=request_id)
    try:
        if action == "approve":
            user = services.registration_request_approve(
                actor=request.user, request_obj=request_obj
            )
            messages.success(
                request,
                _(
                    "Approved. The account %(login)s was created, the responsible persons "
                    "were given their tasks and the activation link was sent."
                )
                % {"login": user.username},
            )
        else:
            form = VisaCommentForm(request.POST)
            if not form.is_valid():
                for error in form.errors["comment"]:
                    messages.error(request, error)
                return redirect("accounts:request-detail", request_id=request_id)
            service = {
                "return": services.registration_request_return,
                "reject": services.registration_request_reject,
            }[action]
            service(
                actor=request.user, request_obj=request_obj, comment=form.cleaned_data["comment"]
            )
            messages.success(
                request,
                _("Returned to the applicant for correction.")
                if action == "return"
                else _("The request was rejected."),
            )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("accounts:request-detail", request_id=request_id)


@login_required
@require_POST
def request_approve(request, request_id):
    return _visa(request, request_id, "approve")


@login_required
@require_POST
def request_return(request, request_id):
    return _visa(request, request_id, "return")


@login_required
@require_POST
def request_reject(request, request_id):
    return _visa(request, request_id, "reject")


@login_required
@require_POST
def activation_reissue(request, user_id):
    """A new activation link (IS-responsible person or HR head); the service checks who."""
    if not services.can_reissue_activation(request.user):
        raise PermissionDenied
    user = get_object_or_404(User, pk=user_id)
    try:
        services.account_activation_reissue(actor=request.user, user=user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("A new activation link was sent to %(email)s.") % {"email": user.personal_email},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("dashboard")
    return redirect(target)


# --------------------------------------------------------------------------- activation


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, token):
    """Set the first password with the single-use link from the personal e-mail (A9)."""
    try:
        activation = services.account_activation_check(token=token)
    except services.ActivationUnavailable as unavailable:
        status = 404 if unavailable.reason == "unknown" else 410
        response = render(
            request,
            "accounts/requests/activation_invalid.html",
            {"reason": unavailable.reason},
            status=status,
        )
        return _no_robots(response)
    user = activation.user
    if request.method == "POST":
        form = ActivationPasswordForm(user, request.POST)
        if form.is_valid():
            try:
                user = services.account_activation_complete(token=token, set_password_form=form)
            except services.ActivationUnavailable as unavailable:
                response = render(
                    request,
                    "accounts/requests/activation_invalid.html",
                    {"reason": unavailable.reason},
                    status=410,
                )
                return _no_robots(response)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your account is active. Your login is %(login)s.") % {"login": user.username},
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
    else:
        form = ActivationPasswordForm(user)
    response = render(
        request,
        "accounts/requests/activate.html",
        {"form": form, "account": user, "activation": activation},
    )
    return _no_robots(response)
