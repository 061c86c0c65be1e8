"""Browser journey: a newcomer's account, from the public application to the first sign-in.

Personas: Айпери Бейшенова, a new senior lecturer with no account yet, in a browser of her own;
the demo head of HR (``hrhead``), who puts the visa; the demo IS-responsible person
(``isresponsible``), made responsible for AVN, who opens the access. The agreement on
electronic interaction is part of the journey, so the gate is switched on here.

The interface opens in Kyrgyz. Labels and the few texts checked are taken from the Kyrgyz
catalogue (``gettext`` under ``ky``), so the test follows the translations instead of copying
them; otherwise ``html[lang]``, data-testids and addresses are asserted.

A live-server test empties every table when it ends, so the register of systems and the first
version of the agreement (both seeded by data migrations) are put back when missing, with the
migration-state models, as the migrations themselves do.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, seed_demo
from accounts.models import (
    AccessGrant,
    AccessLevel,
    AgreementVersion,
    Department,
    Position,
    RegistrationRequest,
    User,
)
from accounts.services.agreement import (
    agreement_accept,
    agreement_cache_clear,
    agreement_current_version,
)
from registry.models import InformationSystem, ReportSection
from registry.services import system_assign_responsible
from tests.browser.conftest import BROWSER_LOCALE, DESKTOP, TIMEOUT_MS

SHOTS = Path(os.environ.get("KSTU_SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")
SYSTEM = "avn"
SECTION = "academic-performance"
PERSONAL_EMAIL = "aiperi.beishenova@example.org"
FIRST_PASSWORD = "Zhaz#Tuu9kor!"
NEWCOMER = {
    "last_name": "Бейшенова",
    "first_name": "Айпери",
    "patronymic": "Канатовна",
    "work_phone": "+996 312 54-51-25",
    "mobile_phone": "+996 555 12-34-56",
}
BAD_PHONE = "312-ЖОК"  # letters: not a phone number


def _run_seed(module: str, function: str) -> None:
    """Run a data migration's seeding function with the migration-state models."""
    migration = importlib.import_module(module)
    state_apps = MigrationLoader(connection).project_state().apps
    getattr(migration, function)(state_apps, None)


@pytest.fixture
def university(live_server, settings):
    """The demo university with the agreement in force and accepted by its staff; the
    IS-responsible person answers for AVN."""
    settings.KSTU_REQUIRE_AGREEMENT = True
    if not InformationSystem.objects.exists():
        _run_seed("registry.migrations.0002_seed_systems", "seed")
    if not AgreementVersion.objects.exists():
        _run_seed("accounts.migrations.0005_agreement_v1", "add_v1")
    agreement_cache_clear()
    seed_demo()
    version = agreement_current_version()
    assert version is not None, "no agreement in force"
    for login in ("hrhead", "isresponsible"):
        agreement_accept(user=User.objects.get(username=login), version=version)
    system_assign_responsible(
        actor=User.objects.get(username="itdept"),
        system=InformationSystem.objects.get(code=SYSTEM),
        user=User.objects.get(username="isresponsible"),
    )
    return {"system": InformationSystem.objects.get(code=SYSTEM)}


def ky(message: str) -> str:
    with translation.override("ky"):
        return gettext(message)


def _label(text: str) -> re.Pattern:
    """The whole label (a required field's label ends with an asterisk)."""
    return re.compile(r"^\s*" + re.escape(text) + r"(\s*\*)?\s*$")


def _url(live_server, path: str, query: str = "") -> re.Pattern:
    return re.compile("^" + re.escape(live_server.url + path) + query + "$")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _new_page(browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        locale=BROWSER_LOCALE,
        timezone_id="Asia/Bishkek",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context.new_page()


def _sign_in(page: Page, login: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_visible()


def _fill_application(page: Page, *, work_phone: str, names: dict) -> None:
    page.get_by_label(_label(ky("Surname"))).fill(NEWCOMER["last_name"])
    page.get_by_label(_label(ky("Given name"))).fill(NEWCOMER["first_name"])
    page.get_by_label(_label(ky("Patronymic"))).fill(NEWCOMER["patronymic"])
    page.get_by_label(_label(ky("Department or chair"))).select_option(label=names["department"])
    page.get_by_label(_label(ky("Position"))).select_option(label=names["position"])
    page.get_by_label(_label(ky("Work phone"))).fill(work_phone)
    page.get_by_label(_label(ky("Mobile phone"))).fill(NEWCOMER["mobile_phone"])
    page.get_by_label(_label(ky("Personal e-mail"))).fill(PERSONAL_EMAIL)
    system = page.get_by_test_id(f"system-{SYSTEM}")
    system.get_by_label(names["system"], exact=True).check()
    system.get_by_label(_label(ky("Access level"))).select_option(AccessLevel.EDIT)
    system.get_by_label(names["section"], exact=True).check()


def test_newcomer_applies_is_approved_given_access_and_activates(
    page: Page, browser, live_server, university
):
    system = university["system"]
    with translation.override("ky"):
        names = {
            "department": Department.objects.get(registration_code="IIT-SE").name,
            "position": Position.objects.get(code="senior-lecturer").name,
            "system": system.name,
            "section": ReportSection.objects.get(system=system, code=SECTION).name,
        }
    html = page.locator("html")

    # 1. The newcomer applies on the public form; a wrong phone first.
    page.goto("/accounts/register/")
    expect(html).to_have_attribute("lang", "ky")
    expect(page.get_by_test_id("rector-name")).to_be_visible()
    _fill_application(page, work_phone=BAD_PHONE, names=names)
    _shot(page, "register-form.png")
    page.locator("form.request-form button[type=submit]").click()

    expect(page).to_have_url(_url(live_server, "/accounts/register/"))
    expect(page.locator(".form-errors")).to_be_visible()
    phone_error = page.locator("#id_work_phone_error")
    translated = ky("A phone number may contain only digits, spaces and the signs + - ( ).")
    assert translated != "A phone number may contain only digits, spaces and the signs + - ( )."
    expect(phone_error).to_have_text(translated)
    # Nothing entered is lost.
    expect(page.get_by_label(_label(ky("Surname")))).to_have_value(NEWCOMER["last_name"])
    expect(page.get_by_label(_label(ky("Patronymic")))).to_have_value(NEWCOMER["patronymic"])
    expect(page.get_by_label(_label(ky("Work phone")))).to_have_value(BAD_PHONE)
    expect(page.get_by_label(_label(ky("Mobile phone")))).to_have_value(NEWCOMER["mobile_phone"])
    expect(page.get_by_label(_label(ky("Personal e-mail")))).to_have_value(PERSONAL_EMAIL)
    department = page.get_by_label(_label(ky("Department or chair")))
    expect(department.locator("option:checked")).to_have_text(names["department"])
    position = page.get_by_label(_label(ky("Position")))
    expect(position.locator("option:checked")).to_have_text(names["position"])
    system_card = page.get_by_test_id(f"system-{SYSTEM}")
    expect(system_card.get_by_label(names["system"], exact=True)).to_be_checked()
    expect(system_card.get_by_label(_label(ky("Access level")))).to_have_value(AccessLevel.EDIT)
    expect(system_card.get_by_label(names["section"], exact=True)).to_be_checked()
    _shot(page, "register-form-error.png")
    assert not RegistrationRequest.objects.exists()

    page.get_by_label(_label(ky("Work phone"))).fill(NEWCOMER["work_phone"])
    page.locator("form.request-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/accounts/register/track/"))
    request_obj = RegistrationRequest.objects.get(personal_email=PERSONAL_EMAIL)
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED
    expect(page).to_have_url(
        _url(live_server, f"/accounts/register/track/{request_obj.tracking_token}/")
    )
    expect(page.get_by_test_id("status")).to_have_text(ky("Awaiting the HR visa"))
    assert request_obj.work_phone == NEWCOMER["work_phone"]
    assert [(r.system.code, r.access_level) for r in request_obj.requested_systems.all()] == [
        (SYSTEM, AccessLevel.EDIT)
    ]
    assert [s.code for s in request_obj.report_sections.all()] == [SECTION]

    # 2. The head of HR opens the visa queue and approves the request.
    hr = _new_page(browser, live_server)
    try:
        _sign_in(hr, "hrhead")
        hr.locator('.site-nav a[href="/accounts/requests/"]').click()
        expect(hr).to_have_url(_url(live_server, "/accounts/requests/"))
        row = hr.get_by_test_id(f"request-{request_obj.pk}")
        row.get_by_role("link").click()
        expect(hr).to_have_url(_url(live_server, f"/accounts/requests/{request_obj.pk}/"))
        hr.get_by_test_id("approve").click()
        expect(hr).to_have_url(_url(live_server, f"/accounts/requests/{request_obj.pk}/"))
        expect(hr.locator(".message-success")).to_have_count(1)
        expect(hr.get_by_test_id("status")).to_have_text(ky("Approved"))
        expect(hr.get_by_test_id("approve")).to_have_count(0)
    finally:
        hr.context.close()
    request_obj.refresh_from_db()
    newcomer = request_obj.account
    assert newcomer is not None and not newcomer.is_active
    task = AccessGrant.objects.get(user=newcomer, system=system)
    assert task.status == AccessGrant.Status.PENDING

    # 3. The IS-responsible person finds the task, with its due date, and opens the access.
    responsible = _new_page(browser, live_server)
    try:
        _sign_in(responsible, "isresponsible")
        responsible.locator('.site-nav a[href="/accounts/access/queue/"]').click()
        expect(responsible).to_have_url(_url(live_server, "/accounts/access/queue/"))
        row = responsible.get_by_test_id(f"task-{task.pk}")
        expect(row).to_contain_text(newcomer.get_full_name())
        due = row.locator("td").first.locator("time")
        expect(due).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        expect(due).to_have_text(timezone.localtime(task.due_at).date().isoformat())
        expect(row.get_by_test_id("overdue")).to_have_count(0)
        row.get_by_label(ky("Level given")).select_option(AccessLevel.VIEW)
        row.locator("form", has=responsible.locator("input[name=decision][value=grant]")).locator(
            "button[type=submit]"
        ).click()
        expect(responsible).to_have_url(re.compile(r"/accounts/access/queue/(\?page=1)?$"))
        expect(responsible.locator(".message-success")).to_have_count(1)
        expect(responsible.get_by_test_id(f"task-{task.pk}")).to_have_count(0)
        expect(responsible.get_by_test_id("recent")).to_contain_text(newcomer.get_full_name())
    finally:
        responsible.context.close()
    task.refresh_from_db()
    assert (task.status, task.granted_level) == (AccessGrant.Status.DONE, AccessLevel.VIEW)

    # 4. The newcomer follows the link from the e-mail, sets the first password, accepts the
    #    agreement and lands on the dashboard; the access is listed as hers.
    links = [
        match.group(0)
        for message in mail.outbox
        if PERSONAL_EMAIL in message.to
        for match in re.finditer(r"/accounts/activate/[\w-]+/", message.body)
    ]
    assert len(set(links)) == 1, [m.subject for m in mail.outbox]
    page.goto(links[0])
    expect(html).to_have_attribute("lang", "ky")
    page.get_by_label(_label(ky("New password"))).fill(FIRST_PASSWORD)
    page.get_by_label(_label(ky("New password confirmation"))).fill(FIRST_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(_url(live_server, "/accounts/agreement/", r"\?next=%2F"))
    expect(page.get_by_test_id("user-name")).to_have_text(newcomer.get_full_name())
    expect(page.get_by_test_id("agreement-text")).to_be_visible()
    _shot(page, "agreement.png")
    page.get_by_test_id("agreement-checkbox").check()
    page.get_by_test_id("agreement-accept").click()

    expect(page).to_have_url(_url(live_server, "/"))
    expect(html).to_have_attribute("lang", "ky")
    expect(page.get_by_test_id("user-name")).to_have_text(newcomer.get_full_name())
    expect(page.locator("h1")).to_contain_text(NEWCOMER["first_name"])
    newcomer.refresh_from_db()
    assert newcomer.is_active and newcomer.check_password(FIRST_PASSWORD)

    page.locator('.site-nav a[href="/accounts/access/mine/"]').click()
    expect(page).to_have_url(_url(live_server, "/accounts/access/mine/"))
    granted = page.get_by_test_id("granted").locator("tbody tr")
    expect(granted).to_have_count(1)
    expect(granted.locator("td").nth(0)).to_have_text(names["system"])
    expect(granted.locator("td").nth(1)).to_have_text(ky("View"))
    expect(page.get_by_test_id("pending")).to_have_count(0)
