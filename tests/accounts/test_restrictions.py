"""Blocks by IS-responsible persons (IS §6.7, A14): always with a reason, always audited."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts import roles
from accounts.models import AccessRestriction
from accounts.services.restrictions import (
    account_block,
    account_unblock,
    function_forbid,
    restriction_lift,
    system_forbid,
)
from audit.models import AuthEvent
from registry.models import RESPONSIBLE_PERMISSION, InformationSystem

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"
Kind = AccessRestriction.Kind


@pytest.fixture
def systems():
    own, other = InformationSystem.objects.filter(is_active=True).order_by("pk")[:2]
    return own, other


@pytest.fixture
def responsible(make_user, systems):
    """Айгүл, IS-responsible person of the first system of the register."""
    person = make_user(
        "resp_aigul", roles=[roles.IS_RESPONSIBLE], first_name="Айгүл", last_name="Асанова"
    )
    assign_perm(RESPONSIBLE_PERMISSION, person, systems[0])
    return person


@pytest.fixture
def employee(make_user):
    """Нурлан, an employee whose account is about to be restricted."""
    return make_user("nurlan", first_name="Нурлан", last_name="Осмонов")


@pytest.fixture
def teacher(make_user):
    return make_user("teacher_bakyt", roles=[roles.TEACHER])


@pytest.fixture
def hr_officer(make_user):
    return make_user("hr_jyldyz", roles=[roles.HR_OFFICER], is_staff=True)


def _login(browser: Client, username: str) -> bool:
    """``Client.login`` with a request, as the lockout backend (django-axes) needs one."""
    request = RequestFactory().post(reverse("login"), REMOTE_ADDR="10.9.8.7")
    return browser.login(request=request, username=username, password=PASSWORD)


def _signed_in(user) -> Client:
    browser = Client()
    assert _login(browser, user.username)
    return browser


def _user_url(user, action=""):
    base = f"/accounts/restrictions/users/{user.pk}/"
    return base + (f"{action}/" if action else "")


# --------------------------------------------------------------------------- pages & rights


def test_is_responsible_person_finds_a_user_by_login_or_name(client, responsible, employee):
    client.force_login(responsible)
    response = client.get("/accounts/restrictions/", {"q": "осмон"})
    assert response.status_code == 200
    assert _user_url(employee) in response.content.decode()
    response = client.get("/accounts/restrictions/", {"q": "nurl"})
    assert _user_url(employee) in response.content.decode()


def test_is_responsible_person_opens_a_users_card_and_the_view_is_audited(
    client, responsible, employee
):
    client.force_login(responsible)
    response = client.get(_user_url(employee))
    assert response.status_code == 200
    assert 'data-testid="block"' in response.content.decode()
    event = AuthEvent.objects.get(action=AuthEvent.Action.PERSONAL_DATA_VIEW)
    assert event.user_id == responsible.pk
    assert event.target_id == str(employee.pk)


@pytest.mark.parametrize("persona", ["teacher", "hr_officer", "employee"])
def test_other_roles_are_forbidden_the_restriction_pages(
    client, request, persona, responsible, systems
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get("/accounts/restrictions/").status_code == 403
    assert client.get(_user_url(responsible)).status_code == 403
    response = client.post(_user_url(responsible, "block"), {"block-reason": "spite"})
    assert response.status_code == 403
    for action, data in [
        ("forbid-system", {"system-system": systems[0].pk, "system-reason": "spite"}),
        ("forbid-function", {"function-function": "export", "function-reason": "spite"}),
    ]:
        assert client.post(_user_url(responsible, action), data).status_code == 403
    responsible.refresh_from_db()
    assert responsible.is_active
    assert not AccessRestriction.objects.exists()
    restriction = function_forbid(actor=responsible, user=user, function="export", reason="act")
    lift_url = f"/accounts/restrictions/{restriction.pk}/lift/"
    assert client.post(lift_url, {"reason": "mine now"}).status_code == 403
    restriction.refresh_from_db()
    assert restriction.is_active


def test_anonymous_visitor_is_sent_to_login(client, employee):
    assert client.get("/accounts/restrictions/").url.startswith(reverse("login"))


def test_other_roles_are_refused_by_the_services_too(teacher, employee, systems):
    with pytest.raises(PermissionDenied):
        account_block(actor=teacher, user=employee, reason="no")
    with pytest.raises(PermissionDenied):
        function_forbid(actor=teacher, user=employee, function="export", reason="no")


def test_search_page_has_a_query_budget(
    client, responsible, make_user, django_assert_max_num_queries
):
    for n in range(30):
        person = make_user(f"blocked{n}")
        AccessRestriction.objects.create(
            user=person, kind=Kind.FUNCTION, function="export", reason="act", created_by=responsible
        )
    client.force_login(responsible)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/restrictions/")
    assert response.content.decode().count("/accounts/restrictions/users/") >= 25


# --------------------------------------------------------------------------- account block


def test_is_responsible_blocks_an_account_with_reason_and_its_sessions_end(
    client, responsible, employee
):
    employee_browser = _signed_in(employee)
    assert employee_browser.get(reverse("dashboard")).status_code == 200

    client.force_login(responsible)
    response = client.post(
        _user_url(employee, "block"), {"block-reason": "Act No. 12: password passed on"}
    )
    assert response.status_code == 302

    employee.refresh_from_db()
    assert not employee.is_active
    restriction = AccessRestriction.objects.get(user=employee)
    assert restriction.kind == Kind.ACCOUNT
    assert restriction.reason == "Act No. 12: password passed on"
    assert restriction.created_by == responsible
    assert restriction.history.count() == 1
    event = AuthEvent.objects.get(action=AuthEvent.Action.ACCOUNT_BLOCK)
    assert event.user_id == employee.pk
    assert event.details["by"] == "resp_aigul"
    assert event.details["reason"] == "Act No. 12: password passed on"

    # The open session is gone: the next request of the blocked person goes to the login page.
    assert employee_browser.get(reverse("dashboard")).url.startswith(reverse("login"))
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(employee.pk) for s in Session.objects.all()
    )
    assert _login(Client(), "nurlan") is False


def test_blocked_users_login_form_shows_only_the_generic_error(client, responsible, employee):
    """What the login page says today (ModelBackend): nothing about the block — see the
    login-security work for the message that sends the person to the IS-responsible."""
    account_block(actor=responsible, user=employee, reason="act")
    response = client.post(reverse("login"), {"username": "nurlan", "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert b"form-errors" in response.content


def test_block_without_reason_is_refused(client, responsible, employee):
    client.force_login(responsible)
    response = client.post(_user_url(employee, "block"), {"block-reason": "  "})
    assert response.status_code == 200
    assert b"field-error" in response.content
    employee.refresh_from_db()
    assert employee.is_active
    with pytest.raises(ValidationError):
        account_block(actor=responsible, user=employee, reason="   ")


def test_a_blocked_account_is_not_blocked_twice(responsible, employee):
    account_block(actor=responsible, user=employee, reason="act 1")
    with pytest.raises(ValidationError):
        account_block(actor=responsible, user=employee, reason="act 2")


def test_is_responsible_unblocks_with_a_reason_and_the_person_signs_in_again(
    client, responsible, employee
):
    restriction = account_block(actor=responsible, user=employee, reason="act")
    client.force_login(responsible)
    response = client.post(
        f"/accounts/restrictions/{restriction.pk}/lift/", {"reason": "Explanatory note received"}
    )
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by == responsible
    assert restriction.lift_reason == "Explanatory note received"
    employee.refresh_from_db()
    assert employee.is_active
    event = AuthEvent.objects.get(action=AuthEvent.Action.ACCOUNT_UNBLOCK)
    assert event.details == {
        "by": "resp_aigul",
        "kind": "account",
        "reason": "Explanatory note received",
        "restriction_id": restriction.pk,
        "still_blocked": False,
    }
    assert _login(Client(), "nurlan") is True


def test_unblock_without_reason_is_refused(client, responsible, employee):
    restriction = account_block(actor=responsible, user=employee, reason="act")
    client.force_login(responsible)
    client.post(f"/accounts/restrictions/{restriction.pk}/lift/", {"reason": ""})
    restriction.refresh_from_db()
    assert restriction.is_active
    employee.refresh_from_db()
    assert not employee.is_active


def test_account_stays_inactive_while_another_block_remains(responsible, employee, make_user):
    first = account_block(actor=responsible, user=employee, reason="act 1")
    AccessRestriction.objects.create(
        user=employee, kind=Kind.ACCOUNT, reason="act 2", created_by=make_user("other_resp")
    )
    account_unblock(actor=responsible, restriction=first, reason="note")
    employee.refresh_from_db()
    assert not employee.is_active


def test_actor_cannot_restrict_themselves(client, responsible):
    with pytest.raises(PermissionDenied):
        account_block(actor=responsible, user=responsible, reason="test")
    client.force_login(responsible)
    assert client.post(_user_url(responsible, "block"), {"block-reason": "x"}).status_code == 403
    html = client.get(_user_url(responsible)).content.decode()
    assert 'data-testid="block"' not in html


def test_is_responsible_cannot_restrict_a_superuser(responsible, make_user):
    root = make_user("root", is_superuser=True)
    with pytest.raises(PermissionDenied):
        account_block(actor=responsible, user=root, reason="coup")


# --------------------------------------------------------------------------- systems, functions


def test_system_forbid_only_for_the_actors_own_systems(client, responsible, employee, systems):
    own, other = systems
    restriction = system_forbid(actor=responsible, user=employee, system=own, reason="act 3")
    assert restriction.kind == Kind.SYSTEM
    event = AuthEvent.objects.get(
        action=AuthEvent.Action.PERMISSION_CHANGE, target_type="accounts.accessrestriction"
    )
    assert event.details["system"] == own.code and event.details["change"] == "forbid"

    with pytest.raises(PermissionDenied):
        system_forbid(actor=responsible, user=employee, system=other, reason="act 4")
    client.force_login(responsible)
    response = client.post(
        _user_url(employee, "forbid-system"),
        {"system-system": other.pk, "system-reason": "act 4"},
    )
    assert response.status_code == 200  # the other system is not among the choices
    assert not AccessRestriction.objects.filter(system=other).exists()


def test_system_forbid_through_the_page(client, responsible, employee, systems):
    own, _other = systems
    client.force_login(responsible)
    response = client.post(
        _user_url(employee, "forbid-system"), {"system-system": own.pk, "system-reason": "act 5"}
    )
    assert response.status_code == 302
    assert AccessRestriction.objects.get(user=employee, kind=Kind.SYSTEM).system == own


def test_lifting_a_system_restriction_needs_responsibility_for_that_system(
    responsible, employee, systems, make_user
):
    restriction = system_forbid(actor=responsible, user=employee, system=systems[0], reason="act")
    stranger = make_user("resp_other", roles=[roles.IS_RESPONSIBLE])
    with pytest.raises(PermissionDenied):
        restriction_lift(actor=stranger, restriction=restriction, reason="why not")
    restriction_lift(actor=responsible, restriction=restriction, reason="resolved")
    restriction.refresh_from_db()
    assert not restriction.is_active


def test_function_forbid_and_lift_with_reasons_are_audited(client, responsible, employee):
    client.force_login(responsible)
    response = client.post(
        _user_url(employee, "forbid-function"),
        {"function-function": "report export", "function-reason": "Act No. 9"},
    )
    assert response.status_code == 302
    restriction = AccessRestriction.objects.get(user=employee, kind=Kind.FUNCTION)
    assert restriction.function == "report export"

    client.post(f"/accounts/restrictions/{restriction.pk}/lift/", {"reason": "Order No. 3"})
    restriction.refresh_from_db()
    assert restriction.lift_reason == "Order No. 3"
    assert restriction.history.count() == 2  # set, then lifted: both with their reasons
    changes = list(
        AuthEvent.objects.filter(
            action=AuthEvent.Action.PERMISSION_CHANGE, target_type="accounts.accessrestriction"
        )
        .order_by("id")
        .values_list("details", flat=True)
    )
    assert [(c["change"], c["function"], c["reason"]) for c in changes] == [
        ("forbid", "report export", "Act No. 9"),
        ("lift", "report export", "Order No. 3"),
    ]


def test_restriction_is_visible_on_the_users_own_profile(responsible, employee):
    function_forbid(actor=responsible, user=employee, function="grade editing", reason="Act 4")
    browser = _signed_in(employee)
    html = browser.get(reverse("accounts:profile")).content.decode()
    assert "grade editing" in html
    assert "Act 4" in html
    assert "Асанова Айгүл" in html


def test_a_lifted_restriction_is_not_lifted_twice(responsible, employee):
    restriction = function_forbid(actor=responsible, user=employee, function="f", reason="a")
    restriction_lift(actor=responsible, restriction=restriction, reason="b")
    with pytest.raises(ValidationError):
        restriction_lift(actor=responsible, restriction=restriction, reason="c")


def test_unblocking_also_lifts_the_lock_that_sign_ins_while_blocked_caused(client, make_user):
    from accounts import roles
    from accounts.models import AccessRestriction
    from accounts.services.lockout import is_locked
    from accounts.services.restrictions import account_block, account_unblock

    responsible = make_user("resp.lock", roles=[roles.IS_RESPONSIBLE])
    person = make_user("blocked.person")
    account_block(actor=responsible, user=person, reason="Act 12")
    for _attempt in range(3):  # the owner keeps typing the right password
        client.post(reverse("login"), {"username": "blocked.person", "password": "Str0ng#Pass"})
    assert is_locked("blocked.person")
    block = AccessRestriction.objects.get(user=person, lifted_at=None)
    account_unblock(actor=responsible, restriction=block, reason="Act 13: lifted")
    assert not is_locked("blocked.person")
    response = client.post(
        reverse("login"), {"username": "blocked.person", "password": "Str0ng#Pass"}
    )
    assert response.status_code == 302
