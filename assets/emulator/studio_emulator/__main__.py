"""Entry point: ``python -m studio_emulator [--host H] [--port N] [--pace F] [--faults SPEC]
[--seed-vpcs] [--seed-shared-tgw] [--exit-on-stdin-close] [-v]`` with assets/emulator on sys.path.

Prints exactly one line ``STUDIO_EMULATOR_READY http://<host>:<port>`` to stdout once the server
accepts connections. Logs go to stderr. SIGTERM / SIGINT stop it cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m studio_emulator", description="Local AWS emulator for studio-tui (moto server + extensions)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (0 = a free port; default 0)")
    parser.add_argument(
        "--pace", type=float, default=None, help="resource duration = typical seconds x PACE (default 0 = instant)"
    )
    parser.add_argument(
        "--faults",
        default="",
        help="comma list: throttle=RATE, 5xx=RATE, drop=RATE, seed=N, "
        "fail=LogicalId[:reason], fail-domain=DomainName[:reason]",
    )
    parser.add_argument(
        "--seed-vpcs",
        action="store_true",
        help="create a few pre-existing VPCs (and re-create them after /moto-api/reset)",
    )
    parser.add_argument(
        "--seed-shared-tgw",
        action="store_true",
        help="create a VPC attached to a transit gateway shared from account "
        "210987654321 (and re-create it after /moto-api/reset)",
    )
    parser.add_argument(
        "--exit-on-stdin-close", action="store_true", help="exit when standard input reaches end of file (parent died)"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-v info, -vv every request)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    # Installed first: a stop request during the (few seconds of) start-up is honoured too.
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _on_signal)

    level = logging.WARNING if args.verbose == 0 else (logging.INFO if args.verbose == 1 else logging.DEBUG)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.verbose < 2:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from .control import SpecError, apply_settings, parse_fault_spec

    try:
        if args.pace is not None and args.pace < 0:
            raise SpecError("--pace must be >= 0")
        fault_settings = parse_fault_spec(args.faults) if args.faults else {}
    except SpecError as exc:
        print(
            f"studio_emulator: error: --faults: {exc}" if "pace" not in str(exc) else f"studio_emulator: error: {exc}",
            file=sys.stderr,
        )
        return 2
    if args.pace is not None:
        fault_settings["pace"] = args.pace
    apply_settings(fault_settings)

    from .server import EmulatorServer, install_extensions

    installed = install_extensions()
    logging.getLogger("studio_emulator").info("extensions: %s", ", ".join(installed))

    try:
        server = EmulatorServer(args.host, args.port)
    except OSError as exc:
        print(f"studio_emulator: error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1

    if args.seed_vpcs or args.seed_shared_tgw:
        from . import seed
        from . import server as server_mod

        fixtures = ([seed.seed_fixture] if args.seed_vpcs else []) + (
            [seed.seed_shared_tgw] if args.seed_shared_tgw else []
        )

        def reseed() -> None:
            for fixture in fixtures:
                fixture()

        reseed()
        server_mod.RESEED_AFTER_RESET = reseed

    if stop.is_set():
        server.httpd.server_close()
        return 0
    server.start()
    # Wait until a connection is accepted before announcing readiness.
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    for _ in range(100):
        try:
            with socket.create_connection((host, server.port), timeout=1):
                break
        except OSError:
            stop.wait(0.05)
    sys.stdout.write(f"STUDIO_EMULATOR_READY http://{host}:{server.port}\n")
    sys.stdout.flush()

    if args.exit_on_stdin_close:

        def _watch_stdin() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()

        threading.Thread(target=_watch_stdin, name="stdin-watch", daemon=True).start()

    while not stop.is_set():
        stop.wait(0.5)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
