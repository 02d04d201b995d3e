"""The emulator for the measurement scripts in benches/: started from the venv `cargo test`
creates, at a pace, with its request log."""
import glob
import json
import os
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(pace):
    """Start the emulator at `pace`; returns (process, endpoint URL). Close its stdin to stop it."""
    venvs = glob.glob(os.path.join(ROOT, "target/tmp/emulator-cache/emulator-venv-*/bin/python"))
    if not venvs:
        sys.exit("no emulator venv: run `cargo test` once first")
    emu = subprocess.Popen(
        [venvs[0], "-m", "studio_emulator", "--port", "0", "--pace", str(pace),
         "--exit-on-stdin-close"],
        cwd=os.path.join(ROOT, "assets/emulator"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    return emu, emu.stdout.readline().split()[1]


def requests(url):
    """The AWS requests the emulator received, oldest first."""
    with urllib.request.urlopen(url + "/_studio/requests") as r:
        data = json.load(r)
    return data if isinstance(data, list) else data.get("requests", [])
