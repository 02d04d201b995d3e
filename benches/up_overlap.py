#!/usr/bin/env python3
"""Measure the overlapped first-time setup (figures in BENCHMARKS.md).

Starts the emulator at a pace (each resource takes its typical duration x pace), runs
`studio-tui --json up --yes --users ann` for a new project, timestamps every output line as it
arrives, and reports, all from the same run:
  - wall time of `up` against (stack duration + domain duration), and their ratio;
  - when CreateDomain was called relative to the stack's first event and its CREATE_COMPLETE;
  - the delay from the stack's last event (its CREATE_COMPLETE timestamp) to studio-tui
    printing the stack's outcome, and from the domain turning InService to studio-tui printing
    InService (the emulator's domain turns InService exactly 279 s x pace after its CreateDomain
    arrived: `_Lifecycle.ready_at` in studio_emulator/sagemaker.py);
  - this run's figures scaled to pace 1 (sequential = stack + domain + user, overlapped =
    max(stack, inputs ready + domain + user)); the projection from the typical durations alone
    is benches/critical_path.py.

Usage: python3 benches/up_overlap.py [path/to/studio-tui] [pace]
Needs the emulator venv (created by `cargo test` or `studio-tui sandbox`).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/debug/studio-tui")
PACE = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
with open(os.path.join(ROOT, "assets/typical-durations.json"), encoding="utf-8") as fh:
    TYPICAL = json.load(fh)
DOMAIN_SECS = TYPICAL["AWS::SageMaker::Domain"]
USER_SECS = TYPICAL["AWS::SageMaker::UserProfile"]

emu, url = sandbox.start(PACE)


def requests():
    return sandbox.requests(url)


project = f"lap-{os.getpid()}"
env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing",
           AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
           STUDIO_TUI_HOME=f"/tmp/studio-tui-up-overlap-{os.getpid()}")
t0 = time.time()
proc = subprocess.Popen([BIN, "--json", "up", "--yes", "--users", "ann", "--project-name", project],
                        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
lines = []
for raw in proc.stdout:
    try:
        lines.append((time.time(), json.loads(raw)))
    except ValueError:
        pass
proc.wait()
wall = time.time() - t0
log = requests()
emu.stdin.close()
emu.wait(timeout=30)
if proc.returncode != 0:
    sys.exit(f"up failed ({proc.returncode})")

events = [d for _, d in lines if d.get("type") == "event"]
first_event = min(e["timestamp_ms"] for e in events) / 1000
stack_done = next(e["timestamp_ms"] for e in events
                  if e["logical_id"] == project and e["status"] == "CREATE_COMPLETE") / 1000
finished_seen = next(t for t, d in lines if d.get("type") == "finished")
create_domain = next(r["time"] for r in log if r["action"] == "CreateDomain")
domain_ready = create_domain + DOMAIN_SECS * PACE
in_service_seen = next(t for t, d in lines
                       if d.get("type") == "studio" and d.get("kind") == "domain"
                       and d.get("status") == "InService")
user_seen = next(t for t, d in lines
                 if d.get("type") == "studio" and d.get("kind") == "user"
                 and d.get("status") == "InService")

stack = stack_done - first_event
domain = in_service_seen - create_domain
inputs = create_domain - first_event
print(f"pace {PACE}")
print(f"  up wall time                 {wall:7.1f} s")
print(f"  stack (first event -> CREATE_COMPLETE) {stack:7.1f} s")
print(f"  domain (CreateDomain -> InService seen) {domain:7.1f} s")
print(f"  wall / (stack + domain)      {wall / (stack + domain):7.2f}")
print(f"  CreateDomain after the stack's first event {inputs:6.1f} s, "
      f"{stack_done - create_domain:6.1f} s before its CREATE_COMPLETE")
print(f"  stack settled -> outcome printed   {finished_seen - stack_done:5.2f} s")
print(f"  domain InService -> printed        {in_service_seen - domain_ready:5.2f} s")
print(f"  user created -> up done            {t0 + wall - user_seen:5.2f} s")
seq = stack / PACE + DOMAIN_SECS + USER_SECS
lap = max(stack / PACE, inputs / PACE + DOMAIN_SECS + USER_SECS)
print(f"  scaled to pace 1: sequential {seq:5.0f} s, overlapped {lap:5.0f} s "
      f"({lap / seq:.2f} x)")
