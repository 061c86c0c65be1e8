"""``manage.py seed_demo``: a small demo university with one user per role, safe to re-run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts import roles
from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import Department, Position, User

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_running_seed_demo_twice_creates_each_demo_user_once(debug_on):
    _seed()
    counts = (User.objects.count(), Department.objects.count(), Position.objects.count())
    output = _seed()
    assert (User.objects.count(), Department.objects.count(), Position.objects.count()) == counts
    usernames = [spec.username for spec in DEMO_USERS]
    assert sorted(
        User.objects.filter(username__in=usernames).values_list("username", flat=True)
    ) == (sorted(usernames))
    assert output.count("existing; password kept") == len(DEMO_USERS)


def test_every_role_has_a_demo_user(debug_on):
    _seed()
    for code in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=code).exists(), code
    assert User.objects.get(username="admin").is_superuser


def test_demo_user_logs_in_with_the_published_password(debug_on, client):
    _seed()
    # Through the login page, as a person would (axes refuses a password check without a request).
    response = client.post(reverse("login"), {"username": "hrofficer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
    assert User.objects.get(username="hrofficer").has_perm("accounts.change_user")


def test_second_run_keeps_a_password_the_demo_user_changed(debug_on):
    _seed()
    teacher = User.objects.get(username="teacher")
    teacher.set_password("Changed#Mine2026")
    teacher.save()

    _seed()

    teacher.refresh_from_db()
    assert teacher.check_password("Changed#Mine2026")
    assert not teacher.check_password(DEMO_PASSWORD)


def test_second_run_keeps_a_department_head_someone_reassigned(debug_on, make_user):
    _seed()
    new_head = make_user("newhead")
    chair = Department.objects.get(registration_code="IIT-SE")
    chair.head = new_head
    chair.save()

    _seed()

    chair.refresh_from_db()
    assert chair.head == new_head


def test_demo_units_form_a_tree(debug_on):
    _seed()
    institute = Department.objects.get(registration_code="IIT")
    chair = Department.objects.get(registration_code="IIT-SE")
    assert chair.pk in institute.descendant_ids()
    assert Department.objects.get(registration_code="R").head.username == "rector"


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not User.objects.filter(username="admin").exists()


def test_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    _seed("--force")
    assert User.objects.filter(username="admin", is_superuser=True).exists()
