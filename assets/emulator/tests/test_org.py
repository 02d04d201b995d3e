"""A small organization over real HTTP: AWS Organizations with OUs and member accounts reached
through sts:AssumeRole (trust policies evaluated), CloudFormation StackSets whose stack instances
are real stacks in the target accounts, and Amazon VPC IPAM pools (see studio_emulator/sts_ext.py,
cfn_stacksets.py and ec2_ipam.py for the documented behaviours)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from test_server import REGION, check, client, expect_error, start

MANAGEMENT = "123456789012"


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("emulator") / "stderr.log"
    with open(log, "w", encoding="utf-8") as err:
        proc, url = start(["--port", "0"], stderr=err)
        try:
            yield url
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def as_session(url: str, creds: dict, service: str, region: str = REGION):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def trust(principal: object, condition: dict | None = None, action: str = "sts:AssumeRole") -> str:
    statement: dict = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def assume(url: str, role_arn: str, creds: dict | None = None, **kw):
    sts = as_session(url, creds, "sts") if creds else client(url, "sts")
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="org-test", **kw)["Credentials"]


_ORG: dict = {}


def organization(url: str) -> dict:
    """Management account 123456789012, OU Workloads (under the root) with accounts dev and
    prod, OU Sandbox with account play; made once per emulator."""
    if _ORG:
        return _ORG
    org = client(url, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    sandbox = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    accounts = {}
    for name, ou in (("dev", workloads), ("prod", workloads), ("play", sandbox)):
        acct = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=ou)
        accounts[name] = acct
    _ORG.update(root=root, workloads=workloads, sandbox=sandbox, **accounts)
    return _ORG


def test_member_accounts_through_assumed_roles(url: str) -> None:
    o = organization(url)
    dev, prod = o["dev"], o["prod"]
    creds = assume(url, f"arn:aws:iam::{dev}:role/OrganizationAccountAccessRole")
    who = as_session(url, creds, "sts").get_caller_identity()
    check(who["Account"] == dev, f"the session is in the member account: {who}")
    check(
        who["Arn"] == f"arn:aws:sts::{dev}:assumed-role/OrganizationAccountAccessRole/org-test",
        f"assumed-role ARN: {who['Arn']}",
    )

    missing = f"arn:aws:iam::{dev}:role/nobody"
    exc = expect_error(lambda: assume(url, missing), "AccessDenied", "a role that does not exist", 403)
    want = (
        f"User: arn:aws:iam::{MANAGEMENT}:user/moto is not authorized to perform: sts:AssumeRole on resource: {missing}"
    )
    check(exc.response["Error"]["Message"] == want, exc.response["Error"]["Message"])

    # Roles made in the member account, through the management account's access to it.
    iam = as_session(url, creds, "iam")
    iam.create_role(RoleName="other-trust", AssumeRolePolicyDocument=trust({"AWS": "arn:aws:iam::111122223333:root"}))
    iam.create_role(RoleName="service-trust", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.create_role(
        RoleName="external",
        AssumeRolePolicyDocument=trust(
            {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}, {"StringEquals": {"sts:ExternalId": "fleet-42"}}
        ),
    )
    iam.create_role(RoleName="account-id", AssumeRolePolicyDocument=trust({"AWS": MANAGEMENT}))
    iam.create_role(
        RoleName="wrong-action", AssumeRolePolicyDocument=trust({"AWS": MANAGEMENT}, action="sts:TagSession")
    )
    for name in ("other-trust", "service-trust", "wrong-action"):
        arn = f"arn:aws:iam::{dev}:role/{name}"
        exc = expect_error(
            lambda arn=arn: assume(url, arn), "AccessDenied", f"trust of {name} leaves the caller out", 403
        )
        check(exc.response["Error"]["Message"].endswith(f"on resource: {arn}"), exc.response["Error"]["Message"])
    ext = f"arn:aws:iam::{dev}:role/external"
    expect_error(lambda: assume(url, ext), "AccessDenied", "ExternalId required by the trust policy", 403)
    expect_error(lambda: assume(url, ext, ExternalId="other"), "AccessDenied", "wrong ExternalId", 403)
    assume(url, ext, ExternalId="fleet-42")
    assume(url, f"arn:aws:iam::{dev}:role/account-id")

    # Role chaining: a session of dev's OrganizationAccountAccessRole is named by its role's ARN.
    prod_creds = assume(url, f"arn:aws:iam::{prod}:role/OrganizationAccountAccessRole")
    prod_iam = as_session(url, prod_creds, "iam")
    prod_iam.create_role(
        RoleName="from-dev",
        AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{dev}:role/OrganizationAccountAccessRole"}),
    )
    chained = assume(url, f"arn:aws:iam::{prod}:role/from-dev", creds)
    check(as_session(url, chained, "sts").get_caller_identity()["Account"] == prod, "chained into prod")
    exc = expect_error(
        lambda: assume(url, f"arn:aws:iam::{prod}:role/OrganizationAccountAccessRole", creds),
        "AccessDenied",
        "a member's session is not the management account",
        403,
    )
    check(
        exc.response["Error"]["Message"].startswith(
            f"User: arn:aws:sts::{dev}:assumed-role/OrganizationAccountAccessRole/org-test is not authorized"
        ),
        exc.response["Error"]["Message"],
    )
