"""The responsible person's queue, "my access" and the overdue report: who sees what, and at
what cost in queries."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import AccessGrant, PersonnelOrder
from accounts.services.access_tasks import access_task_create
from tests.accounts.test_grants_support import (
    at,
    bishkek,
    done_grant,
    make_department,
    make_position,
    make_responsible,
    make_system,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db

NOW = bishkek(2025, 3, 20, 10, 0)
START = bishkek(2025, 3, 3)


@pytest.fixture
def systems():
    return [make_system(f"sys-{n}", f"System {n}") for n in range(3)]


@pytest.fixture
def aigul(make_user, systems):
    """Айгүл is responsible for the first two systems."""
    return make_responsible(make_user, "resp_aigul", systems=systems[:2])


@pytest.fixture
def bakyt(make_user, systems):
    """Bakyt is responsible for the third system only."""
    return make_responsible(make_user, "resp_bakyt", systems=systems[2:])


def _tasks(make_user, systems, count, *, start=START):
    """``count`` pending grant tasks spread over ``systems``, each for its own employee, with
    a department, a position and a report section to show."""
    department, position = make_department("CH-Q"), make_position("engineer")
    tasks = []
    for n in range(count):
        system = systems[n % len(systems)]
        section = system.report_sections.create(
            code=f"s{n}", name_ky=f"Бөлүм {n}", name_ru=f"Раздел {n}", name_en=f"Section {n}"
        )
        person = make_user(
            f"emp{n:03d}", last_name=f"Person{n:03d}", department=department, position=position
        )
        tasks.append(
            access_task_create(
                user=person, system=system, kind="grant", start=start, report_sections=[section]
            )
        )
    return tasks


# --------------------------------------------------------------------------- the queue


def test_the_queue_shows_my_systems_tasks_with_due_date_and_overdue_mark(
    client, make_user, systems, aigul, bakyt
):
    overdue, on_time, other = _tasks(make_user, systems, 3)
    on_time.due_at = NOW + dt.timedelta(days=2)
    on_time.save()
    client.force_login(aigul)
    with at(NOW):
        page = client.get(reverse("accounts:access-queue")).content.decode()
    assert "Person000" in page and "Person001" in page
    assert "Person002" not in page  # a task of Bakyt's system
    assert "Chair CH-Q" in page and "Engineer" in page  # department and position, in English
    assert page.count('data-testid="overdue"') == 1  # only the first task is past its date
    assert "2025-03-06" in page  # 3 working days after 3 March


def test_the_queue_lists_recent_decisions(client, make_user, systems, aigul):
    task = _tasks(make_user, systems[:1], 1)[0]
    task.status, task.decided_at, task.decided_by = "refused", NOW, aigul
    task.reason = "Not in the staff list"
    task.save()
    client.force_login(aigul)
    page = client.get(reverse("accounts:access-queue")).content.decode()
    assert 'data-testid="recent"' in page and "Not in the staff list" in page
    assert 'data-testid="queue-clear"' in page


def test_someone_responsible_for_nothing_sees_an_empty_state(client, make_user, systems):
    _tasks(make_user, systems, 3)
    client.force_login(make_user("emp_outsider"))
    response = client.get(reverse("accounts:access-queue"))
    assert response.status_code == 200
    assert 'data-testid="queue-empty"' in response.content.decode()
    assert "Person000" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("accounts:access-queue"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_queue_is_paginated(client, make_user, systems, aigul):
    _tasks(make_user, systems[:2], 25)
    client.force_login(aigul)
    first = client.get(reverse("accounts:access-queue")).content.decode()
    second = client.get(reverse("accounts:access-queue") + "?page=2").content.decode()
    assert first.count('data-testid="task-') == 20 and second.count('data-testid="task-') == 5


def test_the_queue_has_a_query_budget(
    client, make_user, systems, aigul, django_assert_max_num_queries
):
    _tasks(make_user, systems, 30)  # 20 of Aigul's tasks on the first page
    client.force_login(aigul)
    # Fixed costs (session, user, permissions, the session save) plus the systems, the page
    # with its count and report sections, and the recent decisions: none grows with the rows.
    # +1: the EDO outage banner's state (cached 30 s).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("accounts:access-queue"))
    assert response.content.decode().count('data-testid="task-') == 20


# --------------------------------------------------------------------------- my access


def test_my_access_shows_what_i_have_wait_for_was_refused_and_lost(client, make_user, systems):
    nurlan = make_user("emp_nurlan")
    done_grant(user=nurlan, system=systems[0], level="edit")
    done_grant(user=nurlan, system=systems[1], level="view")
    order = PersonnelOrder.objects.create(
        user=nurlan,
        kind="transfer",
        number="9-k",
        approved_on=dt.date(2025, 2, 3),
        effective_on=dt.date(2025, 2, 3),
        created_by=make_user("hr_asel"),
    )
    AccessGrant.objects.create(
        user=nurlan,
        system=systems[1],
        kind="revoke",
        status="done",
        order=order,
        due_at=bishkek(2025, 2, 6),
        decided_at=bishkek(2025, 2, 5),
    )
    AccessGrant.objects.create(
        user=nurlan,
        system=systems[2],
        kind="grant",
        status="refused",
        reason="Wrong unit",
        due_at=bishkek(2025, 2, 6),
        decided_at=bishkek(2025, 2, 5),
    )
    pending = access_task_create(
        user=nurlan, system=systems[2], kind="grant", start=bishkek(2025, 3, 3)
    )
    client.force_login(nurlan)
    with at(NOW):
        page = client.get(reverse("accounts:access-mine")).content.decode()
    granted = page.split('data-testid="granted"')[1].split("</table>")[0]
    assert "System 0" in granted and "System 1" not in granted  # closed after the transfer
    assert "Enter and edit data" in granted
    pending_table = page.split('data-testid="pending"')[1].split("</table>")[0]
    assert "System 2" in pending_table and pending.due_at.astimezone().strftime("%Y") in page
    assert 'data-testid="overdue"' in pending_table
    assert "Wrong unit" in page.split('data-testid="refused"')[1]
    assert "№9-k" in page.split('data-testid="closed"')[1]


def test_my_access_shows_only_my_own_tasks(client, make_user, systems):
    _tasks(make_user, systems, 3)
    client.force_login(make_user("emp_other"))
    page = client.get(reverse("accounts:access-mine")).content.decode()
    assert "Person000" not in page and "You have no access" in page


def test_my_access_is_for_signed_in_users(client):
    response = client.get(reverse("accounts:access-mine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_access_has_a_query_budget(client, make_user, systems, django_assert_max_num_queries):
    nurlan = make_user("emp_nurlan")
    more = [make_system(f"more-{n}") for n in range(20)]
    for system in more[:10]:
        done_grant(user=nurlan, system=system)
    for system in [*more[10:], *systems]:
        access_task_create(user=nurlan, system=system, kind="grant", start=bishkek(2025, 3, 3))
    client.force_login(nurlan)
    # Session, user, permissions and the session save are fixed; the page itself costs two.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:access-mine")).content.decode()
    assert page.count("<tr>") >= 1 + 10 + 1 + 13


# --------------------------------------------------------------------------- overdue report


@pytest.mark.parametrize("role", [roles.RECTOR, roles.HR_HEAD, roles.IT_DEPARTMENT, roles.AUDITOR])
def test_the_overdue_report_is_open_to_those_who_oversee_deadlines(
    client, make_user, systems, aigul, bakyt, role
):
    _tasks(make_user, systems, 6)
    client.force_login(make_user("overseer", roles=[role]))
    with at(NOW):
        response = client.get(reverse("accounts:access-overdue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="overdue-total"' in page and ">6 overdue tasks" in page
    by_system = page.split('data-testid="by-system"')[1].split("</table>")[0]
    assert by_system.count("<tr data-testid=") == 3
    by_person = page.split('data-testid="by-person"')[1].split("</table>")[0]
    assert "resp_aigul@kstu.kg" in by_person and "<td>4</td>" in by_person
    assert "2025-03-06" in by_person


@pytest.mark.parametrize("role", [None, roles.IS_RESPONSIBLE, roles.HR_OFFICER, roles.TEACHER])
def test_the_overdue_report_is_closed_to_others(client, make_user, role):
    client.force_login(make_user("someone", roles=[role] if role else []))
    assert client.get(reverse("accounts:access-overdue")).status_code == 403


def test_the_overdue_report_leaves_out_tasks_not_yet_due_or_decided(
    client, make_user, systems, aigul
):
    tasks = _tasks(make_user, systems, 3)
    tasks[0].due_at = NOW + dt.timedelta(hours=1)
    tasks[0].save()
    tasks[1].status = "done"
    tasks[1].save()
    client.force_login(make_user("rector", roles=[roles.RECTOR]))
    with at(NOW):
        page = client.get(reverse("accounts:access-overdue")).content.decode()
    assert ">1 overdue task" in page


def test_the_overdue_report_exports_csv(client, make_user, systems, aigul):
    _tasks(make_user, systems, 3)
    client.force_login(make_user("auditor", roles=[roles.AUDITOR]))
    with at(NOW):
        response = client.get(reverse("accounts:access-overdue") + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4 and "Person000" in rows[1] and "Тестов Resp_aigul" in rows[1]


def test_the_overdue_report_has_a_query_budget(
    client, make_user, systems, aigul, bakyt, django_assert_max_num_queries
):
    more = [make_system(f"more-{n}") for n in range(7)]
    _tasks(make_user, [*systems, *more], 30)
    client.force_login(make_user("rector", roles=[roles.RECTOR]))
    with at(NOW), django_assert_max_num_queries(12):
        page = client.get(reverse("accounts:access-overdue")).content.decode()
    assert ">30 overdue tasks" in page
