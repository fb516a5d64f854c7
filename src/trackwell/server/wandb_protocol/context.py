"""What every resolver receives: the caller and the protocol's services (built per request in
``routes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from trackwell.service.wandb_wire.protocol import WandbProtocol
from trackwell.store.base import Principal


@dataclass(frozen=True, slots=True)
class WireContext:
    principal: Principal
    wandb: WandbProtocol
    base_url: str  # what file URLs start with: the address the client reached us at


def wire(info: GraphQLResolveInfo[Any]) -> WireContext:
    context: WireContext = info.context
    return context
