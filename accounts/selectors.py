"""Reads of accounts data, scoped by who is asking."""

from django.shortcuts import get_object_or_404

from accounts.models import User


def user_profile_get(*, user_id: int) -> User:
    return get_object_or_404(
        User.objects.select_related(
            "department", "department__parent", "position"
        ).prefetch_related("groups"),
        pk=user_id,
    )
