"""API authentication: DRF tokens, refused while the account is locked.

A token is a credential of its own, so failed password logins do not touch it; but a locked
account (IS §6: three failed logins, until the IS-responsible person unlocks it) must not go on
working through the API either. Inactive accounts (blocked, dismissed) are refused by DRF.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class AccountTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        from accounts.services.lockout import is_locked

        user, token = super().authenticate_credentials(key)
        if is_locked(user.get_username()):
            raise AuthenticationFailed(
                _(
                    "The account is locked after %(limit)s failed logins. Contact the person "
                    "responsible for information systems to unlock it."
                )
                % {"limit": settings.AXES_FAILURE_LIMIT}
            )
        return user, token


def api_tokens_revoke(user) -> int:
    """Delete the API tokens of ``user``; the number deleted."""
    from rest_framework.authtoken.models import Token

    deleted, _details = Token.objects.filter(user=user).delete()
    return deleted
