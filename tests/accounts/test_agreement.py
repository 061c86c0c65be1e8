"""The agreement on electronic interaction before anything else (IS §6.2–6.5, A13)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AgreementAcceptance, AgreementVersion
from accounts.services.agreement import (
    agreement_accept,
    agreement_current_version_number,
    agreement_version_publish,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"
AGREEMENT_URL = "/accounts/agreement/"


@pytest.fixture(autouse=True)
def agreement_required(settings):
    settings.KSTU_REQUIRE_AGREEMENT = True


@pytest.fixture
def newcomer(make_user):
    """Гүлзат, an employee who signs in for the first time."""
    return make_user("gulzat", first_name="Гүлзат")


@pytest.fixture
def rector(make_user):
    return make_user("root", is_superuser=True, is_staff=True)


def _accept(client, version_number=1, **extra):
    return client.post(
        AGREEMENT_URL, {"version": version_number, "accept": "1", "next": "/"}, **extra
    )


def test_first_login_leads_to_the_agreement_and_acceptance_leads_to_the_dashboard(client, newcomer):
    response = client.post(
        reverse("login"), {"username": "gulzat", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(AGREEMENT_URL)
    html = response.content.decode()
    assert "6.2." in html  # the text of the regulation, in Kyrgyz by default
    assert "өздүк кол тамгага барабар" in html
    assert 'data-testid="agreement-checkbox"' in html

    response = client.post(
        AGREEMENT_URL, {"version": 1, "accept": "1", "next": reverse("dashboard")}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_agreement_text_follows_the_interface_language(client, newcomer):
    client.force_login(newcomer)
    client.cookies["kstu_language"] = "ru"
    html = client.get(AGREEMENT_URL).content.decode()
    assert "равнозначны собственноручной подписи" in html


def test_any_page_is_redirected_to_the_agreement_with_the_page_to_come_back_to(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("registry:list") + "?q=moodle")
    assert response.status_code == 302
    assert response.url.startswith(AGREEMENT_URL + "?next=")
    response = client.post(
        AGREEMENT_URL, {"version": 1, "accept": "1", "next": reverse("registry:list") + "?q=moodle"}
    )
    assert response.url == reverse("registry:list") + "?q=moodle"


def test_acceptance_stores_version_time_address_and_browser(client, newcomer):
    client.force_login(newcomer)
    before = timezone.now()
    _accept(client, REMOTE_ADDR="10.20.30.40", HTTP_USER_AGENT="Firefox/128 (KSTU lab)")
    acceptance = AgreementAcceptance.objects.get(user=newcomer)
    assert acceptance.version.version == 1
    assert before <= acceptance.accepted_at <= timezone.now()
    assert acceptance.ip_address == "10.20.30.40"
    assert acceptance.user_agent == "Firefox/128 (KSTU lab)"
    assert acceptance.history.count() == 1  # the acceptance itself is audited


def test_accepting_again_keeps_the_first_acceptance(client, newcomer):
    client.force_login(newcomer)
    _accept(client, REMOTE_ADDR="10.0.0.1")
    first = AgreementAcceptance.objects.get(user=newcomer)
    version = AgreementVersion.objects.get(version=1)
    again = agreement_accept(user=newcomer, version=version, request=None)
    assert again.pk == first.pk
    assert again.ip_address == "10.0.0.1"
    assert AgreementAcceptance.objects.filter(user=newcomer).count() == 1


def test_unticked_box_is_refused_and_nothing_is_stored(client, newcomer):
    client.force_login(newcomer)
    response = client.post(AGREEMENT_URL, {"version": 1, "next": "/"})
    assert response.status_code == 200
    assert b"field-error" in response.content
    assert not AgreementAcceptance.objects.filter(user=newcomer).exists()
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_new_version_must_be_accepted_again(client, newcomer, rector):
    client.force_login(newcomer)
    _accept(client)
    assert client.get(reverse("dashboard")).status_code == 200

    agreement_version_publish(actor=rector, text_ky="Жаңы текст", text_ru="Новый", text_en="New")

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(AGREEMENT_URL)
    assert "Жаңы текст" in client.get(AGREEMENT_URL).content.decode()
    # Accepting the old version (a page left open) does not let the user through.
    response = _accept(client, version_number=1)
    assert response.url.startswith(AGREEMENT_URL)
    _accept(client, version_number=2)
    assert client.get(reverse("dashboard")).status_code == 200
    assert set(
        AgreementAcceptance.objects.filter(user=newcomer).values_list("version__version", flat=True)
    ) == {1, 2}


def test_a_version_published_for_a_future_date_is_not_asked_before_that_date(
    client, newcomer, rector
):
    client.force_login(newcomer)
    _accept(client)
    agreement_version_publish(
        actor=rector,
        text_ky="ky",
        text_ru="ru",
        text_en="en",
        published_at=timezone.now() + timedelta(days=3),
    )
    assert agreement_current_version_number() == 1
    assert client.get(reverse("dashboard")).status_code == 200


def test_only_a_superuser_or_holder_of_the_permission_publishes_a_version(newcomer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        agreement_version_publish(actor=newcomer, text_ky="a", text_ru="b", text_en="c")


def test_api_answers_json_403_before_acceptance(client, newcomer):
    client.force_login(newcomer)
    response = client.get("/api/v1/systems/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    _accept(client)
    assert client.get("/api/v1/systems/").status_code == 200


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/logout/"),
        ("post", "/i18n/setlang/"),
        ("get", "/healthz"),
        ("get", "/static/css/app.css"),
        ("get", "/accounts/activate/some-token/"),
        ("get", AGREEMENT_URL),
    ],
)
def test_excluded_paths_are_not_redirected_to_the_agreement(client, newcomer, method, path):
    client.force_login(newcomer)
    with mock.patch("kstu.views._check_worker", return_value=True):
        response = getattr(client, method)(path, {"language": "ru"} if "i18n" in path else {})
    location = response.get("Location", "")
    assert not location.startswith(AGREEMENT_URL)
    assert response.status_code != 403


def test_next_pointing_to_another_site_is_ignored(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        AGREEMENT_URL, {"version": 1, "accept": "1", "next": "https://evil.example/steal"}
    )
    assert response.url == reverse("dashboard")


def test_anonymous_visitor_is_sent_to_login_not_to_the_agreement(client):
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))
    assert client.get(AGREEMENT_URL).url.startswith(reverse("login"))


def test_accepted_user_costs_no_agreement_query_on_later_requests(
    client, newcomer, settings, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(newcomer)
    _accept(client)
    client.get(reverse("dashboard"))  # warms the cache and the session marker
    with CaptureQueriesContext(connection) as required:
        assert client.get(reverse("dashboard")).status_code == 200
    settings.KSTU_REQUIRE_AGREEMENT = False
    with CaptureQueriesContext(connection) as not_required:
        assert client.get(reverse("dashboard")).status_code == 200
    assert len(required) == len(not_required)


def test_another_user_in_the_same_browser_must_accept_themself(client, newcomer, make_user):
    client.force_login(newcomer)
    _accept(client)
    client.force_login(make_user("second"))
    assert client.get(reverse("dashboard")).url.startswith(AGREEMENT_URL)
