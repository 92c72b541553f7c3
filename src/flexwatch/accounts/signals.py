"""Sign-ins, sign-outs, failed sign-ins and lock-outs go to the audit trail."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django.http import HttpRequest

from flexwatch.accounts import audit


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _user_id(username: str | None) -> int | None:
    """The id behind a username, if any: the audit trail keeps ids, not names."""
    if not username:
        return None
    found = get_user_model().objects.filter(username=username).values_list("pk")
    return next((pk for (pk,) in found), None)


@receiver(user_logged_in)
def on_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record("sign_in", actor_id=user.pk, remote_addr=_address(request))


@receiver(user_logged_out)
def on_sign_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("sign_out", actor_id=user.pk, remote_addr=_address(request))


@receiver(user_login_failed)
def on_failed_sign_in(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    audit.record(
        "sign_in_failed",
        actor_id=_user_id(credentials.get("username")),
        remote_addr=_address(request),
    )


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    audit.record(
        "locked_out", actor_id=_user_id(username), remote_addr=_address(request)
    )
