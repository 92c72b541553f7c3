"""What a person does to the law: add a new version of a provision, audited."""

import logging

from django.db import transaction

from flexwatch.accounts import audit
from flexwatch.accounts.models import User
from flexwatch.accounts.scoping import scope_for
from flexwatch.law import store
from flexwatch.law.history import parse_addition
from flexwatch.law.models import AddedVersion

log = logging.getLogger(__name__)


class AdditionRefused(Exception):
    """The person may not add versions of provisions."""


def add_version(user: User, name: str, text: str) -> AddedVersion:
    """Check an added version against the law as it stands, keep it, audit it.

    Only people who may run statistics somewhere (analysts and admins) add
    versions: the law is shared by every organisation.

    Raises:
        AdditionRefused: the person may not add versions.
        LawDataError: the file is malformed or does not extend the history,
            naming the file and line; nothing is stored.
    """
    if not scope_for(user).organisations_where("analyse"):
        raise AdditionRefused(
            f"{user.username} is not an analyst or admin of any organisation, "
            "so may not add versions of provisions."
        )

    with transaction.atomic():
        addition = parse_addition(name, text, store.current_book())
        row = AddedVersion.objects.create(
            provision=addition.provision,
            start=addition.version.start,
            end=addition.version.end,
            file_name=name,
            text=text,
            added_by=user,
        )
        audit.record(
            "law_version_added",
            actor_id=user.pk,
            obj=row,
            detail={
                "provision": row.provision,
                "from": row.start.isoformat(),
                "file": name,
            },
        )
        # The audit entry holds the trail's lock until commit, so additions
        # queue here; checking again under it refuses the second of two
        # additions made at once to the same provision.
        store.current_book()
    log.info("version of %s from %s added by %s", row.provision, row.start, user)
    return row
