"""Builds the WSGI app (control endpoints + request log/faults + moto) and runs it threaded."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Callable

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer, make_server

from . import control
from .faults import fault_middleware
from .pricing import pricing_middleware
from .s3_lag import lag_middleware
from .s3_policy import policy_middleware
from .s3_region import region_middleware

log = logging.getLogger("studio_emulator")

# Set by --seed-vpcs: called after every POST /moto-api/reset so the fixture survives resets.
RESEED_AFTER_RESET: Callable[[], Any] | None = None


def install_extensions() -> list[str]:
    """Install our extensions of moto, each once (``@install_once``). Returns those this call
    installed, in order."""
    from . import (
        cfn,
        cfn_drift,
        cfn_stacksets,
        ec2_deps,
        ec2_fast,
        ec2_tgw,
        ec2_zones,
        iam_quota,
        logs_ext,
        s3_policy,
        s3_versions,
        sagemaker,
        sts_ext,
    )

    steps: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("cfn", cfn.install),
        ("cfn_drift", cfn_drift.install),
        ("cfn_stacksets", cfn_stacksets.install),
        ("sagemaker", sagemaker.install),
        ("ec2_fast", ec2_fast.install),
        ("ec2_deps", ec2_deps.install),
        ("s3_policy", s3_policy.install),
        ("s3_versions", s3_versions.install),
        ("ec2_zones", ec2_zones.install),
        ("ec2_tgw", ec2_tgw.install),
        ("logs_ext", logs_ext.install),
        ("sts_ext", sts_ext.install),
        ("iam_quota", iam_quota.install),
    )
    return [name for name, install in steps if install()]


def _is_passthrough(path: str) -> bool:
    return path.startswith("/moto-api") or path == "/favicon.ico" or path.startswith("/latest/")


# Host names the emulator answers to: it listens on the loopback interface only, and a name
# outside these (a DNS-rebinding page's own name) is refused. S3 virtual-hosted requests come
# as BUCKET.localhost.
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def _local_host(environ: dict[str, Any]) -> bool:
    host = (environ.get("HTTP_HOST") or "").strip().lower()
    if host.startswith("["):
        name = host.split("]", 1)[0] + "]"
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return not host or any(name == h or name.endswith("." + h) for h in _LOCAL_HOSTS)


def _refuse(start_response: Callable, status: str, message: str) -> list[bytes]:
    data = json.dumps({"error": message}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _no_cors(start_response: Callable) -> Callable:
    """moto's Flask apps allow every Origin (flask-cors): drop those headers from answers."""

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
        return start_response(status, kept, exc_info) if exc_info else start_response(status, kept)

    return start


def browser_guard(app: Callable) -> Callable:
    """The emulator answers only its own tools (the AWS SDKs, the CLI, curl), never a web page
    the user happens to visit: a request that carries an ``Origin`` header (every cross-origin
    request a browser makes, and every POST) or names a host other than the loopback's is
    refused with 403, and no answer allows another origin (no ``Access-Control-*`` header)."""

    def guarded(environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("HTTP_ORIGIN") is not None:
            return _refuse(
                start_response,
                "403 Forbidden",
                "requests from web pages (with an Origin header) are refused: the emulator answers only "
                "the AWS SDKs, the CLI and curl",
            )
        if not _local_host(environ):
            return _refuse(
                start_response,
                "403 Forbidden",
                f"host {environ.get('HTTP_HOST')!r} is not this machine's loopback; use "
                "http://127.0.0.1:PORT or http://localhost:PORT",
            )
        return app(environ, _no_cors(start_response))

    return guarded


def build_app() -> Callable:
    moto_app = DomainDispatcherApplication(create_backend_app)
    # Faults are drawn first; the Price List Query API (which moto lacks) is answered next;
    # bucket policies are evaluated before moto's S3 sees a request (and before a
    # GetBucketPolicy answers a policy that was just replaced).
    aws_app = fault_middleware(pricing_middleware(region_middleware(policy_middleware(lag_middleware(moto_app)))))

    @browser_guard
    def app(environ: dict[str, Any], start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith(control.PREFIX):
            return control.handle(environ, start_response)
        if _is_passthrough(path):
            result = moto_app(environ, start_response)
            if (
                RESEED_AFTER_RESET is not None
                and path.rstrip("/") == "/moto-api/reset"
                and environ.get("REQUEST_METHOD") == "POST"
            ):
                try:
                    RESEED_AFTER_RESET()
                except Exception:  # pragma: no cover - never break a reset
                    log.exception("re-seeding after reset failed")
            return result
        return aws_app(environ, start_response)

    return app


class _QuietHandler(MotoRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if log.isEnabledFor(logging.DEBUG):
            super().log_request(code, size)


class EmulatorServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.app = build_app()
        self.httpd: BaseWSGIServer = make_server(host, port, self.app, threaded=True, request_handler=_QuietHandler)
        if isinstance(self.httpd, ThreadedWSGIServer):  # it is (threaded=True)
            self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def host(self) -> str:
        return str(self.httpd.server_address[0])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="studio-emulator", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
