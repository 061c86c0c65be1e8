"""HR officers work with people through the admin site (project card: "HR through the admin").

Personas: an HR officer (staff, group hr_officer), an auditor with staff access, a student,
and the system administrator (superuser).
"""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import Department, Position, User

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"


@pytest.fixture
def hr_officer(make_user):
    return make_user("hrofficer", roles=[roles.HR_OFFICER], is_staff=True)


@pytest.fixture
def employee(make_user):
    return make_user("employee", patronymic="Асанович")


def _change_form_data(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "patronymic": user.patronymic,
        "email": user.email,
        "personal_email": user.personal_email,
        "work_phone": user.work_phone,
        "mobile_phone": user.mobile_phone,
        "home_address": user.home_address,
        "preferred_language": user.preferred_language,
        "kind": user.kind,
        "department": user.department_id or "",
        "position": user.position_id or "",
        "groups": list(user.groups.values_list("pk", flat=True)),
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- who gets in


def test_hr_officer_logs_in_to_the_admin_and_sees_the_users(client, hr_officer, employee):
    response = client.post(
        reverse("admin:login"),
        {"username": "hrofficer", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "employee" in response.content.decode()


def test_hr_officer_opens_the_add_user_page_and_creates_a_user(client, hr_officer):
    client.force_login(hr_officer)
    url = reverse("admin:accounts_user_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "username": "newcomer",
            "last_name": "Жаңы",
            "first_name": "Кызматкер",
            "patronymic": "",
            "email": "newcomer@kstu.kg",
            "kind": "employee",
            "password1": "Kstu#New2026pass",
            "password2": "Kstu#New2026pass",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(username="newcomer").check_password("Kstu#New2026pass")


def test_hr_officer_cannot_delete_users(client, hr_officer, employee):
    client.force_login(hr_officer)
    response = client.post(
        reverse("admin:accounts_user_delete", args=[employee.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=employee.pk).exists()


def test_student_without_staff_access_is_sent_to_the_admin_login(client, make_user):
    client.force_login(make_user("student", roles=[roles.STUDENT]))
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_auditor_sees_users_read_only(client, make_user, employee):
    client.force_login(make_user("auditor", roles=[roles.AUDITOR], is_staff=True))
    url = reverse("admin:accounts_user_change", args=[employee.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _change_form_data(employee, last_name="Changed"))
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.last_name != "Changed"


# ---------------------------------------------------------------------- no privilege escalation


def test_hr_officer_sees_the_superuser_flag_read_only(client, hr_officer, employee):
    client.force_login(hr_officer)
    html = client.get(reverse("admin:accounts_user_change", args=[employee.pk])).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html


def test_hr_officer_cannot_grant_roles_or_admin_access(client, hr_officer, employee):
    from django.contrib.auth.models import Group

    client.force_login(hr_officer)
    url = reverse("admin:accounts_user_change", args=[employee.pk])
    html = client.get(url).content.decode()
    assert 'name="groups"' not in html and 'name="is_staff"' not in html
    hr_head = Group.objects.get(name=roles.HR_HEAD)
    data = _change_form_data(employee, last_name="Жаңы")
    data.update({"groups": [hr_head.pk], "is_staff": "on"})
    assert client.post(url, data).status_code == 302
    employee.refresh_from_db()
    assert employee.last_name == "Жаңы"  # the rest of the card is saved
    assert not employee.is_staff and not employee.groups.filter(pk=hr_head.pk).exists()


def test_it_department_grants_roles_to_others_but_not_to_itself(client, make_user, employee):
    it = make_user("itboss", roles=[roles.IT_DEPARTMENT], is_staff=True)
    client.force_login(it)
    assert (
        'name="groups"'
        in client.get(reverse("admin:accounts_user_change", args=[employee.pk])).content.decode()
    )
    assert (
        'name="groups"'
        not in client.get(reverse("admin:accounts_user_change", args=[it.pk])).content.decode()
    )


def test_hr_officer_cannot_make_someone_superuser(client, hr_officer, employee):
    client.force_login(hr_officer)
    response = client.post(
        reverse("admin:accounts_user_change", args=[employee.pk]),
        _change_form_data(employee, is_superuser="on", last_name="Осмонов"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.last_name == "Осмонов"  # the rest of the form was saved
    assert employee.is_superuser is False


def test_superuser_can_make_someone_superuser(client, admin_user, employee):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_change", args=[employee.pk]),
        _change_form_data(employee, is_superuser="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.is_superuser is True


def test_hr_officer_cannot_set_a_new_password_for_a_superuser(client, hr_officer, admin_user):
    client.force_login(hr_officer)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[admin_user.pk]),
        {"password1": "Taken#Over2026", "password2": "Taken#Over2026", "usable_password": "true"},
    )
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.check_password("Taken#Over2026")


def test_hr_officer_cannot_edit_or_deactivate_a_superuser(client, hr_officer, admin_user):
    client.force_login(hr_officer)
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    response = client.post(url, _change_form_data(admin_user, is_active=None, email="x@evil.kg"))
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active is True
    assert admin_user.email != "x@evil.kg"


def test_hr_officer_sees_a_superuser_read_only(client, hr_officer, admin_user):
    client.force_login(hr_officer)
    response = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk]))
    assert response.status_code == 200
    assert 'name="email"' not in response.content.decode()


def test_staff_with_a_delete_right_cannot_delete_a_superuser(client, make_user, admin_user):
    from django.contrib.auth.models import Permission

    deleter = make_user("deleter", is_staff=True)
    deleter.user_permissions.add(
        *Permission.objects.filter(codename__in=["delete_user", "view_user", "change_user"])
    )
    client.force_login(deleter)
    response = client.post(
        reverse("admin:accounts_user_delete", args=[admin_user.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [admin_user.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_hr_officer_still_resets_an_ordinary_users_password(client, hr_officer, employee):
    client.force_login(hr_officer)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[employee.pk]),
        {"password1": "Fresh#Start2026", "password2": "Fresh#Start2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employee.refresh_from_db()
    assert employee.check_password("Fresh#Start2026")


# --------------------------------------------------------------------------- language


def test_admin_index_is_russian_with_the_language_cookie(client, hr_officer):
    client.force_login(hr_officer)
    client.cookies["kstu_language"] = "ru"
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="ru"' in html
    assert "Администрирование сайта" in html
    assert "Site administration" not in html


def test_admin_index_is_english_with_the_english_cookie(client, hr_officer):
    client.force_login(hr_officer)
    client.cookies["kstu_language"] = "en"
    html = client.get(reverse("admin:index")).content.decode()
    assert "Site administration" in html


# --------------------------------------------------------------------------- query budget


def _make_people(count: int) -> None:
    parent = Department.objects.create(
        kind="institute",
        name_ky="Институт",
        name_ru="Институт",
        name_en="Institute",
        registration_code="INST",
    )
    departments = [
        Department.objects.create(
            kind="chair",
            parent=parent,
            name_ky=f"Кафедра {i}",
            name_ru=f"Кафедра {i}",
            name_en=f"Chair {i}",
            registration_code=f"CH-{i}",
        )
        for i in range(5)
    ]
    positions = [
        Position.objects.create(
            code=f"pos-{i}", name_ky=f"Кызмат {i}", name_ru=f"Должность {i}", name_en=f"Pos {i}"
        )
        for i in range(4)
    ]
    User.objects.bulk_create(
        User(
            username=f"person{i}",
            last_name=f"Фамилия{i:03d}",
            first_name="Имя",
            email=f"person{i}@kstu.kg",
            department=departments[i % len(departments)],
            position=positions[i % len(positions)],
        )
        for i in range(count)
    )


CHANGELIST_QUERY_BUDGET = 13  # session, user, 2× permissions, filters, 2× count, page,
# session save, and the EDO outage banner (cached 30 s, so once per page in a test)


def test_user_changelist_with_thirty_people_stays_within_its_query_budget(
    client, hr_officer, django_assert_max_num_queries
):
    _make_people(30)
    client.force_login(hr_officer)
    url = reverse("admin:accounts_user_changelist")
    with django_assert_max_num_queries(CHANGELIST_QUERY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Фамилия029" in html
    assert "Кафедра 4" in html  # department and position shown in the default language
    assert "Кызмат 3" in html
