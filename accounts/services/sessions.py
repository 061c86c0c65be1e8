"""A user's signed-in sessions (IS §5.6, REQUIREMENTS A10, A12).

Sessions live in the database session backend; a row does not say whose it is without decoding
it, so the functions here decode the unexpired rows once. That is one pass over the live
sessions — bounded by the idle timeout (``SESSION_COOKIE_AGE``: a session not used for 30
minutes is expired) — which is cheap for the university's number of concurrent users.

``accounts.middleware_password`` notes the browser and address of each session on its first
request (``SESSION_CLIENT_KEY``) so the "my sessions" page can show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

SESSION_CLIENT_KEY = "_kstu_client"  # {"ip": ..., "agent": ..., "since": iso time}


@dataclass(frozen=True)
class SessionInfo:
    session_key: str
    last_activity: dt.datetime
    expires_at: dt.datetime
    ip_address: str
    user_agent: str
    started_at: str
    is_current: bool


def _user_session_rows(user) -> list[tuple[Session, dict]]:
    """The unexpired session rows signed in as ``user``, with their decoded data."""
    rows = []
    wanted = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
    for session in live:
        data = session.get_decoded()
        if str(data.get(SESSION_KEY, "")) == wanted:
            rows.append((session, data))
    return rows


def sessions_for_user(*, user, current_session_key: str | None = None) -> list[SessionInfo]:
    """The user's live sessions, most recently active first.

    Every request saves the session (``SESSION_SAVE_EVERY_REQUEST``), so the last activity is
    the expiry time minus the idle timeout.
    """
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    result = []
    for session, data in _user_session_rows(user):
        client = data.get(SESSION_CLIENT_KEY) or {}
        result.append(
            SessionInfo(
                session_key=session.session_key,
                last_activity=session.expire_date - idle,
                expires_at=session.expire_date,
                ip_address=client.get("ip") or "",
                user_agent=client.get("agent") or "",
                started_at=client.get("since") or "",
                is_current=session.session_key == current_session_key,
            )
        )
    result.sort(key=lambda info: info.last_activity, reverse=True)
    return result


def sessions_end_other(*, user, keep_session_key: str | None) -> int:
    """End every session of ``user`` except ``keep_session_key``; returns how many ended."""
    ended = [
        session.session_key
        for session, _data in _user_session_rows(user)
        if session.session_key != keep_session_key
    ]
    if ended:
        Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def sessions_end_all(*, user) -> int:
    """End every session of ``user`` (the caller logs the current request out as well)."""
    return sessions_end_other(user=user, keep_session_key=None)
