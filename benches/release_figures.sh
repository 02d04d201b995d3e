#!/usr/bin/env bash
# Runtime figures of release builds, through the binary as a user runs it (BENCHMARKS.md,
# "Release build"): start-up of `status`, and a whole `preflight` against the local emulator
# seeded with 2,000 VPCs. Every binary given is measured against the same emulator, in turns,
# so the candidates see the same machine and the same emulator state.
#
#   benches/release_figures.sh NAME=path/to/studio-tui [NAME=path/to/studio-tui ...]
#
# Needs hyperfine and curl. RUNS (default 20) sets the runs per figure. The emulator's venv is
# created once under $STUDIO_TUI_HOME (default target/bench-home; first run about a minute).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 NAME=BINARY [NAME=BINARY ...]" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
runs=${RUNS:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
export STUDIO_TUI_HOME=${STUDIO_TUI_HOME:-$root/target/bench-home}
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_REGION AWS_ENDPOINT_URL

first=${1#*=}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$first" sandbox --port "$port" >"$log" 2>&1 &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null; rm -f "$log"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 1 300); do
    grep -q "emulator running" "$log" && break
    kill -0 $emu 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 1
done
grep -q "emulator running" "$log" || { echo "the emulator did not start" >&2; cat "$log" >&2; exit 1; }
curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"vpcs": 2000, "region": "ap-northeast-3"}' "$url/_studio/seed" >/dev/null

status_cmds=() preflight_cmds=() names=()
for arg in "$@"; do
    name=${arg%%=*} bin=$(realpath "${arg#*=}")
    names+=(-n "$name")
    status_cmds+=("$bin status --plain --endpoint-url $url --region us-east-1 --project-name bench")
    preflight_cmds+=("$bin preflight --plain --endpoint-url $url --region ap-northeast-3 --project-name bench")
done
echo "== start-up of status (no stack; process start to exit)"
hyperfine -N -i --warmup 3 --runs "$runs" "${names[@]}" "${status_cmds[@]}"
echo "== whole preflight against 2,000 VPCs (process start to exit)"
hyperfine -N -i --warmup 2 --runs "$runs" "${names[@]}" "${preflight_cmds[@]}"
