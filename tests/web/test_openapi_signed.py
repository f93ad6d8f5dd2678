"""The API against its OpenAPI document, signed in: generated requests (schemathesis, through the ASGI app)
with the Bearer token of a reporter, an approver and an auditor, on SQLite and PostgreSQL, get no server
error and no undocumented status or media type; the operations that write (submissions, decisions) included,
so that a body, an idempotency key or a parameter the validation refuses never ends in a 500.

In the slow set (CI runs it); the default run has the reporting routes' generated requests with a reporter's
and an approver's token (tests/web/test_api_submissions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from postgres_db import POSTGRES
from test_openapi import CHECKS
from workflow_world import OWN, World, demo_world, submit_value

READS = settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
WRITES = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
ROLES = ("reporter", "approver", "auditor")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The demo with people and a few pending values to decide on."""
    with demo_world(request.param, tmp_path_factory.mktemp("signed")) as made:
        for value in (1.0, 2.0, 3.0):
            submit_value(made.store, OWN, value)
        yield made


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema_signed_in(world: World, role: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app)
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:
        chosen = WRITES if operation.method.upper() != "GET" else READS

        @chosen
        @given(case=operation.as_strategy())
        def answers(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers()
