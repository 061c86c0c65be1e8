"""Sending e-mail from services: enqueue after the transaction commits, send in a worker.

Services call ``send_mail_on_commit``; if the surrounding transaction rolls back nothing is
sent. The message is rendered in the recipient's language by the caller (the helper takes
ready subject/body strings) so the worker needs no request context.
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
