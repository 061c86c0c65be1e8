"""Browser journeys through the register of information systems and the audit log.

Personas are the demo users (``accounts.demo``): a student reads the register in three languages;
the IT department (``itdept``) edits a system in the admin site and the internal auditor
(``auditor``) finds that change, with its before and after values, in the audit log, on the
system's History tab and in the CSV export. A student is refused the audit log.

The ten systems come from a data migration, but a live-server test empties every table when it
ends, so ``demo`` runs that migration's seeding again, with the migration-state models (as the
migration itself does: no history signals, one "created" entry per row), when they are missing.
(A serialized rollback does not fit: post_migrate handlers recreate the roles' groups after each
flush, and restoring the serialized groups then clashes with them.)
"""

from __future__ import annotations

import csv
import importlib
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, seed_demo
from accounts.models import User
from registry.models import InformationSystem
from registry.services import system_assign_responsible

SHOTS = Path(os.environ.get("KSTU_SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")
SYSTEM_COUNT = 10
ZOOM_NOTE_AFTER = "Жыл сайын узартылат; келишим 2027-жылга чейин"


def _seed_register() -> None:
    """Put the data migration's ten systems back if an earlier live-server test flushed them."""
    if InformationSystem.objects.exists():
        return
    migration = importlib.import_module("registry.migrations.0002_seed_systems")
    state_apps = MigrationLoader(connection).project_state().apps
    migration.seed(state_apps, None)


@pytest.fixture
def demo(live_server):
    """The demo university, with the IS-responsible person made responsible for the library."""
    _seed_register()
    seed_demo()
    assert InformationSystem.objects.count() == SYSTEM_COUNT, "the seeded register is missing"
    system_assign_responsible(
        actor=User.objects.get(username="itdept"),
        system=InformationSystem.objects.get(code="library"),
        user=User.objects.get(username="isresponsible"),
    )
    return {user.username: user for user in User.objects.all()}


def _url(live_server, path: str) -> re.Pattern:
    return re.compile("^" + re.escape(live_server.url + path) + "$")


def _sign_in(page: Page, login: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("logout")).to_be_visible()


def _sign_out(page: Page) -> None:
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def _shot(page: Page, name: str) -> None:
    """The visible part of the page (the full pages are many screens long)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_student_reads_the_register_in_three_languages(page: Page, live_server, demo):
    library = InformationSystem.objects.get(code="library")
    html = page.locator("html")
    _sign_in(page, "student")

    page.locator('.site-nav a[href="/systems/"]').click()
    expect(page).to_have_url(_url(live_server, "/systems/"))
    expect(page.locator('.site-nav a[href="/systems/"]')).to_have_attribute("aria-current", "page")
    expect(html).to_have_attribute("lang", "ky")

    cards = page.locator("ol.registry-list > li")
    expect(cards).to_have_count(SYSTEM_COUNT)
    expect(page.locator("[data-testid^=system-]")).to_have_count(SYSTEM_COUNT)
    headings = page.locator("ol.registry-list > li h2")
    for name in ("AVN", "Zoom", "Canva"):
        expect(headings.filter(has_text=name)).to_have_count(1)
    library_link = page.get_by_test_id("system-library").locator("h2 a")
    expect(library_link).to_have_text(library.name_ky)

    page.get_by_test_id("lang-ru").click()
    expect(html).to_have_attribute("lang", "ru")
    expect(page).to_have_url(_url(live_server, "/systems/"))
    expect(library_link).to_have_text(library.name_ru)
    expect(cards).to_have_count(SYSTEM_COUNT)
    _shot(page, "registry-list-ru.png")

    page.get_by_test_id("lang-en").click()
    expect(html).to_have_attribute("lang", "en")
    expect(library_link).to_have_text(library.name_en)
    expect(page.locator(".site-nav a[aria-current=page]")).to_have_text("Information systems")

    library_link.click()
    expect(page).to_have_url(_url(live_server, "/systems/library/"))
    expect(page.locator("h1")).to_contain_text(library.name_en)
    persons = page.locator("h2#persons")
    expect(persons).to_be_visible()
    expect(persons).to_have_text("Responsible persons")
    responsible = demo["isresponsible"]
    person_row = page.locator("table[aria-labelledby=persons] tbody tr")
    expect(person_row).to_have_count(1)
    expect(person_row.locator("th")).to_have_text(responsible.get_full_name())
    expect(person_row.get_by_role("link", name=responsible.email)).to_have_attribute(
        "href", f"mailto:{responsible.email}"
    )
    tabs = page.get_by_role("navigation", name="Views of the system")
    history = tabs.get_by_role("link", name="History")
    expect(history).to_have_attribute(
        "href", f"/audit/history/registry/informationsystem/{library.pk}/"
    )
    # A student does not manage the register: no link to the admin site.
    expect(tabs.locator('a[href^="/admin/"]')).to_have_count(0)


def test_auditor_finds_the_it_departments_change(page: Page, live_server, demo):
    zoom = InformationSystem.objects.get(code="zoom")
    note_before = zoom.notes_ky
    assert note_before and note_before != ZOOM_NOTE_AFTER

    # The IT department changes the Kyrgyz note of Zoom in the admin site.
    _sign_in(page, "itdept")
    page.goto(f"/admin/registry/informationsystem/{zoom.pk}/change/")
    notes = page.locator("#id_notes_ky")
    expect(notes).to_have_value(note_before)
    notes.fill(ZOOM_NOTE_AFTER)
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(_url(live_server, "/admin/registry/informationsystem/"))
    expect(page.locator(".messagelist .success")).to_have_count(1)
    zoom.refresh_from_db()
    assert zoom.notes_ky == ZOOM_NOTE_AFTER
    page.goto("/")
    _sign_out(page)

    # The auditor opens the audit log from the navigation and filters by information systems.
    _sign_in(page, "auditor")
    page.locator('.site-nav a[href="/audit/"]').click()
    expect(page).to_have_url(_url(live_server, "/audit/"))
    filters = page.locator("form.filters")
    filters.locator("select[name=object_type]").select_option("registry.informationsystem")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*object_type=registry\.informationsystem"))

    entry = page.locator("article.audit-entry").filter(
        has=page.locator("td.after", has_text=ZOOM_NOTE_AFTER)
    )
    expect(entry).to_have_count(1)
    expect(page.locator("article.audit-entry").first).to_contain_text(ZOOM_NOTE_AFTER)  # newest
    _expect_the_change(entry, note_before)
    _shot(page, "audit-log.png")
    entry.screenshot(path=str(SHOTS / "audit-log-entry.png"))

    # The CSV export of the same filter answers with a CSV file holding the change.
    export = filters.locator('a[href^="/audit/export.csv"]')
    href = export.get_attribute("href")
    assert "object_type=registry.informationsystem" in href
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert any(
        row[0] == "itdept" and row[-3:] == ["notes_ky", note_before, ZOOM_NOTE_AFTER]
        for row in rows[1:]
    ), rows[:5]

    # The same change on the History tab of the system's page.
    page.goto("/systems/zoom/")
    page.locator(f'nav.tabs a[href="/audit/history/registry/informationsystem/{zoom.pk}/"]').click()
    expect(page).to_have_url(
        _url(live_server, f"/audit/history/registry/informationsystem/{zoom.pk}/")
    )
    history_entry = page.locator("article.audit-entry").first
    _expect_the_change(history_entry, note_before)


def _expect_the_change(entry, note_before: str) -> None:
    expect(entry.get_by_test_id("entry-login")).to_have_text("itdept")
    expect(entry.locator(".badge")).to_have_class(re.compile(r"\bbadge-changed\b"))
    row = entry.locator("table.diff tbody tr").filter(
        has=entry.page.locator("td.after", has_text=ZOOM_NOTE_AFTER)
    )
    expect(row).to_have_count(1)
    expect(row.locator("td.before")).to_have_text(note_before)
    expect(row.locator("td.after")).to_have_text(ZOOM_NOTE_AFTER)


def test_student_is_refused_the_audit_log(page: Page, live_server, demo):
    _sign_in(page, "student")
    expect(page.locator('.site-nav a[href="/audit/"]')).to_have_count(0)
    for path in ("/audit/", "/audit/export.csv", "/audit/events/"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
