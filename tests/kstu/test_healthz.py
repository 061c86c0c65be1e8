from unittest import mock

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_503_when_no_worker_answers(client):
    with mock.patch("kstu.views._check_worker", return_value=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "up",
        "redis": "up",
        "worker": "down",
    }


def test_healthz_reports_database_and_redis_up(client):
    with mock.patch("kstu.views._check_worker", return_value=True):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "up"
    assert response.json()["redis"] == "up"
