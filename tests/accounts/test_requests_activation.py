"""The activation link (A9): single use, expiry with the first-password deadline, re-issue."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import AccessRestriction, AccountActivation, RegistrationRequest
from accounts.services.requests import (
    RequestContent,
    account_activation_reissue,
    registration_request_approve,
    registration_request_submit,
)
from registry.models import InformationSystem
from tests.accounts.test_requests_support import (
    BISHKEK,
    PASSWORD,
    activation_path,
    at,
    make_department,
    make_hr_head,
    make_position,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_head(make_user):
    return make_hr_head(make_user)


@pytest.fixture
def responsible(make_user):
    """Айгүл, IS-responsible person: issues initial logins (IS §4)."""
    return make_user("resp_aigul", roles=[roles.IS_RESPONSIBLE], first_name="Айгүл")


@pytest.fixture
def approved(hr_head, mailoutbox, django_capture_on_commit_callbacks):
    """Бакыт's request approved on Wednesday 2025-04-30 at 10:00; returns (account, path)."""
    with time_machine.travel(at(2025, 4, 30), tick=False):
        request_obj = registration_request_submit(
            content=RequestContent(
                last_name="Асанов",
                first_name="Бакыт",
                patronymic="",
                department=make_department(),
                position=make_position(),
                work_phone="+996 312 54-51-25",
                mobile_phone="+996 555 12-34-56",
                personal_email="bakyt.asanov@example.com",
                systems={InformationSystem.objects.get(code="avn"): "view"},
            )
        )
        with django_capture_on_commit_callbacks(execute=True):
            account = registration_request_approve(actor=hr_head, request_obj=request_obj)
    (mail,) = [m for m in mailoutbox if m.to == ["bakyt.asanov@example.com"]]
    mailoutbox.clear()
    return account, activation_path(mail)


@pytest.fixture
def client_en():
    client = Client()
    client.cookies["kstu_language"] = "en"
    return client


def test_the_link_expires_with_the_first_password_deadline(approved, client_en):
    account, path = approved
    with time_machine.travel(at(2025, 5, 15, 0, 1), tick=False):
        page = client_en.get(path)
        assert page.status_code == 410
        html = page.content.decode()
        assert "This link has expired" in html
        assert "Contact the person responsible for the information system" in html
        response = client_en.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 410
    account.refresh_from_db()
    assert not account.is_active
    assert not account.has_usable_password()


def test_the_link_still_works_at_the_end_of_the_last_day(approved, client_en):
    account, path = approved
    with time_machine.travel(at(2025, 5, 14, 23, 58), tick=False):
        response = client_en.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_active


def test_an_unknown_link_is_404_with_a_clear_page(client_en):
    response = client_en.get(reverse("accounts:activate", args=["nope" * 10]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_a_weak_password_is_refused_and_the_account_stays_inactive(approved, client_en):
    account, path = approved
    with time_machine.travel(at(2025, 5, 5), tick=False):
        response = client_en.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    account.refresh_from_db()
    assert not account.is_active
    assert AccountActivation.objects.get(user=account).used_at is None


def test_mismatched_passwords_are_refused(approved, client_en):
    account, path = approved
    with time_machine.travel(at(2025, 5, 5), tick=False):
        response = client_en.post(
            path, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}
        )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode() or "didn't match" in (
        response.content.decode()
    )
    account.refresh_from_db()
    assert not account.is_active


def test_the_activation_page_is_not_cached_or_indexed(approved, client_en):
    _account, path = approved
    with time_machine.travel(at(2025, 5, 5), tick=False):
        response = client_en.get(path)
    assert response.status_code == 200
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert (
        "no-cache" in response.headers["Cache-Control"]
        or "no-store" in (response.headers["Cache-Control"])
    )


def test_the_responsible_person_reissues_an_expired_link(
    approved, responsible, client_en, mailoutbox, django_capture_on_commit_callbacks
):
    account, old_path = approved
    with time_machine.travel(at(2025, 5, 20, 11, 0), tick=False):  # Tuesday, link expired
        with django_capture_on_commit_callbacks(execute=True):
            activation = account_activation_reissue(actor=responsible, user=account)
        new_deadline = dt.datetime(2025, 5, 23, 23, 59, 59, 999999, tzinfo=BISHKEK)
        assert activation.expires_at == new_deadline
        account.refresh_from_db()
        assert account.password_change_deadline == new_deadline
        assert activation.created_by == responsible
        (mail,) = mailoutbox
        assert mail.to == ["bakyt.asanov@example.com"]
        assert "2025-05-23" in mail.body
        new_path = activation_path(mail)
        assert new_path != old_path
        assert client_en.get(old_path).status_code == 410
        response = client_en.post(new_path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_active


def test_a_reissued_link_replaces_a_still_valid_one(
    approved, hr_head, client_en, mailoutbox, django_capture_on_commit_callbacks
):
    account, old_path = approved
    with time_machine.travel(at(2025, 5, 12), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            account_activation_reissue(actor=hr_head, user=account)
        page = client_en.get(old_path)
        assert page.status_code == 410
        assert client_en.get(activation_path(mailoutbox[0])).status_code == 200


def test_reissue_through_the_request_page_by_the_hr_head(
    approved, hr_head, client_en, mailoutbox, django_capture_on_commit_callbacks
):
    account, _path = approved
    request_obj = RegistrationRequest.objects.get(account=account)
    detail_url = reverse("accounts:request-detail", args=[request_obj.pk])
    client_en.force_login(hr_head)
    assert "Send a new activation link" in client_en.get(detail_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en.post(
            reverse("accounts:activation-reissue", args=[account.pk]), {"next": detail_url}
        )
    assert response.status_code == 302
    assert response.url == detail_url
    assert mailoutbox[0].to == ["bakyt.asanov@example.com"]
    assert AccountActivation.objects.filter(user=account).count() == 2


@pytest.mark.parametrize("role", [roles.TEACHER, roles.HR_OFFICER, roles.STUDENT])
def test_reissue_is_forbidden_to_others(approved, make_user, client_en, role, mailoutbox):
    account, _path = approved
    outsider = make_user("outsider", roles=[role])
    with pytest.raises(PermissionDenied):
        account_activation_reissue(actor=outsider, user=account)
    client_en.force_login(outsider)
    response = client_en.post(reverse("accounts:activation-reissue", args=[account.pk]))
    assert response.status_code == 403
    assert AccountActivation.objects.filter(user=account).count() == 1
    assert mailoutbox == []


def test_reissue_is_refused_for_an_activated_account(approved, responsible, client_en):
    account, path = approved
    with time_machine.travel(at(2025, 5, 5), tick=False):
        client_en.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    account.refresh_from_db()
    assert account.is_active
    with pytest.raises(ValidationError, match="already activated"):
        account_activation_reissue(actor=responsible, user=account)


def test_a_blocked_account_cannot_be_activated_or_reissued(approved, responsible, client_en):
    account, path = approved
    AccessRestriction.objects.create(
        user=account,
        kind=AccessRestriction.Kind.ACCOUNT,
        reason="Акт №1",
        created_by=responsible,
    )
    with time_machine.travel(at(2025, 5, 5), tick=False):
        response = client_en.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 410
    assert "This account is blocked." in response.content.decode()
    account.refresh_from_db()
    assert not account.is_active
    with pytest.raises(ValidationError, match="blocked"):
        account_activation_reissue(actor=responsible, user=account)
