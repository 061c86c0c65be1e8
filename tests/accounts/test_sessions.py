"""Sessions (IS §5.6, A10): they end with the browser, after 30 idle minutes, on "log out
everywhere", and the user sees where they are signed in.

Personas: an employee signed in on a desktop and a phone; a colleague signed in elsewhere.
"""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) Chromium/130"
PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def employee(make_user):
    return make_user("employee")


def _device(user, agent: str, address: str) -> Client:
    device = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    device.force_login(user)
    assert device.get(reverse("dashboard")).status_code == 200
    return device


def test_the_session_cookie_ends_with_the_browser_and_is_hidden_from_scripts(client, employee):
    response = client.post(reverse("login"), {"username": "employee", "password": "Str0ng#Pass"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_a_session_ends_after_31_idle_minutes(client, employee):
    client.force_login(employee)
    assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(dt.timedelta(minutes=31)):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_activity_keeps_the_session_alive(client, employee):
    client.force_login(employee)
    with time_machine.travel(dt.timedelta(0), tick=False) as clock:
        for _ in range(4):  # 80 minutes in all, never 30 idle
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("dashboard")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get(reverse("dashboard")).status_code == 302


def test_my_sessions_page_requires_sign_in(client):
    response = client.get(reverse("accounts:sessions"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_my_sessions_page_lists_my_devices_only(employee, make_user):
    desktop = _device(employee, DESKTOP, "10.1.1.10")
    _device(employee, PHONE, "10.1.1.20")
    _device(make_user("colleague"), "Other/1.0", "10.9.9.9")

    html = desktop.get(reverse("accounts:sessions")).content.decode()
    assert "10.1.1.10" in html and "10.1.1.20" in html
    assert "Android 14" in html
    assert "10.9.9.9" not in html
    assert html.count('aria-current="true"') == 1
    assert 'data-testid="logout-everywhere"' in html


def test_log_out_everywhere_ends_every_session_of_the_user_including_this_one(employee, make_user):
    desktop = _device(employee, DESKTOP, "10.1.1.10")
    phone = _device(employee, PHONE, "10.1.1.20")
    colleague = _device(make_user("colleague"), "Other/1.0", "10.9.9.9")

    response = desktop.post(reverse("accounts:sessions_end_all"))
    assert response.status_code == 302
    assert response.url == reverse("login")

    assert desktop.get(reverse("dashboard")).status_code == 302
    assert phone.get(reverse("dashboard")).status_code == 302
    assert colleague.get(reverse("dashboard")).status_code == 200


def test_log_out_everywhere_needs_a_post(client, employee):
    client.force_login(employee)
    assert client.get(reverse("accounts:sessions_end_all")).status_code == 405
    assert client.get(reverse("dashboard")).status_code == 200
