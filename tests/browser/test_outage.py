"""Browser journey: an HR officer declares an EDO outage (B7), every page shows the banner, and
the announcement page follows the mass e-mail to 100 % without being reloaded.

Persona: Айгүл, an HR officer; the server room is under maintenance. Texts are not asserted
(translations are still moving); data-testids and numbers are.

Declaring normally enqueues ``send_announcement`` (eager in tests, so it would send before the
page opens). Here the enqueue is held back, the announcement page is opened at 0 %, and only
then the test sends the deliveries the way a worker does (``mass_mail.announcement_send``), so
the progress the page shows can only come from its JSON polling.

Mail goes to a local aiosmtpd sink (tests.hr_edo.test_outage_support), not to Django's locmem
backend: ``mass_mail.send_batch`` reads ``connection.connection`` (an SMTP backend attribute),
which locmem's backend lacks, so with locmem every message is recorded as a temporary failure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hr_edo.models import Announcement, Delivery, Outage
from hr_edo.services import mass_mail
from tests.hr_edo.test_outage_support import SinkHandler, SmtpSink

PASSWORD = "Str0ng#Pass"  # noqa: S105 - make_user's default, a throwaway test account
EMPLOYEES = 4
SHOT = Path("/tmp/shots/outage.png")  # noqa: S108 - the screenshot is looked at by hand
POLL_TIMEOUT_MS = 10_000


@pytest.fixture
def smtp_sink(settings):
    with SmtpSink(SinkHandler()) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
        yield sink


@pytest.fixture
def hr_officer(make_user):
    from accounts import roles

    # Live-server tests find the tables emptied: the role groups are recreated.
    roles.sync_roles()
    for i in range(EMPLOYEES):
        make_user(f"emp_outage{i}", preferred_language=["ky", "ru", "en"][i % 3])
    return make_user("hr_aigul", first_name="Айгүл", roles=[roles.HR_OFFICER])


@pytest.fixture
def held_enqueue(monkeypatch):
    """Declaring records the announcement to send instead of sending it at once."""
    from hr_edo import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.send_announcement, "delay", lambda pk: queued.append(pk))
    return queued


def _sign_in(page: Page, login: str, password: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()


def test_hr_declares_an_outage_sees_the_banner_and_the_progress_reach_100(
    page: Page, hr_officer, held_enqueue, smtp_sink
):
    _sign_in(page, "hr_aigul", PASSWORD)
    page.goto("/hr/outage/")
    expect(page.get_by_test_id("outage-banner")).to_have_count(0)

    expected = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).replace(
        second=0, microsecond=0
    )
    form = page.get_by_test_id("outage-declare-form")
    form.locator("select[name=reason]").select_option(Outage.Reason.MAINTENANCE.value)
    form.locator("textarea[name=details]").fill("Серверная: плановые работы")
    form.locator("input[name=expected_end_at]").fill(expected.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("outage-declare").click()

    # Back on the outage page: the banner (every page) with the expected time in Bishkek time.
    banner = page.get_by_test_id("outage-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(expected.strftime("%d.%m.%Y %H:%M"))
    expect(page.get_by_test_id("outage-current")).to_be_visible()

    outage = Outage.objects.get(ended_at__isnull=True)
    assert outage.expected_end_at == expected
    announcement = Announcement.objects.get(outage=outage)
    assert announcement.kind == Announcement.Kind.DECLARED
    assert held_enqueue == [announcement.pk]
    recipients = EMPLOYEES + 1  # the HR officer is staff too
    assert announcement.total == recipients

    # Another page shows the banner as well.
    page.goto("/")
    expect(page.get_by_test_id("outage-banner")).to_be_visible()

    page.goto("/hr/outage/")
    page.get_by_test_id("announcement-link").first.click()
    expect(page).to_have_url(
        f"{page.url.split('/hr/')[0]}/hr/outage/announcements/{announcement.pk}/"
    )
    expect(page.get_by_test_id("outage-banner")).to_be_visible()
    expect(page.get_by_test_id("progress-percent")).to_have_text("0")
    expect(page.get_by_test_id("progress-remaining")).to_have_text(str(recipients))
    expect(page.get_by_test_id("progress-total")).to_have_text(str(recipients))

    # The deliveries go out while the page is open (what the worker's task runs).
    result = mass_mail.announcement_send(announcement.pk)
    assert result.state == mass_mail.DONE and result.sent == recipients
    assert smtp_sink.handler.counts() == dict.fromkeys(
        announcement.deliveries.values_list("email", flat=True), 1
    )
    assert not announcement.deliveries.exclude(status=Delivery.Status.SENT).exists()

    # Only the page's polling (every 2 s) can bring these numbers: it is never reloaded.
    expect(page.get_by_test_id("progress-percent")).to_have_text("100", timeout=POLL_TIMEOUT_MS)
    expect(page.get_by_test_id("progress-sent")).to_have_text(str(recipients))
    expect(page.get_by_test_id("progress-remaining")).to_have_text("0")
    expect(page.get_by_test_id("progress-failed")).to_have_text("0")
    bar = page.get_by_test_id("progress-bar")
    expect(bar).to_have_js_property("value", recipients)
    expect(bar).to_have_js_property("max", recipients)
    expect(page.get_by_test_id("failed-list")).to_be_visible()

    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT), full_page=True)
