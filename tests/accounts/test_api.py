import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_me_endpoint_refuses_anonymous(client):
    assert client.get(reverse("api-me")).status_code in (401, 403)


def test_me_endpoint_returns_profile_with_session(client, make_user):
    client.force_login(make_user("api1", patronymic="Асанович"))
    data = client.get(reverse("api-me")).json()
    assert data["username"] == "api1"
    assert data["patronymic"] == "Асанович"
    assert "password" not in data


def test_me_endpoint_accepts_token_authentication(client, make_user):
    user = make_user("api2")
    token = Token.objects.create(user=user)
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["username"] == "api2"


def test_openapi_schema_is_valid_openapi_3(client):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]


def test_api_docs_page_uses_local_assets_only(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
