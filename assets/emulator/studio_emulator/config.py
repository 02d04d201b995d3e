"""Run-time settings shared by every extension of the studio-tui emulator.

One process-wide SETTINGS object. The entry point fills it from the command line;
the control endpoint (/_studio/config) may change it while the server runs.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field

_DURATIONS_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "typical-durations.json")


def _load_durations() -> dict:
    with open(_DURATIONS_PATH, encoding="utf-8") as fh:
        return {k: v for k, v in json.load(fh).items() if not k.startswith("_comment")}


@dataclass
class Settings:
    # Each resource takes typical duration x pace seconds; 0 = instant.
    pace: float = 0.0
    # Logical resource id -> failure reason: CloudFormation fails that resource.
    fail_resources: dict = field(default_factory=dict)
    # Logical resource id -> failure reason: rolling that resource back fails during an update
    # rollback, which then ends in UPDATE_ROLLBACK_FAILED.
    fail_rollbacks: dict = field(default_factory=dict)
    # Logical resource id -> reason: drift detection fails on that resource (its drift status
    # is UNKNOWN), so the detection ends in DETECTION_FAILED with results for the others.
    fail_drift: dict = field(default_factory=dict)
    # SageMaker domain name -> failure reason: the domain ends in Failed.
    fail_domains: dict = field(default_factory=dict)
    # Role ARN -> seconds: AssumeRole credentials for that role expire that soon (sts_ext.py).
    short_credentials: dict = field(default_factory=dict)
    # Region -> AWS actions held (not answered) while listed: a request "in flight" for as long
    # as a test needs (faults.py).
    stall: dict = field(default_factory=dict)
    # Bucket -> {"on": event, "domain": id or None, "writes": n}: a writer that puts one object
    # into the bucket when its event happens, at most n times (s3_policy.writer_event).
    s3_writers: dict = field(default_factory=dict)
    # IAM actions ("pricing:GetProducts") answered AccessDeniedException, as a policy without
    # them would (pricing.py honours it).
    deny: list = field(default_factory=list)
    # At most this many products a GetProducts page (0: MaxResults decides), pricing.py.
    pricing_page_limit: int = 0
    # Bucket -> n: after each PutBucketPolicy on it, the next n GetBucketPolicy answer the
    # policy it replaced (S3's eventual consistency for bucket configurations; s3_lag.py).
    s3_policy_lag: dict = field(default_factory=dict)
    # Random fault rates (0..1) and seed; applied to AWS API requests only.
    throttle_rate: float = 0.0
    error_5xx_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int = 0
    durations: dict = field(default_factory=_load_durations)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def duration(self, resource_type: str) -> float:
        """Seconds a resource of this CloudFormation type takes at the current pace."""
        base = self.durations.get(resource_type, self.durations.get("_default", 5))
        return float(base) * self.pace


SETTINGS = Settings()
