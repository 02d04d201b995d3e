"""Fast EC2 DescribeVpcs (and tag look-ups) for large seeded backends, plus EC2-style pagination.

With a few thousand VPCs, moto 5.2.5 spends seconds in DescribeVpcs:

* every tagged EC2 resource reads its own tags through ``TagBackend.describe_tags(filters=
  {"resource-id": [id]})``, which compiles a regex and scans *every* tag of *every* resource
  in the region: O(resources x tags) per response (about 8 million regex matches for 2,000
  VPCs). Tag filters (``tag:Name``) go through the same path.
* moto's generic, model-driven serializer (``moto.core.serialize`` + xmltodict) costs roughly
  0.2 ms per VPC on top of that.

Installed here (``install()``, from ``server.install_extensions``):

1. ``TagBackend.describe_tags``: a dictionary look-up when the only filter is a single literal
   ``resource-id`` (what ``TaggedEC2Resource.get_tags`` asks for); same list, same order, same
   dicts. Anything else goes to moto's own implementation.
2. ``EC2Response.describe_vpcs``: moto's own ``ec2_backend.describe_vpcs(vpc_ids, filters)``
   (so ``VpcId.N``, ``Filter.N`` and their errors are moto's), then EC2 pagination
   (``MaxResults`` 5..1000, ``NextToken``; without ``MaxResults`` every VPC, as EC2 does), then
   the answer: moto's serializer writes the envelope (namespace, ``nextToken``, ``requestId``,
   headers) around an empty ``vpcSet``, and each ``<item>`` is written here, byte for byte what
   moto's serializer writes for that VPC (``render_vpc_items`` vs ``moto_render_vpc_items``,
   checked by tests/test_server.py). A VPC whose data has a shape this renderer does not know
   is rendered by moto's serializer instead.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any
from xml.sax.saxutils import escape

from moto import settings as moto_settings
from moto.core.responses import ActionResult
from moto.core.serialize import EC2Serializer, XFormedAttributePicker
from moto.core.utils import get_service_model
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.tags import TagBackend
from moto.ec2.responses import EC2Response
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

from .patching import install_once, patch

log = logging.getLogger("studio_emulator.ec2")

MIN_RESULTS = 5
MAX_RESULTS = 1000

_ORIGINAL_DESCRIBE_TAGS = TagBackend.describe_tags
_WILDCARDS = frozenset("*?[")


# --- 1. tags ------------------------------------------------------------------------------------


def _describe_tags(self: TagBackend, filters: dict[str, list[str]] | None = None) -> list[dict[str, str]]:
    if filters is not None and len(filters) == 1:
        ids = filters.get("resource-id")
        # moto turns each value into an anchored fnmatch regex: a value without wildcard
        # characters matches exactly one resource id, itself.
        if ids is not None and len(ids) == 1 and isinstance(ids[0], str) and _WILDCARDS.isdisjoint(ids[0]):
            resource_id = ids[0]
            tags = self.tags.get(resource_id)  # .get: self.tags is a defaultdict
            if not tags:
                return []
            resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
            return [
                {"resource_id": resource_id, "key": key, "value": value, "resource_type": resource_type}
                for key, value in tags.copy().items()
            ]
    return _ORIGINAL_DESCRIBE_TAGS(self, filters)


# --- 2. rendering -------------------------------------------------------------------------------


def _el(name: str, value: Any) -> str:
    """One element as xmltodict writes it for moto: omitted if None, ``<x/>`` if empty."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return f"<{name}/>"
    return f"<{name}>{escape(text)}</{name}>"


def _bool(value: Any) -> str:
    # moto's BaseXMLSerializer._serialize_type_boolean
    return "true" if value is True or str(value).lower() == "true" else "false"


_V4_KEYS = frozenset(("association_id", "cidr_block", "cidr_block_state"))
_V6_KEYS = _V4_KEYS | {"ipv6_pool", "ipv6_cidr_block_network_border_group"}
_STATE_KEYS = frozenset(("state", "StatusMessage"))


class _Unknown(Exception):
    """Data this renderer does not know how moto would serialise: use moto's serializer."""


def _state(state: Any, name: str) -> str:
    if not isinstance(state, dict) or not _STATE_KEYS.issuperset(state):
        raise _Unknown(name)
    return f"<{name}>{_el('state', state.get('state'))}{_el('statusMessage', state.get('StatusMessage'))}</{name}>"


def _associations(vpc: Any) -> tuple[str, str]:
    v4: list[str] = []
    v6: list[str] = []
    for assoc in list(vpc._cidr_block_association_set.values()):
        block = assoc.get("cidr_block")
        if not isinstance(block, str):
            raise _Unknown("cidr_block")
        if "::/" in block:
            if not _V6_KEYS.issuperset(assoc):
                raise _Unknown("ipv6 association")
            # moto emits no networkBorderGroup: its key is ipv6_cidr_block_network_border_group
            v6.append(
                f"<item>{_el('associationId', assoc.get('association_id'))}"
                f"{_el('ipv6CidrBlock', block)}"
                f"{_state(assoc.get('cidr_block_state'), 'ipv6CidrBlockState')}"
                f"{_el('ipv6Pool', assoc.get('ipv6_pool'))}</item>"
            )
        if "." in block:
            if not _V4_KEYS.issuperset(assoc):
                raise _Unknown("ipv4 association")
            v4.append(
                f"<item>{_el('associationId', assoc.get('association_id'))}"
                f"{_el('cidrBlock', block)}"
                f"{_state(assoc.get('cidr_block_state'), 'cidrBlockState')}</item>"
            )
    return ("".join(v4), "".join(v6))


def _set(name: str, items: str) -> str:
    return f"<{name}>{items}</{name}>" if items else f"<{name}/>"


def _render_vpc(vpc: Any) -> str:
    v4, v6 = _associations(vpc)
    tags = "".join(f"<item>{_el('key', t['key'])}{_el('value', t['value'])}</item>" for t in vpc.get_tags())
    # Member order of botocore's Vpc shape, as moto's serializer walks it.
    return (
        "<item>"
        f"{_el('ownerId', vpc.owner_id)}"
        f"{_el('instanceTenancy', vpc.instance_tenancy)}"
        f"{_set('ipv6CidrBlockAssociationSet', v6)}"
        f"{_set('cidrBlockAssociationSet', v4)}"
        f"<isDefault>{_bool(vpc.is_default)}</isDefault>"
        f"{_set('tagSet', tags)}"
        f"{_el('vpcId', vpc.id)}"
        f"{_el('state', vpc.state)}"
        f"{_el('cidrBlock', vpc.cidr_block)}"
        f"{_el('dhcpOptionsId', vpc.dhcp_options_id)}"
        "</item>"
    )


def _moto_serializer() -> EC2Serializer:
    operation = get_service_model("ec2").operation_model("DescribeVpcs")
    picker = XFormedAttributePicker(
        response_transformers=getattr(EC2Response, "RESPONSE_KEY_PATH_TO_TRANSFORMER", None)
    )
    return EC2Serializer(operation_model=operation, pretty_print=False, value_picker=picker)


def moto_render_vpc_items(vpcs: list[Any]) -> str:
    """The ``<item>``s moto's own serializer writes inside ``<vpcSet>`` for these VPCs."""
    if not vpcs:
        return ""
    body = _moto_serializer().serialize({"Vpcs": list(vpcs)})["body"]
    if isinstance(body, bytes):  # moto's serializers may answer bytes; EC2's XML is text
        body = body.decode("utf-8")
    start = body.index("<vpcSet>") + len("<vpcSet>")
    return body[start : body.rindex("</vpcSet>")]


def render_vpc_items(vpcs: list[Any]) -> str:
    """The same ``<item>``s as ``moto_render_vpc_items``, fast."""
    out = []
    for vpc in vpcs:
        try:
            out.append(_render_vpc(vpc))
        except _Unknown as exc:
            log.info("DescribeVpcs: %s rendered by moto's serializer (unknown %s)", getattr(vpc, "id", "?"), exc)
            out.append(moto_render_vpc_items([vpc]))
    return "".join(out)


# --- 3. the API ---------------------------------------------------------------------------------


def _invalid(message: str) -> EC2ClientError:
    return EC2ClientError("InvalidParameterValue", message)


def _encode_token(offset: int, last_id: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{offset}:{last_id}".encode()).decode()


def _decode_token(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
        version, offset, last_id = raw.split(":", 2)
        if version != "v1" or int(offset) < 0:
            raise ValueError(raw)
        return int(offset), last_id
    except (ValueError, UnicodeError, binascii.Error):
        raise _invalid(f"Value ( {token} ) for parameter NextToken is invalid. The token is invalid.") from None


def paginate(items: list[Any], max_results: Any, next_token: str | None) -> tuple[list[Any], str | None]:
    """EC2 pagination over moto's (filtered) list, in moto's order.

    The token names the last item returned (and its position, used only if that item is gone
    by the next call), so VPCs created or deleted between pages do not shift the rest.
    """
    limit: int | None = None
    if max_results is not None:
        try:
            limit = int(max_results)
        except (TypeError, ValueError):
            raise _invalid(f"Value ( {max_results} ) for parameter maxResults is invalid.") from None
        if limit < MIN_RESULTS:
            raise _invalid(
                f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value greater than {MIN_RESULTS}."
            )
        if limit > MAX_RESULTS:
            raise _invalid(
                f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value less than {MAX_RESULTS}."
            )
    start = 0
    if next_token is not None:
        offset, last_id = _decode_token(next_token)
        start = next((i + 1 for i, item in enumerate(items) if item.id == last_id), min(offset, len(items)))
    if limit is None:
        return items[start:], None
    page = items[start : start + limit]
    if start + limit < len(items):
        return page, _encode_token(start + len(page), page[-1].id)
    return page, None


class _VpcsResult(ActionResult):
    """Envelope by moto's serializer, ``<item>``s by ``render_vpc_items``."""

    def __init__(self, vpcs: list[Any], next_token: str | None) -> None:
        super().__init__({"Vpcs": vpcs, "NextToken": next_token})
        self.vpcs = vpcs
        self.next_token = next_token

    def execute_result(self, context: Any) -> Any:
        if not self.vpcs or moto_settings.PRETTIFY_RESPONSES or not issubclass(context.serializer_class, EC2Serializer):
            return super().execute_result(context)
        status, headers, body = ActionResult({"Vpcs": [], "NextToken": self.next_token}).execute_result(context)
        if not isinstance(body, str) or body.count("<vpcSet/>") != 1:
            return super().execute_result(context)
        items = render_vpc_items(self.vpcs)
        return status, headers, body.replace("<vpcSet/>", f"<vpcSet>{items}</vpcSet>")


def describe_vpcs(self: EC2Response) -> ActionResult:
    self.error_on_dryrun()
    vpc_ids = self._get_param("VpcIds", [])
    filters = self._filters_from_querystring()
    vpcs = self.ec2_backend.describe_vpcs(vpc_ids=vpc_ids, filters=filters)
    page, next_token = paginate(vpcs, self._get_param("MaxResults"), self._get_param("NextToken"))
    return _VpcsResult(page, next_token)


@install_once
def install() -> None:
    patch(TagBackend, describe_tags=_describe_tags)
    patch(EC2Response, describe_vpcs=describe_vpcs)
