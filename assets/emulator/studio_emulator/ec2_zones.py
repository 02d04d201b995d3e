"""Availability zones and the VPC endpoint services each zone offers.

Real AWS does not offer every endpoint service in every availability zone, and a region can have
Local Zones / Wavelength Zones next to its standard zones. moto offers every service in every
standard zone and knows no other zone type. This module:

* ``DescribeVpcEndpointServices``: moto's default services (one per service and type, e.g.
  ``com.amazonaws.us-east-1.s3`` as Interface and Gateway), minus the zones configured as lacking
  the service (``zone_gaps``); a service left in no zone is not offered at all. ``ServiceNames.N``
  with an unknown name -> ``InvalidServiceName`` (like AWS, and like moto). ``Filter.N`` with
  ``service-name`` / ``service-type`` / ``tag-key`` / ``tag:<key>`` and their ``Values``
  (moto 5.2.5 reads a ``Value`` key the query parser never fills and fails with HTTP 500).
  ``ServiceNames`` lists each name once. Paging (MaxResults / NextToken) as in moto.
* ``DescribeAvailabilityZones``: every standard zone carries ``ZoneType availability-zone``,
  ``OptInStatus opt-in-not-required``, ``GroupName <region>-zg-1`` and ``NetworkBorderGroup
  <region>`` (API reference, AvailabilityZone: "For Availability Zones, this parameter always has
  the value of opt-in-not-required"); configured ``extra_zones`` (Local / Wavelength Zones) are
  listed after them. "AllAvailabilityZones: Include all Availability Zones, Local Zones, and
  Wavelength Zones regardless of your opt-in status. If you do not use this parameter, the
  results include only the zones for the Regions where you have chosen the option to opt in."
  So without ``AllAvailabilityZones=true`` an extra zone shows only when it is ``opted-in``.
  Filters ``zone-type``, ``opt-in-status``, ``zone-name``, ``zone-id``, ``region-name``,
  ``state``, ``group-name``, ``parent-zone-name`` apply to both.

Both configurations are AWS state, not emulator settings: ``POST /moto-api/reset`` clears them.
Set through ``POST /_studio/config`` (``zone_gaps``, ``extra_zones``; see control.py).
"""

from __future__ import annotations

import threading
from operator import itemgetter
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidFilter, InvalidNextToken, InvalidServiceName
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
from moto.ec2.models.vpcs import VPCBackend
from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions
from moto.utilities.utils import filter_resources

from .patching import install_once, patch

LOCK = threading.RLock()
# zone name -> service names that zone does not offer
ZONE_GAPS: dict[str, set[str]] = {}
# extra (Local / Wavelength) zones, as given to configure_extra_zones()
EXTRA_ZONES: list[dict[str, Any]] = []

ZONE_TYPES = ("availability-zone", "local-zone", "wavelength-zone")
OPT_IN = ("opt-in-not-required", "opted-in", "not-opted-in")
MAX_SERVICES_PAGE = 1000


class ConfigError(ValueError):
    pass


# ---------------------------------------------------------------------------
# Configuration (control endpoint)
# ---------------------------------------------------------------------------
def configure_zone_gaps(value: Any) -> dict[str, list[str]]:
    """``{"us-east-1a": ["com.amazonaws.us-east-1.sagemaker.metrics", ...]}``; replaces the map."""
    if not isinstance(value, dict):
        raise ConfigError("zone_gaps: expected an object zone name -> list of service names")
    clean: dict[str, set[str]] = {}
    for zone, services in value.items():
        if isinstance(services, str):
            services = [services]
        if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
            raise ConfigError(f"zone_gaps[{zone!r}]: expected a list of service names")
        clean[str(zone)] = set(services)
    with LOCK:
        ZONE_GAPS.clear()
        ZONE_GAPS.update(clean)
    return zone_gaps()


def zone_gaps() -> dict[str, list[str]]:
    with LOCK:
        return {z: sorted(s) for z, s in ZONE_GAPS.items()}


def configure_extra_zones(value: Any) -> list[dict[str, Any]]:
    """A list of ``{"ZoneName": "us-east-1-bos-1a", "ZoneType": "local-zone",
    "OptInStatus": "opted-in", "ZoneId"?, "GroupName"?, "NetworkBorderGroup"?,
    "ParentZoneName"?, "ParentZoneId"?, "RegionName"?}``; replaces the list."""
    if not isinstance(value, list):
        raise ConfigError("extra_zones: expected a list of zone objects")
    clean = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("ZoneName"), str):
            raise ConfigError("extra_zones: every zone needs a ZoneName")
        name = item["ZoneName"]
        ztype = item.get("ZoneType", "local-zone")
        if ztype not in ZONE_TYPES:
            raise ConfigError(f"extra_zones[{name}]: ZoneType must be one of {', '.join(ZONE_TYPES)}")
        opt_in = item.get("OptInStatus", "opted-in")
        if opt_in not in OPT_IN:
            raise ConfigError(f"extra_zones[{name}]: OptInStatus must be one of {', '.join(OPT_IN)}")
        region = item.get("RegionName") or _region_of(name)
        if region is None:
            raise ConfigError(f"extra_zones[{name}]: cannot tell the region; give RegionName")
        # API reference, AvailabilityZone.groupName: "Availability Zones - us-east-1-zg-1, Local
        # Zones - us-west-2-lax-1, Wavelength Zones - us-east-1-wl1-bos-wlz-1"
        group = (
            item.get("GroupName")
            or {
                "availability-zone": f"{region}-zg-1",
                "local-zone": name.rstrip("abcdefghijklmnopqrstuvwxyz"),
                "wavelength-zone": name,
            }[ztype]
        )
        std = [z for z in RegionsAndZonesBackend.zones.get(region, [])]
        parent = std[0] if std else None
        clean.append(
            {
                "ZoneName": name,
                "ZoneType": ztype,
                "OptInStatus": opt_in,
                "RegionName": region,
                "ZoneId": item.get("ZoneId") or _zone_id(name, region),
                "GroupName": group,
                "NetworkBorderGroup": item.get("NetworkBorderGroup") or group,
                "ParentZoneName": item.get("ParentZoneName") or (parent.name if parent else None),
                "ParentZoneId": item.get("ParentZoneId") or (parent.zone_id if parent else None),
                "State": item.get("State", "available"),
            }
        )
    with LOCK:
        EXTRA_ZONES[:] = clean
    return extra_zones()


def extra_zones() -> list[dict[str, Any]]:
    with LOCK:
        return [dict(z) for z in EXTRA_ZONES]


def reset() -> None:
    with LOCK:
        ZONE_GAPS.clear()
        EXTRA_ZONES.clear()


def _region_of(zone_name: str) -> str | None:
    for region in RegionsAndZonesBackend.zones:
        if zone_name.startswith(region + "-") or (zone_name.startswith(region) and len(zone_name) == len(region) + 1):
            return region
    return None


def _zone_id(name: str, region: str) -> str:
    # us-east-1-bos-1a -> use1-bos1-az1 (the shape AWS uses for Local Zone ids)
    std = RegionsAndZonesBackend.zones.get(region, [])
    prefix = std[0].zone_id.split("-az")[0] if std else region.replace("-", "")
    rest = name[len(region) + 1 :]  # bos-1a
    city, _, num = rest.rpartition("-")
    return f"{prefix}-{city.replace('-', '')}{num[:-1]}-az1"


# ---------------------------------------------------------------------------
# DescribeAvailabilityZones
# ---------------------------------------------------------------------------
class ExtraZone(Zone):
    # plain class attributes shadow the read-only properties install() puts on Zone
    opt_in_status = None
    group_name = None
    network_border_group = None
    parent_zone_name = None
    parent_zone_id = None

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(
            name=spec["ZoneName"], region_name=spec["RegionName"], zone_id=spec["ZoneId"], zone_type=spec["ZoneType"]
        )
        self.state = spec["State"]
        self.opt_in_status = spec["OptInStatus"]
        self.group_name = spec["GroupName"]
        self.network_border_group = spec["NetworkBorderGroup"]
        self.parent_zone_name = spec["ParentZoneName"]
        self.parent_zone_id = spec["ParentZoneId"]

    @property
    def zone_name(self) -> str:  # the serializer maps ZoneName to .name only for class "Zone"
        return self.name


_ZONE_ATTRS = (
    ("zone-id", "zone_id"),
    ("zone-type", "zone_type"),
    ("zone-name", "name"),
    ("region-name", "region_name"),
    ("state", "state"),
    ("opt-in-status", "opt_in_status"),
    ("group-name", "group_name"),
    ("parent-zone-name", "parent_zone_name"),
)


def _describe_availability_zones(self: Any) -> ActionResult:
    self.error_on_dryrun()
    filters = self._filters_from_querystring()
    zone_names = self._get_param("ZoneNames", [])
    zone_ids = self._get_param("ZoneIds", [])
    include_all = self._get_bool_param("AllAvailabilityZones", False)
    zones = list(self.ec2_backend.zones.get(self.region, []))
    with LOCK:
        extras = [ExtraZone(z) for z in EXTRA_ZONES if z["RegionName"] == self.region]
    if not include_all:
        extras = [z for z in extras if z.opt_in_status == "opted-in"]
    result = zones + extras
    if filters:
        result = filter_resources(result, filters, _ZONE_ATTRS)
    result = [z for z in result if not zone_ids or z.zone_id in zone_ids]
    result = [z for z in result if not zone_names or z.name in zone_names]
    return ActionResult({"AvailabilityZones": result})


# Standard zones: the attributes AWS answers for them.
def _std_opt_in(self: Zone) -> str:
    return "opt-in-not-required"


def _std_group(self: Zone) -> str:
    return f"{self.region_name}-zg-1"


def _std_border(self: Zone) -> str:
    return self.region_name


# ---------------------------------------------------------------------------
# DescribeVpcEndpointServices
# ---------------------------------------------------------------------------
def offered_services(account_id: str, region: str, configurations: dict) -> list[dict[str, Any]]:
    """Every endpoint service of the region, AvailabilityZones minus the configured gaps."""
    defaults = VPCBackend._collect_default_endpoint_services(account_id, region)
    custom = [x.to_dict() for x in configurations.values()]
    with LOCK:
        gaps = {z: set(s) for z, s in ZONE_GAPS.items()}
    out = []
    for svc in defaults + custom:
        zones = [z for z in svc.get("AvailabilityZones", []) if svc["ServiceName"] not in gaps.get(z, ())]
        if not zones:
            continue  # offered nowhere: AWS does not list it
        out.append(dict(svc, AvailabilityZones=zones))
    return out


def _values(filter_item: dict[str, Any]) -> list[str]:
    return list(filter_item.get("Values") or []) + list(filter_item.get("Value") or [])


def _matches(service: dict[str, Any], filter_item: dict[str, Any]) -> bool:
    name = filter_item["Name"]
    values = _values(filter_item)
    if name == "service-name":
        return service["ServiceName"] in values
    if name == "service-type":
        return bool({x["ServiceType"] for x in service["ServiceType"]} & set(values))
    tags = service.get("Tags") or []
    if name == "tag-key":
        return any(t["Key"] in values for t in tags)
    if name.startswith("tag:"):
        key = name[4:]
        return any(t["Key"] == key and t["Value"] in values for t in tags)
    return True


def describe_vpc_endpoint_services(
    self: Any, service_names: list[str], filters: Any, max_results: int, next_token: str | None, region: str
) -> dict[str, Any]:
    services = offered_services(self.account_id, region, self.configurations)
    known = {s["ServiceName"] for s in services}
    for name in service_names or []:
        if name not in known:
            raise InvalidServiceName(name)
    for f in filters or []:
        if f["Name"] not in ("service-name", "service-type", "tag-key") and not f["Name"].startswith("tag:"):
            raise InvalidFilter(f["Name"])
    picked = [
        s
        for s in services
        if (not service_names or s["ServiceName"] in service_names) and all(_matches(s, f) for f in filters or [])
    ]
    picked.sort(key=itemgetter("ServiceName"))
    start = 0
    ids = [s["ServiceId"] for s in picked]
    if next_token:
        if next_token not in ids:
            raise InvalidNextToken(next_token)
        start = ids.index(next_token)
    if not max_results or max_results > MAX_SERVICES_PAGE:
        max_results = MAX_SERVICES_PAGE
    page = picked[start : start + max_results]
    nxt = picked[start + max_results]["ServiceId"] if len(picked) > start + max_results else None
    names: list[str] = []
    for s in page:
        if s["ServiceName"] not in names:
            names.append(s["ServiceName"])
    return {"servicesDetails": page, "serviceNames": names, "nextToken": nxt}


# ---------------------------------------------------------------------------
# install()
# ---------------------------------------------------------------------------
@install_once
def install() -> None:
    patch(VPCBackend, describe_vpc_endpoint_services=describe_vpc_endpoint_services)
    patch(AvailabilityZonesAndRegions, describe_availability_zones=_describe_availability_zones)
    patch(
        Zone,
        opt_in_status=property(_std_opt_in),
        group_name=property(_std_group),
        network_border_group=property(_std_border),
        parent_zone_name=None,
        parent_zone_id=None,
    )

    from moto.moto_api._internal.models import MotoAPIBackend

    orig_reset = MotoAPIBackend.reset

    def reset_all(self: Any) -> None:
        orig_reset(self)
        reset()

    patch(MotoAPIBackend, reset=reset_all)
