#!/usr/bin/env python3
"""The real-account projection of the first-time setup from typical durations alone
(BENCHMARKS.md, "First-time setup with the Studio domain overlapped").

Reads the environment template with the emulator's own dependency rules (Ref, GetAtt, Sub,
DependsOn: `studio_emulator.cfn._deps`), gives each resource its typical create duration
(`assets/typical-durations.json`, the figures the emulator's pace and studio-tui's ETA use) and
computes each resource's earliest finish when everything starts as soon as its dependencies are
done, as CloudFormation does. Then:
  sequential = stack + domain + user               (the stack, then CreateDomain, then the users)
  overlapped = max(stack, inputs + domain + user)  (CreateDomain once its inputs are complete)
where `inputs` is the latest earliest-finish of the domain's inputs (`ops::up::DOMAIN_INPUTS`).

Usage: python3 benches/critical_path.py [PYTHON]
PYTHON: an interpreter with the emulator's requirements (default: the venv `cargo test` creates).
"""
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Keep in step with `DOMAIN_INPUTS` in src/ops/up/mod.rs (a test there checks it against the template).
INPUTS = ["VPC", "SageMakerStudioSubnet", "SageMakerSecurityGroup", "SageMakerIngressNfs",
          "SageMakerIngressApps", "ExecutionRole", "ExecutionPolicy", "StudioKmsKey"]

CHILD = r"""
import json, sys
from studio_emulator.cfn import _deps, _parse
tpl = _parse(open(sys.argv[1], encoding="utf-8").read())
deps = _deps(tpl, list(tpl["Resources"]))
print(json.dumps({k: {"type": tpl["Resources"][k]["Type"], "deps": sorted(v)} for k, v in deps.items()}))
"""


def main():
    venvs = sys.argv[1:] or glob.glob(
        os.path.join(ROOT, "target/tmp/emulator-cache/emulator-venv-*/bin/python"))
    if not venvs:
        sys.exit("no emulator venv: run `cargo test` once first")
    template = os.path.join(ROOT, "assets/cloudformation/studio-environment.yaml")
    graph = json.loads(subprocess.run(
        [venvs[0], "-c", CHILD, template], cwd=os.path.join(ROOT, "assets/emulator"),
        check=True, capture_output=True, text=True).stdout)
    with open(os.path.join(ROOT, "assets/typical-durations.json"), encoding="utf-8") as fh:
        typical = {k: v for k, v in json.load(fh).items() if not k.startswith("_comment")}

    def secs(t):
        return float(typical.get(t, typical["_default"]))

    finish, via = {}, {}

    def end(lid):
        if lid not in finish:
            before = max(graph[lid]["deps"], key=end, default=None)
            finish[lid] = (end(before) if before else 0.0) + secs(graph[lid]["type"])
            via[lid] = before
        return finish[lid]

    for lid in graph:
        end(lid)

    def chain(lid):
        out = []
        while lid:
            out.append(f"{lid} {secs(graph[lid]['type']):.0f}")
            lid = via[lid]
        return " <- ".join(out)

    last = max(finish, key=finish.get)
    stack = finish[last]
    ready = max(INPUTS, key=lambda i: finish[i])
    inputs = finish[ready]
    domain = secs("AWS::SageMaker::Domain")
    user = secs("AWS::SageMaker::UserProfile")
    seq = stack + domain + user
    lap = max(stack, inputs + domain + user)
    print(f"resources {len(graph)}")
    print(f"stack's longest chain {stack:5.0f} s: {chain(last)}")
    print(f"domain's inputs ready {inputs:5.0f} s: {chain(ready)}")
    print(f"sequential (stack, then domain {domain:.0f} s, then a user {user:.0f} s) {seq:5.0f} s")
    print(f"overlapped max(stack, inputs + domain + user)               {lap:5.0f} s")
    print(f"overlapped / sequential {lap / seq:.2f} x")


main()
