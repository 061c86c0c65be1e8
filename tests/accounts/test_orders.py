"""Dismissal and transfer orders (IS §3.7, REQUIREMENTS A5)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import roles
from accounts.models import AccessGrant, PersonnelOrder, User
from accounts.services.access_tasks import access_task_create
from accounts.services.orders import personnel_order_apply, personnel_order_record
from accounts.tasks import apply_due_personnel_orders
from tests.accounts.test_grants_support import (
    at,
    bishkek,
    done_grant,
    end_of,
    make_department,
    make_position,
    make_responsible,
    make_system,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db

APPROVED = dt.date(2025, 3, 3)  # a Monday
EFFECTIVE = dt.date(2025, 3, 14)
RECORDED = bishkek(2025, 3, 4, 11, 0)


@pytest.fixture
def hr(make_user):
    """Асель, HR officer."""
    return make_user("hr_asel", roles=[roles.HR_OFFICER], is_staff=True)


@pytest.fixture
def systems():
    return [make_system(f"t-{code}", code.upper()) for code in ("avn", "moodle", "zoom")]


@pytest.fixture
def responsible(make_user, systems):
    """Айгүл for AVN and Moodle, Bakyt for Zoom."""
    return [
        make_responsible(make_user, "resp_aigul", systems=systems[:2]),
        make_responsible(make_user, "resp_bakyt", systems=systems[2:]),
    ]


@pytest.fixture
def chair():
    return make_department("CH-OLD")


@pytest.fixture
def nurlan(make_user, systems, chair):
    """Has AVN and Moodle; his Zoom access was closed after an earlier transfer."""
    nurlan = make_user("emp_nurlan", last_name="Osmonov", department=chair)
    for system in systems:
        done_grant(user=nurlan, system=system)
    AccessGrant.objects.create(
        user=nurlan,
        system=systems[2],
        kind="revoke",
        status="done",
        due_at=bishkek(2025, 2, 1),
        decided_at=bishkek(2025, 2, 1),
    )
    return nurlan


def _logs_in(client) -> bool:
    """Sign in through the login page (axes needs the request) and say whether it worked."""
    client.post(reverse("login"), {"username": "emp_nurlan", "password": "Str0ng#Pass"})
    return "_auth_user_id" in client.session


def _record(hr, nurlan, **overrides):
    fields = {
        "actor": hr,
        "user": nurlan,
        "kind": PersonnelOrder.Kind.DISMISSAL,
        "number": "45-k",
        "approved_on": APPROVED,
        "effective_on": EFFECTIVE,
    }
    fields.update(overrides)
    return personnel_order_record(**fields)


def test_a_dismissal_revokes_every_grant_with_one_task_per_system_due_three_working_days_on(
    hr, nurlan, systems, responsible, mailoutbox, django_capture_on_commit_callbacks
):
    with at(RECORDED), django_capture_on_commit_callbacks(execute=True):
        order = _record(hr, nurlan)
    revocations = list(order.revocations.order_by("system__code"))
    assert [t.system.code for t in revocations] == ["t-avn", "t-moodle"]  # Zoom is already closed
    assert all(t.kind == "revoke" and t.status == "pending" for t in revocations)
    assert {t.due_at for t in revocations} == {end_of(dt.date(2025, 3, 6))}
    # The electronic copy of the order reaches the responsible person of each system.
    assert sorted(m.to[0] for m in mailoutbox) == ["resp_aigul@kstu.kg", "resp_aigul@kstu.kg"]
    assert all("Osmonov" in m.subject for m in mailoutbox)


def test_the_deadline_counts_from_the_approval_date_across_the_may_holidays(
    hr, nurlan, systems, responsible
):
    with at(bishkek(2025, 5, 2)):
        order = _record(
            hr, nurlan, approved_on=dt.date(2025, 4, 30), effective_on=dt.date(2025, 5, 30)
        )
    assert {t.due_at for t in order.revocations.all()} == {end_of(dt.date(2025, 5, 14))}


def test_a_dismissal_cancels_pending_grant_tasks(hr, nurlan, make_user):
    pending = access_task_create(
        user=nurlan, system=make_system("t-canva"), kind="grant", start=bishkek(2025, 3, 3)
    )
    with at(RECORDED):
        _record(hr, nurlan)
    pending.refresh_from_db()
    assert pending.status == AccessGrant.Status.CANCELLED and "45-k" in pending.reason


def test_the_dismissed_user_can_log_in_until_the_effective_date_and_not_after(
    client, hr, nurlan, django_capture_on_commit_callbacks
):
    with at(RECORDED):
        order = _record(hr, nurlan)
    with at(bishkek(2025, 3, 13, 23, 0)):
        assert apply_due_personnel_orders() == 0
    assert _logs_in(client)
    client.logout()
    with at(bishkek(2025, 3, 14, 0, 5)):
        assert apply_due_personnel_orders() == 1
        assert apply_due_personnel_orders() == 0  # applied once
    nurlan.refresh_from_db()
    order.refresh_from_db()
    assert nurlan.is_active is False
    assert order.applied_at == bishkek(2025, 3, 14, 0, 5)
    assert not _logs_in(client)
    assert order.history.first().applied_at == order.applied_at  # the history shows it


def test_an_open_session_stops_working_once_the_dismissal_takes_effect(client, hr, nurlan):
    client.force_login(nurlan)
    assert client.get(reverse("accounts:access-mine")).status_code == 200
    with at(bishkek(2025, 3, 14, 9, 0)):
        _record(hr, nurlan, approved_on=dt.date(2025, 3, 14), effective_on=dt.date(2025, 3, 14))
    response = client.get(reverse("accounts:access-mine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_order_already_in_effect_when_recorded_applies_at_once(hr, nurlan):
    with at(bishkek(2025, 3, 20, 10, 0)):
        order = _record(hr, nurlan)
    assert order.applied_at is not None
    assert User.objects.get(pk=nurlan.pk).is_active is False


def test_a_transfer_keeps_the_account_and_changes_department_and_position(
    hr, nurlan, systems, responsible
):
    new_chair, new_position = make_department("CH-NEW"), make_position("docent")
    with at(RECORDED):
        order = _record(
            hr, nurlan, kind="transfer", new_department=new_chair, new_position=new_position
        )
    assert order.revocations.count() == 2  # the responsible persons decide: close or keep
    with at(bishkek(2025, 3, 14, 0, 5)):
        apply_due_personnel_orders()
    nurlan.refresh_from_db()
    assert nurlan.is_active is True
    assert (nurlan.department, nurlan.position) == (new_chair, new_position)


def test_applying_an_order_twice_or_a_missing_order_does_nothing(hr, nurlan):
    with at(RECORDED):
        order = _record(hr, nurlan)
    with at(bishkek(2025, 3, 15, 9, 0)):
        assert personnel_order_apply(order_id=order.pk) is True
        assert personnel_order_apply(order_id=order.pk) is False
        assert personnel_order_apply(order_id=987654) is False


def test_the_effective_date_cannot_be_before_the_approval_date(hr, nurlan):
    with pytest.raises(ValidationError) as error:
        _record(hr, nurlan, effective_on=APPROVED - dt.timedelta(days=1))
    assert "effective_on" in error.value.message_dict
    assert not PersonnelOrder.objects.exists()


def test_a_transfer_needs_the_new_department_and_position(hr, nurlan):
    with pytest.raises(ValidationError) as error:
        _record(hr, nurlan, kind="transfer")
    assert {"new_department", "new_position"} <= set(error.value.message_dict)


def test_only_hr_records_orders_and_never_about_themselves(make_user, hr, nurlan):
    with pytest.raises(PermissionDenied):
        _record(make_user("emp_other"), nurlan)
    with pytest.raises(PermissionDenied):
        _record(hr, hr)


# --------------------------------------------------------------------------- pages


def test_hr_records_a_dismissal_through_the_form(client, hr, nurlan, systems, responsible):
    client.force_login(hr)
    form = client.get(reverse("accounts:order-new") + "?q=osmon").content.decode()
    assert f'value="{nurlan.pk}"' in form
    with at(RECORDED):
        response = client.post(
            reverse("accounts:order-new"),
            {
                "user": nurlan.pk,
                "kind": "dismissal",
                "number": "45-k",
                "approved_on": "2025-03-03",
                "effective_on": "2025-03-14",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("accounts:orders")
    page = response.content.decode()
    assert "№45-k" in page and "Osmonov" in page
    assert PersonnelOrder.objects.get().revocations.count() == 2


def test_the_form_says_clearly_when_the_effective_date_is_before_approval(client, hr, nurlan):
    client.force_login(hr)
    response = client.post(
        reverse("accounts:order-new"),
        {
            "user": nurlan.pk,
            "kind": "transfer",
            "number": "46-k",
            "approved_on": "2025-03-03",
            "effective_on": "2025-03-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The effective date cannot be before the approval date (2025-03-03)." in page
    assert "A transfer needs the new department." in page
    assert not PersonnelOrder.objects.exists()


@pytest.mark.parametrize("url_name", ["accounts:order-new", "accounts:orders"])
def test_order_pages_are_forbidden_to_other_employees(client, make_user, url_name):
    client.force_login(make_user("emp_other", roles=[roles.IS_RESPONSIBLE]))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", ["accounts:order-new", "accounts:orders"])
def test_order_pages_send_anonymous_visitors_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_hr_sees_the_orders_with_their_open_revocations(
    client, hr, make_user, systems, django_assert_max_num_queries
):
    for n in range(25):
        person = make_user(f"emp{n:02d}", last_name=f"Person{n:02d}")
        done_grant(user=person, system=systems[n % 3])
        with at(RECORDED):
            _record(hr, person, number=f"{n}-k", effective_on=dt.date(2025, 12, 31))
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("accounts:orders")).content.decode()
    assert page.count('data-testid="order-') == 20
    assert "1 open of 1" in page and "Not yet in effect" in page
