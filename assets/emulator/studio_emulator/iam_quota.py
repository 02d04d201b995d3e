"""IAM's size quota for a customer managed policy (moto 5.2.5 reports it but does not enforce it).

IAM and AWS STS quotas: "Managed policy size: 6,144 characters", and "IAM doesn't count white
space when calculating the size of a policy against these quotas"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). CreatePolicy and
CreatePolicyVersion of a larger document are refused with ``LimitExceeded`` ("Cannot exceed
quota for PolicySize: 6144"), as AWS answers, and so is a stack's AWS::IAM::ManagedPolicy,
which CloudFormation creates with CreatePolicy.
"""

from __future__ import annotations

import json
from typing import Any

from .patching import install_once, patch

POLICY_SIZE_QUOTA = 6144


def policy_size(document: Any) -> int:
    """The characters IAM counts: the document's text without white space."""
    text = document if isinstance(document, str) else json.dumps(document)
    return sum(1 for c in text if not c.isspace())


def _check(document: Any) -> None:
    from moto.iam.exceptions import LimitExceededException

    if policy_size(document) > POLICY_SIZE_QUOTA:
        raise LimitExceededException(f"Cannot exceed quota for PolicySize: {POLICY_SIZE_QUOTA}")


@install_once
def install() -> None:
    from moto.iam.models import IAMBackend

    create_policy = IAMBackend.create_policy
    create_policy_version = IAMBackend.create_policy_version

    def checked_create_policy(self: IAMBackend, *args: Any, **kwargs: Any) -> Any:
        _check(kwargs["policy_document"] if "policy_document" in kwargs else args[2])
        return create_policy(self, *args, **kwargs)

    def checked_create_policy_version(self: IAMBackend, *args: Any, **kwargs: Any) -> Any:
        _check(kwargs["policy_document"] if "policy_document" in kwargs else args[1])
        return create_policy_version(self, *args, **kwargs)

    patch(IAMBackend, create_policy=checked_create_policy, create_policy_version=checked_create_policy_version)
