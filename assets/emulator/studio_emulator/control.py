"""Control endpoints under /_studio/ (JSON, never subject to faults, never logged)."""

from __future__ import annotations

import json
from typing import Any, Callable

from .config import SETTINGS
from .faults import FAULT_RNG, REQUEST_LOG

PREFIX = "/_studio/"


class SpecError(ValueError):
    pass


def _rate(value: Any, key: str) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"{key}: expected a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= rate <= 1.0:
        raise SpecError(f"{key}: expected a number between 0 and 1, got {value!r}")
    return rate


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """Parse ``throttle=0.1,5xx=0.05,drop=0.01,seed=7,fail=LogicalId[:reason],fail-domain=Name``.

    Returns a partial settings dict (keys as in SETTINGS). Raises SpecError on a bad spec.
    """
    out: dict[str, Any] = {}
    fail_resources: dict[str, str] = {}
    fail_domains: dict[str, str] = {}
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise SpecError(f"bad fault item {item!r}: expected KEY=VALUE")
        if key == "throttle":
            out["throttle_rate"] = _rate(value, key)
        elif key in ("5xx", "error", "error_5xx"):
            out["error_5xx_rate"] = _rate(value, key)
        elif key == "drop":
            out["drop_rate"] = _rate(value, key)
        elif key == "seed":
            try:
                out["seed"] = int(value)
            except ValueError:
                raise SpecError(f"seed: expected an integer, got {value!r}") from None
        elif key == "fail":
            logical_id, _, reason = value.partition(":")
            if not logical_id.isalnum():
                raise SpecError(f"fail: {logical_id!r} is not a CloudFormation logical id")
            fail_resources[logical_id] = reason or "Resource creation failed (injected fault)"
        elif key in ("fail-domain", "fail_domain"):
            name, _, reason = value.partition(":")
            fail_domains[name] = reason or "Domain creation failed (injected fault)"
        else:
            raise SpecError(f"unknown fault key {key!r} (expected throttle, 5xx, drop, seed, fail, fail-domain)")
    total = sum(out.get(k, 0.0) for k in ("throttle_rate", "error_5xx_rate", "drop_rate"))
    if total > 1.0:
        raise SpecError(f"fault rates add up to {total}, more than 1")
    if fail_resources:
        out["fail_resources"] = fail_resources
    if fail_domains:
        out["fail_domains"] = fail_domains
    return out


_FLOAT_KEYS = ("pace", "throttle_rate", "error_5xx_rate", "drop_rate")


def apply_settings(values: dict[str, Any], merge_lists: bool = False) -> None:
    """Validate then apply a settings dict (keys as in SETTINGS, plus "faults": SPEC, plus the
    zone state "zone_gaps" / "extra_zones" that ec2_zones keeps until /moto-api/reset)."""
    values = dict(values)
    zone_values: dict[str, Any] = {k: values.pop(k) for k in ("zone_gaps", "extra_zones") if k in values}
    if "faults" in values:
        spec = values.pop("faults")
        if not isinstance(spec, str):
            raise SpecError("faults: expected a spec string")
        for k, v in parse_fault_spec(spec).items():
            values.setdefault(k, v)
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key == "pace":
            try:
                clean[key] = float(value)
            except (TypeError, ValueError):
                raise SpecError(f"pace: expected a number, got {value!r}") from None
            if clean[key] < 0:
                raise SpecError("pace: must be >= 0")
        elif key in _FLOAT_KEYS:
            clean[key] = _rate(value, key)
        elif key == "seed":
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError(f"seed: expected an integer, got {value!r}")
            clean[key] = value
        elif key in ("fail_resources", "fail_domains", "fail_rollbacks", "fail_drift"):
            if isinstance(value, list):
                value = {str(v): "" for v in value}
            if not isinstance(value, dict):
                raise SpecError(f"{key}: expected an object name -> reason (or a list of names)")
            default = {
                "fail_resources": "Resource creation failed (injected fault)",
                "fail_domains": "Domain creation failed (injected fault)",
                "fail_rollbacks": "Resource rollback failed (injected fault)",
                "fail_drift": "Internal Failure",
            }[key]
            clean[key] = {str(k): (str(v) if v else default) for k, v in value.items()}
        elif key == "durations":
            if not isinstance(value, dict):
                raise SpecError("durations: expected an object type -> seconds")
            clean[key] = {str(k): float(v) for k, v in value.items()}
        elif key == "short_credentials":
            if not isinstance(value, dict):
                raise SpecError("short_credentials: expected an object role ARN -> seconds")
            try:
                clean[key] = {str(k): float(v) for k, v in value.items()}
            except (TypeError, ValueError):
                raise SpecError("short_credentials: expected seconds as numbers") from None
        elif key == "stall":
            if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
                raise SpecError("stall: expected an object region -> [action, ...]")
            clean[key] = {str(k): [str(a) for a in v] for k, v in value.items()}
        elif key == "deny":
            if not isinstance(value, list) or not all(isinstance(a, str) and ":" in a for a in value):
                raise SpecError('deny: expected a list of IAM actions, e.g. ["pricing:GetProducts"]')
            clean[key] = [str(a) for a in value]
        elif key == "pricing_page_limit":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SpecError("pricing_page_limit: expected a whole number >= 0 (0: no limit)")
            clean[key] = value
        elif key == "s3_writers":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise SpecError('s3_writers: expected an object bucket -> {"on": event, "domain": id, "writes": n}')
            writers = {}
            for bucket, spec in value.items():
                writes = spec.get("writes", 0)
                if isinstance(writes, bool) or not isinstance(writes, int) or writes < 0:
                    raise SpecError("s3_writers: writes must be a whole number >= 0")
                domain = spec.get("domain")
                on = spec.get("on", "DeleteObjects")
                if on not in ("DeleteObjects", "DeleteApp", "DeleteStack"):
                    raise SpecError("s3_writers: on must be DeleteObjects, DeleteApp or DeleteStack")
                writers[str(bucket)] = {
                    "domain": None if domain is None else str(domain),
                    "writes": writes,
                    "on": on,
                }
            clean[key] = writers
        elif key == "s3_policy_lag":
            if not isinstance(value, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
            ):
                raise SpecError("s3_policy_lag: expected an object bucket -> reads (a whole number >= 0)")
            clean[key] = {str(k): int(v) for k, v in value.items()}
        else:
            raise SpecError(f"unknown setting {key!r}")
    if zone_values:
        _apply_zone_values(zone_values)
    with SETTINGS.lock:
        for key, value in clean.items():
            if key in ("fail_resources", "fail_domains", "fail_rollbacks", "fail_drift", "durations") and merge_lists:
                getattr(SETTINGS, key).update(value)
            elif key == "durations":
                SETTINGS.durations.update(value)
            else:
                setattr(SETTINGS, key, value)
    if "seed" in clean:
        FAULT_RNG.reseed()


def _apply_zone_values(zone_values: dict[str, Any]) -> None:
    from . import ec2_zones

    old = (ec2_zones.zone_gaps(), ec2_zones.extra_zones())
    try:
        if "zone_gaps" in zone_values:
            ec2_zones.configure_zone_gaps(zone_values["zone_gaps"])
        if "extra_zones" in zone_values:
            ec2_zones.configure_extra_zones(zone_values["extra_zones"])
    except ec2_zones.ConfigError as exc:
        ec2_zones.configure_zone_gaps(old[0])
        ec2_zones.configure_extra_zones(old[1])
        raise SpecError(str(exc)) from None


def settings_dict() -> dict[str, Any]:
    with SETTINGS.lock:
        return {
            "pace": SETTINGS.pace,
            "fail_resources": dict(SETTINGS.fail_resources),
            "fail_domains": dict(SETTINGS.fail_domains),
            "fail_rollbacks": dict(SETTINGS.fail_rollbacks),
            "fail_drift": dict(SETTINGS.fail_drift),
            "throttle_rate": SETTINGS.throttle_rate,
            "error_5xx_rate": SETTINGS.error_5xx_rate,
            "drop_rate": SETTINGS.drop_rate,
            "seed": SETTINGS.seed,
            "durations": dict(SETTINGS.durations),
            "short_credentials": dict(SETTINGS.short_credentials),
            "stall": {k: list(v) for k, v in SETTINGS.stall.items()},
            "s3_writers": {k: dict(v) for k, v in SETTINGS.s3_writers.items()},
            "deny": list(SETTINGS.deny),
            "pricing_page_limit": SETTINGS.pricing_page_limit,
            "s3_policy_lag": dict(SETTINGS.s3_policy_lag),
            **_zone_settings(),
        }


def _zone_settings() -> dict[str, Any]:
    from . import ec2_zones

    return {"zone_gaps": ec2_zones.zone_gaps(), "extra_zones": ec2_zones.extra_zones()}


def _json(start_response: Callable, status: int, body: Any) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        405: "Method Not Allowed",
        415: "Unsupported Media Type",
    }[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _body(environ: dict[str, Any]) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    return json.loads(raw)


def _json_content_type(environ: dict[str, Any]) -> bool:
    return (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower() == "application/json"


def handle(environ: dict[str, Any], start_response: Callable) -> list[bytes]:
    path = environ.get("PATH_INFO", "")[len(PREFIX) :].strip("/")
    method = environ.get("REQUEST_METHOD", "GET")
    # A state-changing call must say it sends JSON: a browser cannot send that content type to
    # another origin without a preflight, which the emulator never allows.
    if method not in ("GET", "HEAD") and not _json_content_type(environ):
        return _json(
            start_response,
            415,
            {"error": "send the body as JSON with the header Content-Type: application/json"},
        )
    try:
        if path == "requests" and method == "GET":
            return _json(start_response, 200, REQUEST_LOG.snapshot())
        if path == "reset-requests" and method == "POST":
            REQUEST_LOG.reset()
            return _json(start_response, 200, {"ok": True})
        if path == "config" and method == "GET":
            return _json(start_response, 200, settings_dict())
        if path == "config" and method == "POST":
            body = _body(environ)
            if not isinstance(body, dict):
                raise SpecError("expected a JSON object")
            apply_settings(body)
            return _json(start_response, 200, settings_dict())
        if path == "seed" and method == "POST":
            from . import seed

            body = _body(environ)
            if not isinstance(body, dict):
                raise SpecError("expected a JSON object")
            fixture = body.get("fixture")
            if fixture:
                name = "default" if fixture is True else fixture
                if name not in seed.FIXTURES:
                    raise SpecError(f"fixture: expected true or one of {', '.join(sorted(seed.FIXTURES))}")
                return _json(start_response, 200, {"fixture": seed.FIXTURES[name](body.get("regions") or None)})
            n = body.get("vpcs", 0)
            if isinstance(n, bool) or not isinstance(n, int):
                raise SpecError("vpcs: expected an integer")
            try:
                result = seed.seed_vpcs(n, str(body.get("region") or "us-east-1"))
            except ValueError as exc:
                raise SpecError(str(exc)) from None
            return _json(start_response, 200, result)
        if path == "retained" and method == "GET":
            from .sagemaker_domains import retained_file_systems

            return _json(start_response, 200, retained_file_systems())
        if path == "s3-put" and method == "POST":
            from .s3_policy import put_from_vpc

            body = _body(environ)
            if not isinstance(body, dict):
                raise SpecError("expected a JSON object")
            try:
                return _json(start_response, 200, put_from_vpc(body))
            except LookupError as exc:
                return _json(start_response, 404, {"error": str(exc)})
        if path == "firewall-alerts" and method == "POST":
            from .logs_ext import write_alerts

            body = _body(environ)
            if not isinstance(body, dict):
                raise SpecError("expected a JSON object")
            try:
                return _json(start_response, 200, write_alerts(body))
            except LookupError as exc:
                return _json(start_response, 404, {"error": str(exc).strip("'\"")})
        if path == "health" and method == "GET":
            return _json(start_response, 200, {"ok": True})
        if path in ("requests", "reset-requests", "config", "seed", "retained", "health", "s3-put", "firewall-alerts"):
            return _json(start_response, 405, {"error": f"method {method} not allowed"})
        return _json(start_response, 404, {"error": f"no control endpoint {PREFIX}{path}"})
    except (SpecError, ValueError) as exc:
        return _json(start_response, 400, {"error": str(exc)})
