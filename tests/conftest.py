"""Shared fixtures, the database marker and the Hypothesis profiles."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests import factories

# CI runs a bounded number of examples so the suite keeps its time budget.
settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the database, for the PostgreSQL pass."""
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None
        fixtures = set(getattr(item, "fixturenames", ()))
        if uses_db or fixtures & _DATABASE_FIXTURES:
            item.add_marker(pytest.mark.database)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2 at full strength costs a third of a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ws(db) -> factories.Workspace:
    return factories.workspace()


@pytest.fixture
def signed_in(client):
    """Sign a user in through the real sign-in page; returns the client."""

    def sign_in(user):
        response = client.post(
            "/accounts/sign-in/",
            {"username": user.username, "password": factories.PASSWORD},
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_file(relative: str) -> Path:
    """A file of the project's shared data and reference folder, or a skip.

    The folder sits beside the checkout on the developers' machines and in CI;
    a user's machine does not have it.
    """
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{relative} is not here: the shared data folder is absent")
    return path
