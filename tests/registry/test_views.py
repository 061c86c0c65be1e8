import re

import pytest
from django.urls import reverse

from accounts import roles
from registry.models import InformationSystem
from registry.services import system_assign_responsible

pytestmark = pytest.mark.django_db

LIST_URL = reverse("registry:list")


def _shown_codes(response) -> list[str]:
    return re.findall(r'data-testid="system-([\w-]+)"', response.content.decode())


def test_anonymous_is_sent_to_login_from_list_and_detail(client):
    for url in (LIST_URL, reverse("registry:detail", args=["avn"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_signed_in_user_sees_all_ten_systems_with_navigation_link(client, employee):
    client.force_login(employee)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(_shown_codes(response)) == 10
    html = response.content.decode()
    assert f'href="{LIST_URL}" aria-current="page"' in html  # the navigation item
    assert 'href="https://online.kstu.kg"' in html
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("language", "avn_name", "units"),
    [
        ("ky", "AVN маалыматтык системасы", "Окуу башкармалыгы, Студенттерди тейлөө борбору"),
        ("ru", "Информационная система AVN", "Учебное управление, Центр обслуживания студентов"),
        ("en", "AVN information system", "Academic Affairs Office, Student Service Centre"),
    ],
)
def test_list_shows_names_and_units_in_the_chosen_language(
    client, employee, language, avn_name, units
):
    client.force_login(employee)
    client.cookies["kstu_language"] = language
    html = client.get(LIST_URL).content.decode()
    assert f'<html lang="{language}">' in html
    assert avn_name in html
    assert units in html
    others = {"ky": "AVN маалыматтык системасы", "ru": "Информационная система AVN"}
    for other_language, other_name in others.items():
        if other_language != language:
            assert other_name not in html


def test_text_search_finds_a_system_in_any_language(client, employee):
    client.force_login(employee)
    assert _shown_codes(client.get(LIST_URL, {"q": "zoom"})) == ["zoom"]
    assert _shown_codes(client.get(LIST_URL, {"q": "видеоконференц"})) == ["zoom"]
    assert _shown_codes(client.get(LIST_URL, {"q": "Китепкана"})) == ["library"]
    response = client.get(LIST_URL, {"q": "no such system anywhere"})
    assert _shown_codes(response) == []
    assert "0" in response.content.decode().split('class="registry-count"')[1][:40]


def test_filter_by_signature_use(client, employee):
    client.force_login(employee)
    assert _shown_codes(client.get(LIST_URL, {"signature_use": "e_signature"})) == [
        "avn",
        "unet",
    ]
    assert _shown_codes(client.get(LIST_URL, {"signature_use": "electronic_confirmation"})) == [
        "1c"
    ]


def test_unknown_filter_value_is_reported_and_ignored(client, employee):
    client.force_login(employee)
    response = client.get(LIST_URL, {"signature_use": "wet-ink"})
    assert response.status_code == 200
    assert len(_shown_codes(response)) == 10
    assert 'class="form-errors"' in response.content.decode()


def test_responsible_person_filters_own_systems_and_sees_the_badge(
    client, it_officer, responsible_ky, system
):
    system_assign_responsible(actor=it_officer, system=system("1c"), user=responsible_ky)
    client.force_login(responsible_ky)
    assert _shown_codes(client.get(LIST_URL, {"mine": "on"})) == ["1c"]
    client.cookies["kstu_language"] = "en"
    assert "You are responsible" in client.get(LIST_URL).content.decode()


def test_list_shows_responsible_persons_with_mail_and_work_phone(
    client, it_officer, responsible_ky, employee, system
):
    system_assign_responsible(actor=it_officer, system=system("avn"), user=responsible_ky)
    client.force_login(employee)
    html = client.get(LIST_URL).content.decode()
    assert "Асанова Айгүл" in html
    assert 'href="mailto:resp_aigul@kstu.kg"' in html
    assert 'href="tel:+996312541101"' in html


def test_list_page_query_count_does_not_grow_with_systems_and_persons(
    client, make_user, it_officer, employee, django_assert_max_num_queries
):
    systems = list(InformationSystem.objects.all())
    people = [
        make_user(f"resp{n}", roles=[roles.IS_RESPONSIBLE], work_phone=f"+996 555 00 00 0{n}")
        for n in range(6)
    ]
    for index, each in enumerate(systems):
        for person in (people[index % 6], people[(index + 1) % 6]):
            system_assign_responsible(actor=it_officer, system=each, user=person)
    client.force_login(employee)
    client.get(LIST_URL)  # warm the content-type cache, as in a running process
    # session read, user, count, page of systems, their responsible persons, the navigation's
    # two permission queries, session save (3 with the savepoint): 10 whatever the number of
    # systems and persons — an N+1 over either would add 10 or more.
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)
    assert len(_shown_codes(response)) == 10
    assert response.content.decode().count("mailto:") == 20


def test_detail_shows_report_sections_persons_and_history_tab(
    client, it_officer, responsible_en, employee, system
):
    avn = system("avn")
    system_assign_responsible(actor=it_officer, system=avn, user=responsible_en)
    client.force_login(employee)
    client.cookies["kstu_language"] = "ru"
    response = client.get(reverse("registry:detail", args=["avn"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Информационная система AVN" in html
    assert "Контингент студентов" in html
    assert "Экзаменационные сессии" in html
    assert '<th scope="row">Bekov Bakyt</th>' in html
    history_url = reverse("audit:object-history", args=["registry", "informationsystem", avn.pk])
    assert f'href="{history_url}"' in html
    assert reverse("admin:registry_informationsystem_change", args=[avn.pk]) not in html


def test_detail_offers_the_admin_link_to_the_it_department(client, it_officer, system):
    client.force_login(it_officer)
    html = client.get(reverse("registry:detail", args=["zoom"])).content.decode()
    assert reverse("admin:registry_informationsystem_change", args=[system("zoom").pk]) in html


def test_detail_of_unknown_system_is_not_found(client, employee):
    client.force_login(employee)
    assert client.get(reverse("registry:detail", args=["no-such"])).status_code == 404


def test_system_out_of_use_is_hidden_from_users_but_not_from_the_it_department(
    client, employee, it_officer, system
):
    canva = system("canva")
    canva.is_active = False
    canva.save()
    url = reverse("registry:detail", args=["canva"])
    client.force_login(employee)
    assert client.get(url).status_code == 404
    assert "canva" not in _shown_codes(client.get(LIST_URL))
    client.force_login(it_officer)
    assert client.get(url).status_code == 200


def test_dashboard_cards_of_it_department_and_is_responsible_link_to_the_register(
    client, it_officer, responsible_ky
):
    for person in (it_officer, responsible_ky):
        client.force_login(person)
        html = client.get(reverse("dashboard")).content.decode()
        assert f'<h3><a href="{LIST_URL}">' in html


def test_list_is_paginated_and_keeps_the_filters_in_page_links(client, employee, monkeypatch):
    monkeypatch.setattr("registry.views.PAGE_SIZE", 4)
    client.force_login(employee)
    first = client.get(LIST_URL, {"q": "IT"})  # the systems of the IT department, and more
    html = first.content.decode()
    assert len(_shown_codes(first)) == 4
    assert 'href="?q=IT&amp;page=2" rel="next"' in html
    second = client.get(LIST_URL, {"q": "IT", "page": 2})
    assert set(_shown_codes(second)).isdisjoint(_shown_codes(first))
