"""Property-based checks of the API against its own OpenAPI schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import settings as hypothesis_settings

from flexwatch.accounts import actions
from tests import factories

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(db):
    from flexwatch.wsgi import application

    # Like Django's test client: a finished request must not close the
    # connection that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(db) -> dict[str, str]:
    ws = factories.workspace()
    factories.source(ws.owner)
    _token, key = actions.create_token(factories.actor(ws.user("admin")), "schema")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@hypothesis_settings(max_examples=15)
def test_the_api_keeps_to_its_schema(case, admin_headers):
    # No server errors, and every response matches the documented schema.
    case.call_and_validate(headers=admin_headers)
