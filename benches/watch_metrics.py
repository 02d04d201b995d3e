#!/usr/bin/env python3
"""Measure what watching a deployment costs (figures in BENCHMARKS.md).

Starts the emulator at a pace that makes the deploy last a few minutes, runs
`studio-tui deploy --yes --plain`, and reports:
  - AWS API calls per minute while watching (from the emulator's request log),
  - delay from an event's timestamp to its line on stdout,
  - CPU time and peak memory (RSS) of studio-tui while it watches.

Usage: python3 benches/watch_metrics.py [path/to/studio-tui] [pace]
Needs the emulator venv (created by `cargo test` or `studio-tui sandbox`).
"""
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/studio-tui")
PACE = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
emu, url = sandbox.start(PACE)


def requests():
    return sandbox.requests(url)

env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing",
           AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
           STUDIO_TUI_HOME="/tmp/studio-tui-watch-metrics")
proc = subprocess.Popen([BIN, "deploy", "--yes", "--plain", "--project-name", f"watch-{os.getpid()}"],
                        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
delays, peak_rss, started = [], 0, None

def sample():
    global peak_rss
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        peak_rss = max(peak_rss, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.5)

threading.Thread(target=sample, daemon=True).start()
for line in proc.stdout:
    now = dt.datetime.now(dt.timezone.utc)
    if len(line) > 10 and line[2] == ":" and line[5] == ":":
        if started is None:
            started = time.time()
            before = len(requests())
        h, m, s = (int(x) for x in line[:8].split(":"))
        ts = now.replace(hour=h, minute=m, second=s, microsecond=0)
        delays.append((now - ts).total_seconds())
proc.wait()
elapsed = time.time() - started
calls = len(requests()) - before
import resource
ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # studio-tui only: the emulator still runs
emu.stdin.close()
emu.wait(timeout=10)
delays.sort()
print(json.dumps({
    "watch_seconds": round(elapsed, 1),
    "api_calls": calls,
    "api_calls_per_minute": round(calls / elapsed * 60, 1),
    "events": len(delays),
    "delay_median_s": delays[len(delays) // 2],
    "delay_p95_s": delays[int(len(delays) * 0.95)],
    "cpu_seconds": round(ru.ru_utime + ru.ru_stime, 2),
    "cpu_percent_while_watching": round((ru.ru_utime + ru.ru_stime) / elapsed * 100, 2),
    "peak_rss_kib": peak_rss,
    "note": "event timestamps have 1 s resolution: delays are overstated by up to 1 s",
}, indent=2))
