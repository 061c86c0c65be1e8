"""Sending e-mail from services: enqueue after the transaction commits, send in a worker.

Services call ``send_mail_on_commit``; if the surrounding transaction rolls back nothing is
sent. The message is rendered in the recipient's language before it is queued, so the worker
needs no request context: ``mail_user_on_commit`` renders a ``<template>_subject.txt`` /
``<template>.txt`` pair in the user's preferred language (``render_mail`` alone for other
recipients) and queues it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction


def send_mail_on_commit(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html_body: str | None = None,
    reply_to: Sequence[str] | None = None,
) -> None:
    recipients = [address for address in to if address]
    if not recipients:
        return
    from kstu.tasks import send_email

    payload = {
        "subject": str(subject),
        "body": str(body),
        "to": recipients,
        "html_body": str(html_body) if html_body else None,
        "reply_to": list(reply_to or []),
    }
    transaction.on_commit(lambda: send_email.delay(**payload))


def render_mail(template: str, context: dict, *, language: str | None = None) -> tuple[str, str]:
    """Subject and body from ``<template>_subject.txt`` and ``<template>.txt`` rendered in
    ``language`` (the site's default when empty): the subject on one line, the body ending
    with one newline."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def mail_user_on_commit(
    user, template: str, context: dict | None = None, *, address: str | None = None
) -> bool:
    """Mail ``user`` — at ``address``, else their corporate e-mail — ``template`` rendered in
    their preferred language with ``recipient`` in the context, after commit. False (and
    nothing queued) when there is no address."""
    address = user.email if address is None else address
    if not address:
        return False
    subject, body = render_mail(
        template,
        {"recipient": user, **(context or {})},
        language=getattr(user, "preferred_language", None),
    )
    send_mail_on_commit(subject=subject, body=body, to=[address])
    return True


def role_recipients(*roles: str):
    """Active users in any of ``roles`` (role group names) who have an e-mail address, by id:
    whom a service mails when a role, not a person, is to be told."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
