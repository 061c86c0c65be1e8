"""The responsible persons' decisions on access tasks (IS §3.5, §3.7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccessGrant, AccessLevel, PersonnelOrder
from accounts.services.access_tasks import access_task_create
from accounts.services.grants import (
    access_grant_mark_granted,
    access_grant_refuse,
    access_revocation_keep,
    access_revocation_mark_done,
)
from audit.models import AuthEvent
from tests.accounts.test_grants_support import (
    at,
    bishkek,
    end_of,
    make_responsible,
    make_system,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def avn():
    return make_system("avn-test", "AVN")


@pytest.fixture
def moodle():
    return make_system("moodle-test", "Moodle")


@pytest.fixture
def aigul(make_user, avn):
    """Айгүл is responsible for AVN only."""
    return make_responsible(make_user, "resp_aigul", systems=[avn], first_name="Айгүл")


@pytest.fixture
def bakyt(make_user, moodle):
    """Bakyt is responsible for Moodle only."""
    return make_responsible(make_user, "resp_bakyt", systems=[moodle], first_name="Bakyt")


@pytest.fixture
def nurlan(make_user):
    """A new employee who reads his mail in English."""
    return make_user(
        "emp_nurlan", first_name="Nurlan", last_name="Osmonov", preferred_language="en"
    )


@pytest.fixture
def grant_task(nurlan, avn):
    return access_task_create(
        user=nurlan,
        system=avn,
        kind=AccessGrant.Kind.GRANT,
        start=bishkek(2025, 3, 3),
        access_level=AccessLevel.EDIT,
    )


def _order(user, actor, kind=PersonnelOrder.Kind.TRANSFER):
    return PersonnelOrder.objects.create(
        user=user,
        kind=kind,
        number="17-k",
        approved_on=dt.date(2025, 3, 3),
        effective_on=dt.date(2025, 3, 10),
        created_by=actor,
    )


def _revoke_task(user, system, order):
    return access_task_create(
        user=user,
        system=system,
        kind=AccessGrant.Kind.REVOKE,
        start=order.approved_on,
        order=order,
    )


def test_deadline_across_the_may_holidays_ends_on_the_third_working_day_after(nurlan, avn):
    task = access_task_create(
        user=nurlan, system=avn, kind=AccessGrant.Kind.GRANT, start=bishkek(2025, 4, 30)
    )
    # 1–11 May 2025 are holidays and weekends in Kyrgyzstan: 12, 13, 14 May count.
    assert task.due_at == end_of(dt.date(2025, 5, 14))


def test_the_responsible_person_grants_access_and_the_user_is_told_in_english(
    grant_task, aigul, nurlan, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        access_grant_mark_granted(actor=aigul, task=grant_task, granted_level=AccessLevel.VIEW)
    grant_task.refresh_from_db()
    assert grant_task.status == AccessGrant.Status.DONE
    assert grant_task.granted_level == AccessLevel.VIEW
    assert grant_task.decided_by == aigul and grant_task.decided_at is not None
    assert [m.to for m in mailoutbox] == [["emp_nurlan@kstu.kg"]]
    assert mailoutbox[0].subject == "Your access to AVN is open"
    assert '"View"' in mailoutbox[0].body
    event = AuthEvent.objects.get(action=AuthEvent.Action.PERMISSION_CHANGE, target_id=nurlan.pk)
    assert event.details["system"] == "avn-test" and event.user_id == aigul.pk
    assert grant_task.history.first().history_user_id == aigul.pk


def test_a_user_without_a_corporate_address_is_told_at_the_personal_one(
    grant_task, aigul, nurlan, mailoutbox, django_capture_on_commit_callbacks
):
    nurlan.email, nurlan.personal_email = "", "nurlan@example.org"
    nurlan.save()
    with django_capture_on_commit_callbacks(execute=True):
        access_grant_refuse(actor=aigul, task=grant_task, reason="No such position in AVN")
    assert mailoutbox[0].to == ["nurlan@example.org"]
    assert "was refused" in mailoutbox[0].subject
    assert "No such position in AVN" in mailoutbox[0].body


def test_a_responsible_person_of_another_system_cannot_grant(grant_task, bakyt, mailoutbox):
    with pytest.raises(PermissionDenied):
        access_grant_mark_granted(actor=bakyt, task=grant_task, granted_level=AccessLevel.VIEW)
    grant_task.refresh_from_db()
    assert grant_task.status == AccessGrant.Status.PENDING


def test_a_responsible_person_of_another_system_gets_403_from_the_view(client, grant_task, bakyt):
    client.force_login(bakyt)
    response = client.post(
        reverse("accounts:access-decide", args=[grant_task.pk]),
        {"decision": "grant", "granted_level": "view"},
    )
    assert response.status_code == 403
    grant_task.refresh_from_db()
    assert grant_task.status == AccessGrant.Status.PENDING


def test_the_view_records_the_right_persons_decision(client, grant_task, aigul):
    client.force_login(aigul)
    response = client.post(
        reverse("accounts:access-decide", args=[grant_task.pk]),
        {"decision": "grant", "granted_level": "edit"},
    )
    assert response.status_code == 302
    grant_task.refresh_from_db()
    assert (grant_task.status, grant_task.granted_level) == ("done", "edit")


def test_an_anonymous_decision_is_sent_to_the_login_page(client, grant_task):
    response = client.post(
        reverse("accounts:access-decide", args=[grant_task.pk]), {"decision": "refuse"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_responsible_person_cannot_decide_on_their_own_access(make_user, avn, aigul):
    own = access_task_create(user=aigul, system=avn, kind="grant", start=bishkek(2025, 3, 3))
    with pytest.raises(PermissionDenied):
        access_grant_mark_granted(actor=aigul, task=own, granted_level=AccessLevel.ADMINISTER)


def test_a_refusal_needs_its_reason(grant_task, aigul):
    with pytest.raises(ValidationError) as error:
        access_grant_refuse(actor=aigul, task=grant_task, reason="  ")
    assert "reason" in error.value.message_dict


def test_the_view_rejects_a_refusal_without_reason_with_a_message(client, grant_task, aigul):
    client.force_login(aigul)
    response = client.post(
        reverse("accounts:access-decide", args=[grant_task.pk]),
        {"decision": "refuse", "reason": ""},
        follow=True,
    )
    assert "Give the reason." in response.content.decode()
    grant_task.refresh_from_db()
    assert grant_task.status == AccessGrant.Status.PENDING


def test_a_task_is_decided_only_once(grant_task, aigul, make_user, avn):
    second = make_responsible(make_user, "resp_second", systems=[avn])
    access_grant_mark_granted(actor=aigul, task=grant_task, granted_level=AccessLevel.VIEW)
    with pytest.raises(ValidationError, match="already been decided"):
        access_grant_refuse(actor=second, task=grant_task, reason="late")


def test_a_revocation_is_closed_by_the_responsible_person(make_user, nurlan, avn, aigul):
    order = _order(nurlan, make_user("hr_asel"), kind=PersonnelOrder.Kind.DISMISSAL)
    task = _revoke_task(nurlan, avn, order)
    with pytest.raises(ValidationError):  # a grant decision does not fit a revocation
        access_grant_mark_granted(actor=aigul, task=task, granted_level=AccessLevel.VIEW)
    access_revocation_mark_done(actor=aigul, task=task)
    task.refresh_from_db()
    assert task.status == AccessGrant.Status.DONE and task.decided_by == aigul


def test_access_is_kept_only_after_a_transfer_and_with_a_reason(make_user, nurlan, avn, aigul):
    hr = make_user("hr_asel")
    dismissal = _revoke_task(nurlan, avn, _order(nurlan, hr, PersonnelOrder.Kind.DISMISSAL))
    with pytest.raises(ValidationError, match="only after a transfer"):
        access_revocation_keep(actor=aigul, task=dismissal, reason="still needed")
    dismissal.status = AccessGrant.Status.DONE
    dismissal.save()
    transfer = _revoke_task(nurlan, avn, _order(nurlan, hr, PersonnelOrder.Kind.TRANSFER))
    with pytest.raises(ValidationError):
        access_revocation_keep(actor=aigul, task=transfer, reason="")
    access_revocation_keep(actor=aigul, task=transfer, reason="The new chair also enters grades")
    transfer.refresh_from_db()
    assert transfer.status == AccessGrant.Status.KEPT
    assert transfer.reason == "The new chair also enters grades"


def test_deciding_at_a_frozen_time_records_that_time(grant_task, aigul):
    with at(bishkek(2025, 3, 4, 15, 30)):
        access_grant_mark_granted(actor=aigul, task=grant_task, granted_level=AccessLevel.EDIT)
    grant_task.refresh_from_db()
    assert grant_task.decided_at == bishkek(2025, 3, 4, 15, 30)
