"""The employee's "My documents": awaiting with due dates (overdue marked), the archive, and a
query budget that would show an N+1."""

import datetime as dt

import pytest
from django.utils import timezone

from hr_edo.models import HrDocument
from tests.hr_edo.test_orders_support import make_hr_officer, sent_row


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


def test_the_inbox_marks_overdue_documents_and_lists_the_archive(client, make_user):
    hr = make_hr_officer(make_user)
    aibek = make_user("emp_aibek")
    now = timezone.now()
    late = sent_row(
        aibek,
        hr,
        number="L-1",
        sent_at=now - dt.timedelta(days=9),
        due_at=now - dt.timedelta(days=2),
    )
    fresh = sent_row(aibek, hr, number="F-1", sent_at=now, due_at=now + dt.timedelta(days=3))
    done = sent_row(aibek, hr, number="D-1", sent_at=now, due_at=now + dt.timedelta(days=3))
    done.status, done.acquainted_at = HrDocument.Status.ACQUAINTED, now
    done.save()
    sent_row(make_user("emp_other"), hr, number="X-1", sent_at=now, due_at=now)

    client.force_login(aibek)
    response = client.get("/hr/my/")
    assert [d.pk for d in response.context["awaiting"]] == [late.pk, fresh.pk]
    page = response.content.decode()
    assert f'data-testid="awaiting-{late.pk}" class="overdue" data-overdue="1"' in page
    assert f'data-testid="awaiting-{fresh.pk}">' in page
    assert f'data-testid="archive-{done.pk}"' in page
    assert "X-1" not in page


def test_the_inbox_with_many_documents_stays_within_its_query_budget(
    client, make_user, django_assert_max_num_queries
):
    hr = make_hr_officer(make_user)
    aibek = make_user("emp_aibek")
    now = timezone.now()
    for n in range(20):
        sent_row(aibek, hr, number=f"A-{n}", sent_at=now, due_at=now + dt.timedelta(days=n))
        row = sent_row(aibek, hr, number=f"B-{n}", sent_at=now, due_at=now)
        row.status = HrDocument.Status.ACQUAINTED
        row.save()
    client.force_login(aibek)
    with django_assert_max_num_queries(11):  # incl. the outage banner's cached state
        response = client.get("/hr/my/")
    assert len(response.context["awaiting"]) == 20
    assert len(response.context["archive"].object_list) == 20
