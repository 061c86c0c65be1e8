"""Form fields point screen readers at their help text and errors."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _dangling_references(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    missing = []
    for refs in re.findall(r'aria-describedby="([^"]+)"', html):
        missing += [ref for ref in refs.split() if ref not in ids]
    return missing


def test_an_invalid_registration_field_is_marked_and_points_at_its_error(client):
    response = client.post(reverse("accounts:register"), {"work_phone": "12", "last_name": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert _dangling_references(html) == []


def test_password_change_fields_reference_existing_help_and_errors(client, make_user):
    client.force_login(make_user("a11y"))
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "x", "new_password1": "short", "new_password2": "short"},
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert _dangling_references(html) == []
