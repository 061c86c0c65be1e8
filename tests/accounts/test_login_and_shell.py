import pytest
from django.urls import reverse

from accounts import roles

pytestmark = pytest.mark.django_db


def test_login_page_is_kyrgyz_by_default_and_password_is_not_stored_by_browser(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ky">' in html
    assert 'type="password"' in html
    assert 'autocomplete="off"' in html.split('type="password"')[1].split(">")[0] or (
        'autocomplete="off"' in html.split('type="password"')[0].rsplit("<input", 1)[1]
    )


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_logs_in_and_sees_role_dashboard_with_logout(client, make_user):
    make_user("hr1", roles=[roles.HR_OFFICER], is_staff=True, first_name="Жылдыз")
    response = client.post(
        reverse("login"), {"username": "hr1", "password": "Str0ng#Pass"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Жылдыз" in html
    assert reverse("logout") in html
    assert reverse("admin:accounts_user_changelist") in html  # HR card links to the admin
    assert response.headers["Cache-Control"] == "no-store"


def test_student_dashboard_does_not_offer_hr_tools(client, make_user):
    student = make_user("st1", roles=[roles.STUDENT])
    client.force_login(student)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("admin:accounts_user_changelist") not in html


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("u1")
    response = client.post(reverse("login"), {"username": "u1", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert b"form-errors" in response.content


def test_logout_ends_the_session(client, make_user):
    client.force_login(make_user("u2"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_profile_shows_own_data_only_to_signed_in_user(client, make_user):
    assert client.get(reverse("accounts:profile")).status_code == 302
    client.force_login(make_user("u3", mobile_phone="+996 555 123 456"))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "+996 555 123 456" in response.content.decode()


def test_language_switch_to_russian_is_remembered(client, make_user):
    client.force_login(make_user("u4"))
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="ru">' in html


def test_preferred_language_of_user_applies_without_a_cookie(client, make_user):
    client.force_login(make_user("u5", preferred_language="en"))
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="en">' in html


def test_browser_language_does_not_override_kyrgyz_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.8")
    assert '<html lang="ky">' in response.content.decode()
