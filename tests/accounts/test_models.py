"""Users, departments and positions: constraints, names and their history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Department, Position, User

pytestmark = pytest.mark.django_db


def _department(code, parent=None, **names):
    names = {"name_ky": f"{code} ky", "name_ru": f"{code} ru", "name_en": f"{code} en", **names}
    return Department.objects.create(registration_code=code, kind="chair", parent=parent, **names)


# --------------------------------------------------------------------------- corporate e-mail


def test_corporate_email_is_unique_ignoring_case(make_user):
    make_user("first", email="Aigul.Asanova@kstu.kg")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second", email="aigul.asanova@KSTU.KG")


def test_duplicate_corporate_email_gets_a_readable_form_error(make_user):
    make_user("first", email="aigul@kstu.kg")
    duplicate = User(username="second", email="AIGUL@kstu.kg")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        duplicate.validate_constraints()
    assert excinfo.value.messages == ["A user with this corporate e-mail already exists."]


def test_many_users_may_have_no_corporate_email(make_user):
    make_user("parent1", email="")
    make_user("parent2", email="")
    make_user("parent3", email="")
    assert User.objects.filter(email="").count() == 3


# --------------------------------------------------------------------------- names


def test_full_name_is_surname_given_name_patronymic(make_user):
    user = make_user("asanov", last_name="Асанов", first_name="Бакыт", patronymic="Токтогулович")
    assert user.get_full_name() == "Асанов Бакыт Токтогулович"
    assert str(user) == "Асанов Бакыт Токтогулович"


def test_full_name_without_patronymic_has_no_trailing_space(make_user):
    user = make_user("smith", last_name="Smith", first_name="John", patronymic="")
    assert user.get_full_name() == "Smith John"


def test_user_without_a_name_is_shown_by_login(make_user):
    user = make_user("nameless", last_name="", first_name="")
    assert str(user) == "nameless"


def test_department_name_follows_the_active_language():
    chair = _department(
        "SE",
        name_ky="Программалык инженерия кафедрасы",
        name_ru="Кафедра программной инженерии",
        name_en="Chair of Software Engineering",
    )
    with translation.override("ky"):
        assert chair.name == "Программалык инженерия кафедрасы"
    with translation.override("ru"):
        assert chair.name == "Кафедра программной инженерии"
        assert str(chair) == "Кафедра программной инженерии"
    with translation.override("en"):
        assert chair.name == "Chair of Software Engineering"


def test_missing_translation_of_a_name_falls_back_to_kyrgyz():
    position = Position.objects.create(
        code="lecturer", name_ky="Окутуучу", name_ru="Преподаватель", name_en=""
    )
    with translation.override("en"):
        assert position.name == "Окутуучу"


# --------------------------------------------------------------------------- the unit tree


def test_descendant_ids_return_the_whole_subtree_and_nothing_else():
    institute = _department("IIT")
    faculty = _department("IIT-FIT", parent=institute)
    chair_a = _department("IIT-SE", parent=faculty)
    chair_b = _department("IIT-CS", parent=faculty)
    other = _department("IE")
    _department("IE-EPS", parent=other)

    assert sorted(institute.descendant_ids()) == sorted(
        [institute.pk, faculty.pk, chair_a.pk, chair_b.pk]
    )
    assert sorted(faculty.descendant_ids()) == sorted([faculty.pk, chair_a.pk, chair_b.pk])
    assert chair_a.descendant_ids() == [chair_a.pk]


def test_ancestors_are_listed_nearest_first():
    institute = _department("IIT")
    faculty = _department("IIT-FIT", parent=institute)
    chair = _department("IIT-SE", parent=faculty)
    assert chair.ancestors() == [faculty, institute]


def test_a_unit_cannot_be_its_own_parent():
    unit = _department("SELF")
    unit.parent_id = unit.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


# --------------------------------------------------------------------------- history


def test_user_change_through_the_admin_is_recorded_with_actor_and_address(
    client, admin_user, make_user
):
    employee = make_user("employee", last_name="Old")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_change", args=[employee.pk]),
        {
            "username": "employee",
            "last_name": "Осмонов",
            "first_name": employee.first_name,
            "email": employee.email,
            "preferred_language": "ky",
            "kind": "employee",
            "is_active": "on",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    latest = employee.history.first()
    assert latest.last_name == "Осмонов"
    assert latest.history_type == "~"
    assert latest.history_user == admin_user
    assert latest.ip_address == "203.0.113.7"
    assert employee.history.last().last_name == "Old"


def test_history_ignores_a_forwarded_for_header_without_a_trusted_proxy(
    client, admin_user, settings
):
    settings.TRUSTED_PROXY_HEADER = ""
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_position_add"),
        {"code": "dean", "name_ky": "Декан", "name_ru": "Декан", "name_en": "Dean"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert Position.objects.get(code="dean").history.first().ip_address == "10.0.0.5"


def test_history_uses_the_client_address_given_by_the_trusted_proxy(client, admin_user, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_position_add"),
        {"code": "dean", "name_ky": "Декан", "name_ru": "Декан", "name_en": "Dean"},
        REMOTE_ADDR="10.0.0.5",  # our reverse proxy
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.66",  # spoofed entry, then the real client
    )
    assert Position.objects.get(code="dean").history.first().ip_address == "198.51.100.66"


def test_history_does_not_keep_password_hashes(make_user):
    user = make_user("secretive")
    user.set_password("An0ther#Secret")
    user.save()
    historical_fields = {f.name for f in user.history.model._meta.get_fields()}
    assert "password" not in historical_fields
    assert user.history.count() == 2
