"""Browser journey: three wrong passwords lock an account; the IS-responsible person unlocks it.

Personas: Бакыт, a teacher who mistypes his password; Айгүл, the IS-responsible person, in a
browser of her own. Texts are not asserted (translations are still moving); data-testids are.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts import roles
from tests.browser.conftest import BROWSER_LOCALE, DESKTOP, TIMEOUT_MS

PASSWORD = "Str0ng#Pass"


@pytest.fixture
def people(make_user):
    teacher = make_user("bakyt", roles=[roles.TEACHER], first_name="Бакыт")
    responsible = make_user("aigul", roles=[roles.IS_RESPONSIBLE], first_name="Айгүл")
    return teacher, responsible


def _sign_in(page: Page, login: str, password: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()


def test_locked_user_is_unlocked_by_the_is_responsible_and_signs_in(
    page: Page, browser, live_server, people
):
    teacher, _responsible = people

    for _ in range(2):
        _sign_in(page, "bakyt", "Wrong#Guess1")
        expect(page.locator(".form-errors")).to_be_visible()
    _sign_in(page, "bakyt", "Wrong#Guess1")
    expect(page.get_by_test_id("account-locked")).to_be_visible()

    _sign_in(page, "bakyt", PASSWORD)  # the right password does not help
    expect(page.get_by_test_id("account-locked")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_count(0)

    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale=BROWSER_LOCALE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        admin_page = context.new_page()
        _sign_in(admin_page, "aigul", PASSWORD)
        expect(admin_page.get_by_test_id("user-name")).to_be_visible()
        admin_page.goto("/accounts/locked/")
        expect(admin_page.get_by_test_id("locked-bakyt")).to_be_visible()

        admin_page.get_by_test_id("unlock-bakyt").click()  # no reason: the browser refuses
        expect(admin_page.get_by_test_id("locked-bakyt")).to_be_visible()

        admin_page.get_by_test_id("unlock-reason-bakyt").fill("Бакыт called; act No. 7")
        admin_page.get_by_test_id("unlock-bakyt").click()
        expect(admin_page.get_by_test_id("no-locked-accounts")).to_be_visible()
    finally:
        context.close()

    _sign_in(page, "bakyt", PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + "/$"))
    expect(page.get_by_test_id("user-name")).to_have_text(teacher.get_full_name())
