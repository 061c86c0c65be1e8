"""Creating access tasks: one (user, system) task with its own 3-working-day deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from accounts.models import AccessGrant, AccessLevel
from kstu.mail import mail_user_on_commit
from kstu.workdays import working_deadline

PROVISIONING_WORKING_DAYS = 3  # IS §3.5 (opening) and §3.7 (closing)


def access_task_create(
    *,
    user,
    system,
    kind: str,
    start: dt.datetime | dt.date,
    access_level: str = AccessLevel.VIEW,
    request=None,
    order=None,
    report_sections: Iterable = (),
) -> AccessGrant:
    """Create one open task due at the end of the 3rd working day after ``start`` and mail
    the system's responsible persons (after commit). Call inside the caller's transaction."""
    task = AccessGrant.objects.create(
        user=user,
        system=system,
        kind=kind,
        access_level=access_level,
        request=request,
        order=order,
        due_at=working_deadline(start, PROVISIONING_WORKING_DAYS),
    )
    sections = list(report_sections)
    if sections:
        task.report_sections.set(sections)
    access_task_notify_responsible(task=task)
    return task


def access_task_notify_responsible(*, task: AccessGrant, template: str = "new") -> int:
    """Mail each responsible person of the task's system in their own language."""
    from django.conf import settings

    persons = [p for p in task.system.responsible_persons if p.email and p.is_active]
    url = settings.SITE_URL + reverse("accounts:access-queue")
    for person in persons:
        mail_user_on_commit(
            person,
            f"accounts/email/access_task_{template}",
            {"task": task, "person": person, "url": url},
        )
    return len(persons)
