"""Property-based checks of the API against its own OpenAPI schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

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


# A case has rules across fields (dates in order, one age or an interval, only
# victims have decisions, a region inside its country …) that JSON Schema
# cannot say, so data the schema allows may rightly be refused there.
CROSS_FIELD_RULES = {("POST", "/api/cases"), ("PUT", "/api/cases/{case_id}")}


@schema.parametrize()
@hypothesis_settings(max_examples=15)
def test_the_api_keeps_to_its_schema(case, admin_headers):
    # No server errors, and every response matches the documented schema.
    operation = (case.operation.method.upper(), case.operation.path)
    excluded = [positive_data_acceptance] if operation in CROSS_FIELD_RULES else []
    case.call_and_validate(headers=admin_headers, excluded_checks=excluded)
