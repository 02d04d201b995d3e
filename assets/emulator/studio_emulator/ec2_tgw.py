"""Transit gateways shared from another account (AWS RAM), as the participant account sees them.

AWS Transit Gateway guide, "Sharing considerations": "When a transit gateway is shared with you,
you cannot create, modify, or delete its transit gateway route tables, or its transit gateway
route table propagations and associations." The route tables live in the owner account: the
participant's DescribeTransitGatewayRouteTables does not list them, and an explicit id of one
(SearchTransitGatewayRoutes, GetTransitGatewayRouteTable{Associations,Propagations},
DescribeTransitGatewayRouteTables with that id) is answered like any id unknown to the account:
``InvalidRouteTableID.NotFound``. The participant's own VPC attachments to it are listed with
``TransitGatewayOwnerId`` = the owner and ``ResourceOwnerId`` / ``VpcOwnerId`` = the participant,
and DescribeTransitGateways lists the shared gateway with its ``OwnerId`` = the owner.

moto has none of this (it answers an unknown route table id with an empty route list); this
module adds it:

* ``share(owner_backend, tgw, participant_backend)`` records a transit gateway of another account
  as shared with the participant (same region);
* ``attach_shared(participant_backend, tgw, vpc_id, subnet_ids, tags)`` creates the participant's
  VPC attachment to it (also visible to the owner, like AWS);
* the patches below make the participant's reads behave as described above.

State lives on the moto backends (``_studio_shared_tgws``), so ``/moto-api/reset`` clears it.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.transit_gateway import TransitGatewayBackend
from moto.ec2.models.transit_gateway_attachments import TransitGatewayVpcAttachment
from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend
from moto.utilities.utils import filter_resources

from .patching import install_once, patch


class RouteTableNotFound(EC2ClientError):
    def __init__(self, route_table_id: str) -> None:
        super().__init__(
            "InvalidRouteTableID.NotFound", f"The transitGatewayRouteTable ID '{route_table_id}' does not exist"
        )


class SharedTgwVpcAttachment(TransitGatewayVpcAttachment):
    """A VPC attachment of the participant account to a transit gateway of another account."""

    def __init__(
        self, participant: Any, tgw: Any, vpc_id: str, subnet_ids: list[str], tags: dict[str, str] | None
    ) -> None:
        super().__init__(participant, transit_gateway=tgw, vpc_id=vpc_id, subnet_ids=subnet_ids, tags=tags)
        self._tgw_owner_id = tgw.owner_id

    @property
    def transit_gateway_owner_id(self) -> str:
        return self._tgw_owner_id


def _shared(backend: Any) -> dict[str, Any]:
    d = getattr(backend, "_studio_shared_tgws", None)
    if d is None:
        d = {}
        backend._studio_shared_tgws = d
    return d


def share(tgw: Any, participant: Any) -> None:
    _shared(participant)[tgw.id] = tgw


def attach_shared(
    participant: Any, tgw: Any, vpc_id: str, subnet_ids: list[str], tags: dict[str, str] | None = None
) -> SharedTgwVpcAttachment:
    att = SharedTgwVpcAttachment(participant, tgw, vpc_id, subnet_ids, tags)
    participant.transit_gateway_attachments[att.id] = att
    owner = tgw.ec2_backend
    owner.transit_gateway_attachments[att.id] = att  # the owner sees the attachment too
    owner.set_route_table_association(
        transit_gateway_attachment_id=att.id, transit_gateway_route_table_id=tgw.default_route_table.id
    )
    return att


# ---------------------------------------------------------------------------
# patches
# ---------------------------------------------------------------------------
_ORIG: dict[str, Any] = {}
_TGW_ATTRS = (("transit-gateway-id", "id"), ("state", "state"), ("owner-id", "owner_id"))


def _describe_transit_gateways(self: Any, filters: Any, transit_gateway_ids: list[str] | None) -> list[Any]:
    own = _ORIG["describe_transit_gateways"](self, filters, transit_gateway_ids)
    shared = [t for t in _shared(self).values() if not transit_gateway_ids or t.id in transit_gateway_ids]
    if filters and shared:
        from moto.ec2.utils import describe_tag_filter

        shared = describe_tag_filter(filters, filter_resources(shared, filters, _TGW_ATTRS))
    return list(own) + [t for t in shared if t not in own]


def _require_table(self: Any, route_table_id: Any) -> None:
    ids = route_table_id if isinstance(route_table_id, list) else [route_table_id]
    for rt in ids:
        if rt and rt not in self.transit_gateways_route_tables:
            raise RouteTableNotFound(rt)


def _search_routes(self: Any, transit_gateway_route_table_id: str, filters: Any, max_results: int | None = None) -> Any:
    _require_table(self, transit_gateway_route_table_id)
    return _ORIG["search_transit_gateway_routes"](self, transit_gateway_route_table_id, filters, max_results)


def _associations(self: Any, transit_gateway_route_table_id: Any, filters: Any = None) -> Any:
    _require_table(self, transit_gateway_route_table_id)
    return _ORIG["get_transit_gateway_route_table_associations"](self, transit_gateway_route_table_id, filters)


def _propagations(self: Any, transit_gateway_route_table_id: Any, filters: Any = None) -> Any:
    _require_table(self, transit_gateway_route_table_id)
    return _ORIG["get_transit_gateway_route_table_propagations"](self, transit_gateway_route_table_id, filters)


def _all_route_tables(self: Any, transit_gateway_route_table_ids: Any = None, filters: Any = None) -> Any:
    _require_table(self, transit_gateway_route_table_ids or [])
    return _ORIG["get_all_transit_gateway_route_tables"](self, transit_gateway_route_table_ids, filters)


@install_once
def install() -> None:
    _ORIG["describe_transit_gateways"] = TransitGatewayBackend.describe_transit_gateways
    patch(TransitGatewayBackend, describe_transit_gateways=_describe_transit_gateways)
    for name, fn in (
        ("search_transit_gateway_routes", _search_routes),
        ("get_transit_gateway_route_table_associations", _associations),
        ("get_transit_gateway_route_table_propagations", _propagations),
        ("get_all_transit_gateway_route_tables", _all_route_tables),
    ):
        _ORIG[name] = getattr(TransitGatewayRouteTableBackend, name)
        setattr(TransitGatewayRouteTableBackend, name, fn)
