"""Joining linkage projects, and making and keeping persons' linkage keys.

The command line, the import and (later) pages call these; joining is
audited. The secret passes through here but never into a message, a log line
or the audit trail: those name the project and the secret's fingerprint.
"""

import hmac
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.models import Organisation
from flexwatch.cases.models import Person
from flexwatch.linkage import keys
from flexwatch.linkage.models import LinkageProject, PersonKey, ProjectMember

log = logging.getLogger(__name__)

# Whoever holds the keys and guesses the secret can test names against them,
# so the secret must be long and random (openssl rand -hex 32 gives 64).
MIN_SECRET_LENGTH = 32
SLUG_LENGTH = LinkageProject._meta.get_field("slug").max_length or 64


class ProjectError(Exception):
    """A linkage project refused a join or a lookup; the message says why."""


class SecretMismatch(ProjectError):
    """The secret given is not the one the project's members hold."""


class NotMember(ProjectError):
    """The organisation has not joined the project, so it has no secret."""


def join(
    organisation: Organisation,
    slug: str,
    secret: str,
    name: str = "",
    *,
    actor_id: int | None = None,
) -> ProjectMember:
    """Make ``organisation`` a member of the project ``slug``, holding ``secret``.

    The first member creates the project and sets the fingerprint of its
    secret; every later member must bring the same secret. Joining again with
    the same secret changes nothing.

    Args:
        organisation: the organisation joining.
        slug: the project's short name, shared by its members.
        secret: the project's secret; surrounding white space is ignored.
        name: the project's name, when this join creates it.
        actor_id: the user joining, for the audit trail, if known.

    Raises:
        ProjectError: the slug or the secret is not acceptable.
        SecretMismatch: the project exists with another secret.
    """
    secret = secret.strip()
    _check(slug, secret)
    code = keys.fingerprint(secret)

    with transaction.atomic():
        project, created = LinkageProject.objects.select_for_update().get_or_create(
            slug=slug, defaults={"name": name.strip() or slug, "fingerprint": code}
        )
        if not hmac.compare_digest(project.fingerprint, code):
            log.warning("organisation %s: wrong secret for %s", organisation.pk, slug)
            raise SecretMismatch(
                _(
                    "This secret is not the one the other members of linkage "
                    "project %(slug)s hold (their fingerprint is %(theirs)s, "
                    "yours %(yours)s). Nothing was changed."
                )
                % {"slug": slug, "theirs": project.fingerprint, "yours": code}
            )
        member, joined = ProjectMember.objects.get_or_create(
            project=project, organisation=organisation, defaults={"secret": secret}
        )
        if joined:
            _audit(member, actor_id, created)

    return member


def _check(slug: str, secret: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError as problem:
        raise ProjectError(
            _(
                "'%(slug)s' cannot name a linkage project: use letters, digits, "
                "hyphens and underscores only."
            )
            % {"slug": slug}
        ) from problem
    if len(slug) > SLUG_LENGTH:
        raise ProjectError(
            _("A project's short name has at most %(most)s characters.")
            % {"most": SLUG_LENGTH}
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ProjectError(
            _(
                "The secret has %(length)s characters; a linkage project needs "
                "at least %(least)s random ones (openssl rand -hex 32 makes one)."
            )
            % {"length": len(secret), "least": MIN_SECRET_LENGTH}
        )


def _audit(member: ProjectMember, actor_id: int | None, created: bool) -> None:
    audit.record(
        "linkage_joined",
        actor_id=actor_id,
        organisation_id=member.organisation_id,
        obj=member,
        detail={
            "project": member.project.slug,
            "fingerprint": member.project.fingerprint,
            "created_project": created,
        },
    )
    log.info(
        "organisation %s joined linkage project %s",
        member.organisation_id,
        member.project.slug,
    )


def member_of(organisation: Organisation, slug: str) -> ProjectMember:
    """The organisation's membership of the project ``slug``, with its project.

    Raises:
        NotMember: the project does not exist or the organisation has not
            joined it.
    """
    member = (
        ProjectMember.objects.select_related("project")
        .filter(organisation=organisation, project__slug=slug)
        .first()
    )
    if member is None:
        raise NotMember(
            _(
                "%(organisation)s is not a member of linkage project %(slug)s; "
                "it must join it with the project's secret first."
            )
            % {"organisation": organisation.name, "slug": slug}
        )
    return member


def secret_for(organisation: Organisation, slug: str) -> str:
    """The secret the organisation holds for the project ``slug``.

    Raises:
        NotMember: the organisation has not joined the project.
    """
    return member_of(organisation, slug).secret


def keys_for(
    organisation: Organisation, slug: str, identity: keys.Identity
) -> list[keys.LinkageKey]:
    """The linkage keys of one person, under the organisation's project secret.

    For one person at a time; an import of many rows takes ``member_of``
    once and calls ``keys.linkage_keys`` with its secret for every row.

    Raises:
        NotMember: the organisation has not joined the project.
    """
    return keys.linkage_keys(secret_for(organisation, slug), identity)


def key_rows(
    person: Person, project: LinkageProject, made: Iterable[keys.LinkageKey]
) -> list[PersonKey]:
    """Unsaved rows for the keys of ``person``, for ``bulk_create``."""
    return [
        PersonKey(person=person, project=project, kind=key.kind, digest=key.digest)
        for key in made
    ]


def store_keys(
    person: Person, project: LinkageProject, made: Iterable[keys.LinkageKey]
) -> list[PersonKey]:
    """Replace the keys of ``person`` in ``project`` with ``made``.

    A re-imported row that changed brings its keys afresh, since the raw
    values are not kept to remake only some of them.
    """
    with transaction.atomic():
        PersonKey.objects.filter(person=person, project=project).delete()
        return PersonKey.objects.bulk_create(key_rows(person, project, made))


def listing() -> QuerySet[LinkageProject]:
    """Every project with its members' organisations, for the command line."""
    return LinkageProject.objects.prefetch_related("members__organisation")
