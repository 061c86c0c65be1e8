"""EDO outage mode (B7): declaring, the banner, the HR pages and the mass e-mail through a real
local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hr_edo.models import Announcement, Delivery, Outage
from hr_edo.services import mass_mail
from hr_edo.services.outage import deliveries_create, outage_declare, outage_end, outage_update
from tests.hr_edo.test_outage_support import SinkHandler, SmtpSink, bulk_employees

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(make_user):
    from accounts import roles

    return make_user("hr_outage", roles=[roles.HR_OFFICER])


@pytest.fixture
def smtp_settings(settings):
    def _use(sink: SmtpSink):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10

    return _use


@pytest.fixture
def no_autosend(monkeypatch):
    """Declaring does not send (the tests drive ``announcement_send`` themselves)."""
    from hr_edo import tasks

    monkeypatch.setattr(tasks.send_announcement, "delay", lambda *a, **k: None)


def _later(hours=3):
    return timezone.now() + dt.timedelta(hours=hours)


def _declare(hr, **kw):
    kw.setdefault("reason", Outage.Reason.MAINTENANCE)
    kw.setdefault("details", "Сервер")
    kw.setdefault("expected_end_at", _later())
    return outage_declare(actor=hr, **kw)


def test_declare_creates_one_delivery_per_active_employee_with_email(
    hr, make_user, no_autosend, django_capture_on_commit_callbacks
):
    a = make_user("emp_a", preferred_language="ru")
    b = make_user("emp_b", kind="teacher")
    make_user("emp_noemail", email="")
    make_user("emp_gone", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        outage = _declare(hr)
    announcement = Announcement.objects.get(outage=outage)
    assert announcement.kind == Announcement.Kind.DECLARED
    rows = {d.recipient_id: d for d in announcement.deliveries.all()}
    assert set(rows) == {a.pk, b.pk, hr.pk}
    assert rows[a.pk].language == "ru" and rows[a.pk].status == Delivery.Status.PENDING
    assert announcement.total == 3
    # Called again: the unique constraint keeps one row per person.
    assert deliveries_create(announcement) == 0
    assert announcement.deliveries.count() == 3


def test_only_one_active_outage_and_permissions(hr, make_user, no_autosend):
    employee = make_user("emp_x")
    with pytest.raises(PermissionDenied):
        _declare(employee)
    outage = _declare(hr)
    with pytest.raises(ValidationError):
        _declare(hr)
    with pytest.raises(ValidationError):
        outage_update(actor=hr, outage=outage, expected_end_at=timezone.now() - dt.timedelta(1))
    outage_update(actor=hr, outage=outage, expected_end_at=_later(5))
    with pytest.raises(PermissionDenied):
        outage_end(actor=employee, outage=outage)
    outage_end(actor=hr, outage=outage)
    assert list(
        Announcement.objects.filter(outage=outage)
        .order_by("created_at")
        .values_list("kind", flat=True)
    ) == ["declared", "updated", "ended"]
    _declare(hr)  # a new one after the end


def test_two_thousand_employees_get_exactly_one_message_each(hr, no_autosend, smtp_settings):
    bulk_employees(2000)
    outage = _declare(hr)
    announcement = Announcement.objects.get(outage=outage)
    assert announcement.total == 2001
    handler = SinkHandler()
    with SmtpSink(handler) as sink:
        smtp_settings(sink)
        result = mass_mail.announcement_send(announcement.pk)
    assert result.state == mass_mail.DONE and result.sent == 2001
    counts = handler.counts()
    assert len(counts) == 2001 and set(counts.values()) == {1}
    assert not announcement.deliveries.exclude(status=Delivery.Status.SENT).exists()
    # Running again sends nothing.
    with SmtpSink(SinkHandler()) as sink2:
        smtp_settings(sink2)
        assert mass_mail.announcement_send(announcement.pk).sent == 0
        assert not sink2.handler.received


def test_temporary_failure_is_retried_and_permanent_failure_recorded(
    hr, make_user, no_autosend, smtp_settings
):
    make_user("emp_busy")
    make_user("emp_bad")
    make_user("emp_ok")
    outage = _declare(hr)
    announcement = Announcement.objects.get(outage=outage)
    handler = SinkHandler(
        refuse={
            "emp_busy@kstu.kg": ["451 4.3.0 Mailbox busy, try later"],
            "emp_bad@kstu.kg": ["550 5.1.1 No such user"],
        }
    )
    with SmtpSink(handler) as sink:
        smtp_settings(sink)
        first = mass_mail.announcement_send(announcement.pk, retry_delay=3600)
        assert first.state == mass_mail.WAITING and first.retried == 1
        busy = announcement.deliveries.get(email="emp_busy@kstu.kg")
        assert busy.status == Delivery.Status.PENDING and busy.attempts == 1
        assert "451" in busy.error
        second = mass_mail.announcement_send(announcement.pk, retry_delay=0)
        assert second.state == mass_mail.DONE
    counts = handler.counts()
    assert counts["emp_busy@kstu.kg"] == 1 and counts["emp_ok@kstu.kg"] == 1
    assert "emp_bad@kstu.kg" not in counts
    bad = announcement.deliveries.get(email="emp_bad@kstu.kg")
    assert (
        bad.status == Delivery.Status.FAILED and "550" in bad.error and "No such user" in bad.error
    )
    busy.refresh_from_db()
    assert busy.status == Delivery.Status.SENT and busy.attempts == 2


def test_temporary_failures_give_up_after_max_attempts(hr, no_autosend, smtp_settings, make_user):
    make_user("emp_busy")
    announcement = Announcement.objects.get(outage=_declare(hr))
    handler = SinkHandler(refuse={"emp_busy@kstu.kg": ["451 busy"] * 10})
    with SmtpSink(handler) as sink:
        smtp_settings(sink)
        for _ in range(mass_mail.MAX_ATTEMPTS):
            mass_mail.announcement_send(announcement.pk, retry_delay=0)
    busy = announcement.deliveries.get(email="emp_busy@kstu.kg")
    assert busy.status == Delivery.Status.FAILED and busy.attempts == mass_mail.MAX_ATTEMPTS


def test_connection_refused_is_temporary(hr, no_autosend, settings):
    from tests.hr_edo.test_outage_support import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    announcement = Announcement.objects.get(outage=_declare(hr))
    result = mass_mail.announcement_send(announcement.pk, retry_delay=3600)
    assert result.state == mass_mail.WAITING
    row = announcement.deliveries.get()
    assert row.status == Delivery.Status.PENDING and row.attempts == 1


def test_stale_claims_are_taken_again_fresh_ones_are_not(hr, no_autosend, smtp_settings):
    bulk_employees(5)
    announcement = Announcement.objects.get(outage=_declare(hr))
    ids, _ = mass_mail.claim_batch(announcement.pk, size=3, retry_delay=0)
    assert len(ids) == 3
    again, _ = mass_mail.claim_batch(announcement.pk, size=10, retry_delay=0)
    assert len(again) == 3 and not set(again) & set(ids)  # the fresh claims are skipped
    Delivery.objects.filter(pk__in=ids).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert announcement.pk in mass_mail.announcements_to_resume()
    stolen, _ = mass_mail.claim_batch(announcement.pk, size=10, retry_delay=0)
    assert sorted(stolen) == sorted(ids)


def test_messages_are_in_the_recipient_language(hr, make_user, no_autosend, smtp_settings):
    make_user("emp_ru", preferred_language="ru")
    make_user("emp_en", preferred_language="en")
    announcement = Announcement.objects.get(outage=_declare(hr))
    handler = SinkHandler()
    with SmtpSink(handler) as sink:
        smtp_settings(sink)
        mass_mail.announcement_send(announcement.pk)
    import email

    subjects = {
        rcpt: str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])
        for rcpt, raw in handler.received
    }
    # Rendered under each recipient's language (ky/ru texts come with the next translation run).
    assert subjects["emp_en@kstu.kg"] == "HR electronic document flow is suspended"
    assert set(subjects) == {"emp_ru@kstu.kg", "emp_en@kstu.kg", "hr_outage@kstu.kg"}


# --------------------------------------------------------------------------- banner and pages


def test_banner_on_every_page_while_the_outage_lasts(client, hr, make_user, no_autosend):
    user = make_user("emp_view")
    client.force_login(user)
    assert 'data-testid="outage-banner"' not in client.get("/").content.decode()
    when = timezone.now() + dt.timedelta(days=1)
    outage = _declare(hr, expected_end_at=when.replace(hour=6, minute=30, second=0, microsecond=0))
    # The services clear the cache on commit; in this test the commit never comes: clear it.
    from hr_edo.services.outage import banner_cache_clear

    banner_cache_clear()
    page = client.get("/").content.decode()
    assert 'data-testid="outage-banner"' in page
    expected = timezone.localtime(outage.expected_end_at, dt.timezone(dt.timedelta(hours=6)))
    assert expected.strftime("%d.%m.%Y %H:%M") in page
    outage_end(actor=hr, outage=outage)
    banner_cache_clear()
    assert 'data-testid="outage-banner"' not in client.get("/").content.decode()


def test_banner_cache_is_cleared_on_commit(
    client, hr, make_user, no_autosend, django_capture_on_commit_callbacks
):
    client.force_login(make_user("emp_view"))
    client.get("/")  # caches "no outage"
    with django_capture_on_commit_callbacks(execute=True):
        _declare(hr)
    assert 'data-testid="outage-banner"' in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "employee"])
def test_outage_pages_are_for_hr_only(client, hr, make_user, no_autosend, who):
    announcement = Announcement.objects.get(outage=_declare(hr))
    if who == "employee":
        client.force_login(make_user("emp_nosy"))
    urls = [
        reverse("hr_edo:outage"),
        reverse("hr_edo:outage_announcement", args=[announcement.pk]),
        reverse("hr_edo:outage_announcement_progress", args=[announcement.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403), url
    outage = announcement.outage
    response = client.post(reverse("hr_edo:outage_end", args=[outage.pk]))
    assert response.status_code in (302, 403)
    outage.refresh_from_db()
    assert outage.ended_at is None


def test_hr_declares_through_the_page_and_sees_progress(
    english_ui, hr, make_user, no_autosend, smtp_settings, django_capture_on_commit_callbacks
):
    client = english_ui
    make_user("emp_a")
    make_user("emp_bad")
    client.force_login(hr)
    assert client.get(reverse("hr_edo:outage")).status_code == 200
    when = timezone.localtime(_later(4)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hr_edo:outage"),
            {"reason": "failure", "details": "Сервер", "expected_end_at": when},
        )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    url = reverse("hr_edo:outage_announcement_progress", args=[announcement.pk])
    assert client.get(url).json() == {
        "id": announcement.pk,
        "total": 3,
        "sent": 0,
        "failed": 0,
        "remaining": 3,
        "percent": 0,
        "finished": False,
    }
    handler = SinkHandler(refuse={"emp_bad@kstu.kg": ["550 5.1.1 No such user"]})
    with SmtpSink(handler) as sink:
        smtp_settings(sink)
        mass_mail.announcement_send(announcement.pk)
    data = client.get(url).json()
    assert (data["sent"], data["failed"], data["remaining"], data["percent"]) == (2, 1, 0, 100)
    assert data["finished"] is True
    page = client.get(reverse("hr_edo:outage_announcement", args=[announcement.pk]))
    html = page.content.decode()
    assert "emp_bad@kstu.kg" in html and "No such user" in html
    assert "<progress" in html and "js/outage-progress.js" in html and "<script>" not in html
    # update and end through the page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hr_edo:outage_update", args=[announcement.outage_id]),
            {"expected_end_at": timezone.localtime(_later(8)).strftime("%Y-%m-%dT%H:%M")},
        )
        client.post(reverse("hr_edo:outage_end", args=[announcement.outage_id]))
    assert list(Announcement.objects.order_by("created_at").values_list("kind", flat=True)) == [
        "declared",
        "updated",
        "ended",
    ]


def test_announcements_go_out_with_a_backend_that_has_no_smtp_connection(settings, make_user):
    """Development runs with the console backend; the batch sender must not spin on it."""
    from django.core import mail

    from hr_edo.models import Delivery
    from hr_edo.services.mass_mail import announcement_send
    from hr_edo.services.outage import outage_declare

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hr = make_user("hr.console", roles=["hr_officer"])
    make_user("emp.console")
    from datetime import timedelta

    from django.utils import timezone

    # (the send is enqueued on commit, which a test transaction never reaches: send here)
    outage = outage_declare(
        actor=hr,
        reason="maintenance",
        details="",
        expected_end_at=timezone.now() + timedelta(hours=3),
    )
    announcement = outage.announcements.get()
    announcement_send(announcement.pk)
    statuses = set(
        Delivery.objects.filter(announcement=announcement).values_list("status", flat=True)
    )
    assert statuses == {Delivery.Status.SENT}
    assert len(mail.outbox) == Delivery.objects.filter(announcement=announcement).count()
