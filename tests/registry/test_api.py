import pytest
from django.urls import reverse

from registry.services import system_assign_responsible

pytestmark = pytest.mark.django_db

API_LIST = reverse("api-systems")


def test_anonymous_is_refused(client):
    assert client.get(API_LIST).status_code in (401, 403)
    assert client.get(reverse("api-system", args=["avn"])).status_code in (401, 403)


def test_lists_the_ten_systems_with_names_in_three_languages(client, employee):
    client.force_login(employee)
    response = client.get(API_LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 10
    avn = data["results"][0]
    assert (avn["code"], avn["name_ky"], avn["name_ru"], avn["name_en"]) == (
        "avn",
        "AVN маалыматтык системасы",
        "Информационная система AVN",
        "AVN information system",
    )
    assert [s["code"] for s in avn["report_sections"]][:2] == [
        "student-contingent",
        "academic-performance",
    ]


def test_filters_by_signature_use_text_and_activity(client, employee, system):
    client.force_login(employee)
    e_signed = client.get(API_LIST, {"signature_use": "e_signature"}).json()
    assert [s["code"] for s in e_signed["results"]] == ["avn", "unet"]
    assert [s["code"] for s in client.get(API_LIST, {"q": "Canva"}).json()["results"]] == ["canva"]
    canva = system("canva")
    canva.is_active = False
    canva.save()
    assert client.get(API_LIST).json()["count"] == 9
    # Systems out of use are only for those who manage the register.
    assert client.get(API_LIST, {"active": "false"}).json()["count"] == 0


def test_it_department_sees_systems_out_of_use(client, it_officer, system):
    canva = system("canva")
    canva.is_active = False
    canva.save()
    client.force_login(it_officer)
    codes = [s["code"] for s in client.get(API_LIST, {"active": "false"}).json()["results"]]
    assert codes == ["canva"]
    assert client.get(API_LIST, {"active": "all"}).json()["count"] == 10


def test_invalid_filter_is_a_bad_request(client, employee):
    client.force_login(employee)
    assert client.get(API_LIST, {"signature_use": "wet-ink"}).status_code == 400


def test_detail_carries_responsible_persons(client, it_officer, responsible_ky, employee, system):
    system_assign_responsible(actor=it_officer, system=system("1c"), user=responsible_ky)
    client.force_login(employee)
    data = client.get(reverse("api-system", args=["1c"])).json()
    assert data["signature_use"] == "electronic_confirmation"
    assert data["responsible_persons"] == [
        {"id": responsible_ky.pk, "full_name": "Асанова Айгүл", "email": "resp_aigul@kstu.kg"}
    ]
    assert client.get(reverse("api-system", args=["nope"])).status_code == 404


def test_api_list_query_count_is_bounded(
    client,
    it_officer,
    responsible_ky,
    responsible_en,
    employee,
    system,
    django_assert_max_num_queries,
):
    for code in ("avn", "1c", "unet", "zoom", "canva"):
        for person in (responsible_ky, responsible_en):
            system_assign_responsible(actor=it_officer, system=system(code), user=person)
    client.force_login(employee)
    client.get(API_LIST)
    # session read, user, count, systems, persons, report sections; session save (3 with the
    # savepoint). An N+1 over systems or persons would add 10 or more.
    with django_assert_max_num_queries(9):
        response = client.get(API_LIST)
    assert sum(len(s["responsible_persons"]) for s in response.json()["results"]) == 10


def test_schema_documents_the_register_endpoints(client, employee):
    client.force_login(employee)
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/systems/" in paths
    parameters = {p["name"] for p in paths["/api/v1/systems/"]["get"]["parameters"]}
    assert {"q", "signature_use", "active", "page"} <= parameters
    assert "/api/v1/systems/{code}/" in paths
