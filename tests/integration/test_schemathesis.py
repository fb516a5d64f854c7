"""schemathesis against the server's own OpenAPI spec (issue 14): every operation fuzzed with valid
and invalid inputs, and stateful sequences that follow the links schemathesis infers between
operations, each request sent with one of two users' keys (the admin and a plain member). No answer
may be a 5xx, and every documented answer must match its schema.

Short by default, for ``make test`` on a loaded 2-core machine. A longer run, as a benchmark-style
job: ``TRACKWELL_FUZZ_EXAMPLES=200 TRACKWELL_FUZZ_STEPS=2000 pytest tests/integration/test_schemathesis.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.fixtures.artifacts import make_user
from tests.fixtures.live_server import LiveServer

EXAMPLES = int(os.environ.get("TRACKWELL_FUZZ_EXAMPLES", "4"))  # per operation
SCENARIOS = int(os.environ.get("TRACKWELL_FUZZ_STEPS", "25"))  # stateful scenarios
# pytest-timeout's 120 s per test fits the short run; the longer job gets an hour.
LONG_RUN = "TRACKWELL_FUZZ_EXAMPLES" in os.environ or "TRACKWELL_FUZZ_STEPS" in os.environ
pytestmark = pytest.mark.timeout(3600 if LONG_RUN else 120)
CHECKS = [not_a_server_error, response_schema_conformance]
USERS = ("admin", "member")
Fuzzed = tuple[LiveServer, dict[str, dict[str, str]]]  # the server, and each user's headers

# Only the checks this suite promises (no 5xx, documented answers match their schema); status codes
# the spec does not list (our 400/401/403/404 ErrorBody answers) are not failures. The coverage
# phase's exhaustive boundary cases take minutes over 75 operations: the longer job's business.
CONFIG: dict[str, Any] = {
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
    },
    "phases": {"coverage": {"enabled": False}},
    "generation": {"mode": "all", "max-examples": EXAMPLES, "database": "none"},
    "seed": int(os.environ.get("TRACKWELL_FUZZ_SEED", "14")),
}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """A server with some data to find (a run with history and a file) and two users' keys."""
    live = LiveServer(tmp_path_factory.mktemp("fuzz") / "data").start()
    try:
        keys = {"admin": live.headers, "member": make_user(live, "fuzz-member", admin=False)}
        with live.client() as api:
            entity = api.get("/api/v1/viewer").json()["entity"]
            run = f"/api/v1/runs/{entity}/fuzzed/r1"
            api.put(run, json={"session_id": "s", "config": {"lr": 0.1}}).raise_for_status()
            row = {"seq": 0, "kind": "history", "step": 0, "timestamp": 1.0, "runtime": 0.0}
            row["values"] = {"x": 1}
            api.post(run + "/records", json={"session_id": "s", "records": [row]}).raise_for_status()
            api.put(run + "/files/notes.txt", content=b"hello").raise_for_status()
        # The fuzzing means something only if both keys work, as two different users (checked
        # here: the fuzzing itself may revoke keys and disable users).
        viewers = [httpx.get(live.url + "/api/v1/viewer", headers=keys[u]).json() for u in USERS]
        assert [v["is_admin"] for v in viewers] == [True, False]
        assert viewers[1]["username"] == "fuzz-member"
        yield live, keys
    finally:
        live.stop()


@pytest.fixture(scope="module")
def api_schema(fuzzed: Fuzzed) -> OpenApiSchema:
    live, _ = fuzzed
    config = schemathesis.config.SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_url(live.url + "/openapi.json", config=config)


@pytest.fixture(scope="module")
def user_headers(fuzzed: Fuzzed) -> dict[str, dict[str, str]]:
    return fuzzed[1]


def test_every_operation_answers_without_5xx_and_to_its_schema(
    api_schema: OpenApiSchema, user_headers: dict[str, dict[str, str]]
) -> None:
    """Valid and invalid inputs for each operation; every operation is tried even when one fails,
    and the failures are reported together. (schemathesis' lazy pytest parametrization does not
    work with pytest 9, so the operations are walked here.)"""
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(operation.as_strategy(mode) for mode in GenerationMode)

        @FUZZ_SETTINGS
        @given(case=cases, user=st.sampled_from(USERS))
        def fuzz(case: schemathesis.Case, user: str) -> None:
            case.call_and_validate(headers=user_headers[user], checks=CHECKS, timeout=30)

        try:
            fuzz()
        except (AssertionError, FailureGroup) as failure:  # reported below, with the others
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_stateful_sequences_answer_without_5xx_and_to_their_schema(
    api_schema: OpenApiSchema, user_headers: dict[str, dict[str, str]]
) -> None:
    base = api_schema.as_state_machine()
    # What failed, as it happened: a scenario replayed against a server whose state has moved on
    # may not fail again (hypothesis then reports only "flaky"), so the report names these.
    seen: list[str] = []
    calls: list[str] = []

    class TwoUsers(base):  # type: ignore[valid-type, misc]
        """Each scenario acts as one user: its steps create, read, change and delete as them."""

        _scenario = 0

        def setup(self) -> None:
            self.headers = user_headers[USERS[TwoUsers._scenario % 2]]
            TwoUsers._scenario += 1

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": self.headers, "timeout": 30}

        def call(self, case: schemathesis.Case, **kwargs: Any) -> Any:
            calls.append(case.method)
            try:
                return super().call(case, **kwargs)
            except Exception as error:
                seen.append(f"{case.method} {case.formatted_path}: {error!r}")
                raise

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as failure:
                seen.append(f"{case.method} {case.formatted_path}: {failure}")
                raise

    scenario_settings = settings(
        max_examples=SCENARIOS,
        stateful_step_count=6,
        # No shrinking: a shorter scenario replayed on a server whose state moved on proves
        # nothing (the failure as it happened is reported from `seen`).
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    # Hypothesis stops a run when the rules it may draw differ between two tries of one prefix:
    # here they depend on what the server answered (its state moves on), not on a bug. Every answer
    # until then was checked; a new run (a new random seed) goes on until the scenarios have made
    # SCENARIOS * 2 requests (each scenario makes a few).
    for _ in range(SCENARIOS):
        try:
            TwoUsers.run(settings=scenario_settings)
        except FlakyStrategyDefinition:
            pass
        except (Exception, FailureGroup) as error:  # a replay may not fail again: say what did
            raise AssertionError("\n\n".join(seen) or repr(error)) from error
        assert not seen, "\n\n".join(seen)
        if len(calls) >= SCENARIOS * 2:
            break
    assert len(calls) >= SCENARIOS * 2, f"only {len(calls)} requests were made"


def test_no_operation_answers_a_caller_without_a_valid_key(api_schema: OpenApiSchema) -> None:
    """Auth bypass: every operation that is not on the route walk's public list
    (tests/unit/test_route_authorization.py) answers 401 to well-formed requests that carry no key,
    or a key this server never issued, whatever else they hold. Who may do what once signed in is
    the access matrix's (tests/integration/test_access_matrix.py)."""
    from tests.unit.test_route_authorization import PUBLIC

    strangers = st.sampled_from(
        [{}, {"Authorization": "Bearer tw-" + "x" * 40}, {"Authorization": "Basic !!"}]
    )
    failures: list[str] = []
    probed = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in PUBLIC or operation.path == "/healthz":
            continue  # /healthz: liveness for load balancers, outside /api, answers {"ok": true} only
        probed += 1

        @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy(GenerationMode.POSITIVE), headers=strangers)
        def probe(case: schemathesis.Case, headers: dict[str, str]) -> None:
            response = case.call(headers=headers, timeout=30)
            assert response.status_code == 401, f"answered {response.status_code} without a valid key"

        try:
            probe()
        except AssertionError as failure:
            failures.append(f"{operation.label}: {failure}")
    assert probed > 50, "the spec lists fewer operations than the server has"
    assert not failures, "\n".join(failures)
