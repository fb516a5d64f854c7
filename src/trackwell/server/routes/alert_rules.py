"""A project's alerts page (issue 16): the alert feed, webhooks (masked), rules, the delivery log.
Readers of the project read all of it; writers change webhooks and rules and send tests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from trackwell.schema.alert_rules import (
    DeliveryList,
    ProjectAlertList,
    RuleIn,
    RuleList,
    RuleOut,
    WebhookCreate,
    WebhookList,
    WebhookOut,
)
from trackwell.server.deps import (
    READS_PROJECT,
    WRITES_PROJECT,
    CurrentUser,
    EntityPath,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

PROJECT = "/{entity}/{project}"
WebhookId = Annotated[int, Path(ge=1)]
RuleId = Annotated[int, Path(ge=1)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get(PROJECT + "/feed", response_model=ProjectAlertList, dependencies=[READS_PROJECT])
def alert_feed(
    entity: EntityPath, project: ProjectPath, user: CurrentUser, services: ServicesDep, limit: Limit = 100
) -> Response:
    """The project's alerts (``run.alert`` and rules), newest first."""
    return json_response(services.alert_config.feed(user, entity, project, limit))


@router.get(PROJECT + "/deliveries", response_model=DeliveryList, dependencies=[READS_PROJECT])
def delivery_log(
    entity: EntityPath, project: ProjectPath, user: CurrentUser, services: ServicesDep, limit: Limit = 100
) -> Response:
    """Deliveries to the project's webhooks, newest first, with status, attempts and last error."""
    return json_response(services.alert_config.deliveries(user, entity, project, limit))


@router.get(PROJECT + "/webhooks", response_model=WebhookList, dependencies=[READS_PROJECT])
def list_webhooks(
    entity: EntityPath, project: ProjectPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """The project's webhooks; each URL shown only as host and last 4 characters."""
    return json_response(services.alert_config.webhooks(user, entity, project))


@router.post(PROJECT + "/webhooks", response_model=WebhookOut, status_code=201, dependencies=[WRITES_PROJECT])
def add_webhook(
    entity: EntityPath, project: ProjectPath, body: WebhookCreate, user: CurrentUser, services: ServicesDep
) -> Response:
    """Add a Slack-compatible webhook; its URL is stored and never shown back."""
    return json_response(services.alert_config.add_webhook(user, entity, project, body), status_code=201)


@router.delete(PROJECT + "/webhooks/{webhook_id}", status_code=204, dependencies=[WRITES_PROJECT])
def delete_webhook(
    entity: EntityPath, project: ProjectPath, webhook_id: WebhookId, user: CurrentUser, services: ServicesDep
) -> Response:
    """Delete the webhook and its delivery log."""
    services.alert_config.delete_webhook(user, entity, project, webhook_id)
    return Response(status_code=204)


@router.post(PROJECT + "/webhooks/{webhook_id}/test", status_code=202, dependencies=[WRITES_PROJECT])
def send_test(
    entity: EntityPath, project: ProjectPath, webhook_id: WebhookId, user: CurrentUser, services: ServicesDep
) -> Response:
    """Queue a test message to the webhook; its outcome shows in the delivery log."""
    services.alert_config.send_test(user, entity, project, webhook_id)
    return Response(status_code=202)


@router.get(PROJECT + "/rules", response_model=RuleList, dependencies=[READS_PROJECT])
def list_rules(
    entity: EntityPath, project: ProjectPath, user: CurrentUser, services: ServicesDep
) -> Response:
    """The project's alert rules, oldest first."""
    return json_response(services.alert_config.list_rules(user, entity, project))


@router.post(PROJECT + "/rules", response_model=RuleOut, status_code=201, dependencies=[WRITES_PROJECT])
def add_rule(
    entity: EntityPath, project: ProjectPath, body: RuleIn, user: CurrentUser, services: ServicesDep
) -> Response:
    """A rule: run failed, run crashed, or a metric's latest value crossing a threshold."""
    return json_response(services.alert_config.add_rule(user, entity, project, body), status_code=201)


@router.put(PROJECT + "/rules/{rule_id}", response_model=RuleOut, dependencies=[WRITES_PROJECT])
def update_rule(
    entity: EntityPath,
    project: ProjectPath,
    rule_id: RuleId,
    body: RuleIn,
    user: CurrentUser,
    services: ServicesDep,
) -> Response:
    """Replace the rule (every field; e.g. ``enabled: false`` to pause it)."""
    return json_response(services.alert_config.update_rule(user, entity, project, rule_id, body))


@router.delete(PROJECT + "/rules/{rule_id}", status_code=204, dependencies=[WRITES_PROJECT])
def delete_rule(
    entity: EntityPath, project: ProjectPath, rule_id: RuleId, user: CurrentUser, services: ServicesDep
) -> Response:
    """Delete the rule (the alerts it raised stay)."""
    services.alert_config.delete_rule(user, entity, project, rule_id)
    return Response(status_code=204)
