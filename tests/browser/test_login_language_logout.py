"""Browser journey: sign in, switch the interface language and back, sign out.

Persona: the demo HR officer (``hrofficer``) of the demo university. Texts are not asserted
(translations are still moving); the page language (``html[lang]``) and data-testids are.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD, seed_demo
from accounts.models import User

LOGIN = "hrofficer"


@pytest.fixture
def hr_officer():
    seed_demo()
    return User.objects.get(username=LOGIN)


def _url(live_server, path: str) -> re.Pattern:
    return re.compile("^" + re.escape(live_server.url + path) + "$")


def _sign_in(page: Page) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(LOGIN)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_sign_in_switch_language_and_sign_out(page: Page, live_server, hr_officer):
    html = page.locator("html")

    page.goto("/login/")
    expect(html).to_have_attribute("lang", "ky")
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    expect(page.locator("input[name=password]")).to_have_attribute("autocomplete", "off")

    page.locator("input[name=username]").fill(LOGIN)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()

    expect(page).to_have_url(_url(live_server, "/"))
    expect(page.get_by_test_id("user-name")).to_have_text(hr_officer.get_full_name())
    expect(html).to_have_attribute("lang", "ky")
    expect(page.get_by_test_id("lang-ky")).to_have_attribute("aria-pressed", "true")

    page.get_by_test_id("lang-ru").click()
    expect(html).to_have_attribute("lang", "ru")
    expect(page).to_have_url(_url(live_server, "/"))  # stays on the page it was used from
    expect(page.get_by_test_id("lang-ru")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("user-name")).to_have_text(hr_officer.get_full_name())

    page.reload()  # the choice is remembered, not a one-off
    expect(html).to_have_attribute("lang", "ru")

    page.get_by_test_id("lang-ky").click()
    expect(html).to_have_attribute("lang", "ky")
    expect(page.get_by_test_id("lang-ky")).to_have_attribute("aria-pressed", "true")

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    expect(page.get_by_test_id("logout")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_test_id("user-name")).to_have_count(0)


def test_login_form_works_with_the_keyboard_only(page: Page, live_server, hr_officer):
    page.goto("/login/")
    username = page.locator("input[name=username]")
    password = page.locator("input[name=password]")

    expect(username).to_be_focused()  # the cursor is already in the login field
    page.keyboard.type(LOGIN)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(_url(live_server, "/"))
    expect(page.get_by_test_id("user-name")).to_have_text(hr_officer.get_full_name())

    # On the dashboard the first Tab stop is the skip link, and it takes focus to the content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def _has_no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_phone_login_page_fits_and_logout_is_visible(phone_page: Page, live_server, hr_officer):
    page = phone_page
    page.goto("/login/")
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    assert _has_no_horizontal_scroll(page)

    _sign_in(page)

    expect(page).to_have_url(_url(live_server, "/"))
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_visible()
    expect(logout).to_be_in_viewport(ratio=1)
    assert _has_no_horizontal_scroll(page)
