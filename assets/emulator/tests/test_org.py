"""A small organization over real HTTP: AWS Organizations with OUs and member accounts reached
through sts:AssumeRole (trust policies evaluated), and CloudFormation StackSets whose stack
instances are real stacks in the target accounts (see studio_emulator/sts_ext.py and
cfn_stacksets.py for the documented behaviours)."""

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


TEMPLATE = """
Parameters:
  Project: {Type: String}
  Cidr: {Type: String, Default: 10.0.0.0/16}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  Data:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${Project}-${AWS::AccountId}-${AWS::Region}"}
Outputs:
  VpcId: {Value: !Ref Vpc}
"""


def member(url: str, account: str, service: str, region: str = REGION):
    """A client in a member account, through its OrganizationAccountAccessRole."""
    return as_session(url, assume(url, f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"), service, region)


def wait_operation(cfn, name: str, op_id: str, timeout: float = 60) -> dict:
    import time

    deadline = time.time() + timeout
    while True:
        op = cfn.describe_stack_set_operation(StackSetName=name, OperationId=op_id)["StackSetOperation"]
        if op["Status"] not in ("RUNNING", "QUEUED", "STOPPING") or time.time() > deadline:
            return op
        time.sleep(0.05)


def results(cfn, name: str, op_id: str) -> dict:
    rows = cfn.list_stack_set_operation_results(StackSetName=name, OperationId=op_id)["Summaries"]
    return {(r["Account"], r["Region"]): r for r in rows}


def instance_stack(url: str, inst: dict) -> dict:
    cfn = member(url, inst["Account"], "cloudformation", inst["Region"])
    return cfn.describe_stacks(StackName=inst["StackId"])["Stacks"][0]


def test_self_managed_stack_set(url: str) -> None:
    o = organization(url)
    dev, prod = o["dev"], o["prod"]
    iam = client(url, "iam")
    iam.create_role(
        RoleName="AWSCloudFormationStackSetAdministrationRole",
        AssumeRolePolicyDocument=trust({"Service": "cloudformation.amazonaws.com"}),
    )
    admin_role = f"arn:aws:iam::{MANAGEMENT}:role/AWSCloudFormationStackSetAdministrationRole"
    member(url, dev, "iam").create_role(
        RoleName="AWSCloudFormationStackSetExecutionRole", AssumeRolePolicyDocument=trust({"AWS": admin_role})
    )
    cfn = client(url, "cloudformation")
    name = "fleet"
    cfn.create_stack_set(
        StackSetName=name,
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Project", "ParameterValue": "fleet"}],
        PermissionModel="SELF_MANAGED",
    )
    ss = cfn.describe_stack_set(StackSetName=name)["StackSet"]
    check(ss["AdministrationRoleARN"] == admin_role, str(ss))
    check(ss["ExecutionRoleName"] == "AWSCloudFormationStackSetExecutionRole", str(ss))

    # dev in two Regions, with its own CIDR.
    op = cfn.create_stack_instances(
        StackSetName=name,
        Accounts=[dev],
        Regions=["us-east-1", "eu-west-1"],
        ParameterOverrides=[{"ParameterKey": "Cidr", "ParameterValue": "10.1.0.0/16"}],
    )["OperationId"]
    got = wait_operation(cfn, name, op)
    check(got["Status"] == "SUCCEEDED" and got["Action"] == "CREATE", str(got))
    insts = cfn.list_stack_instances(StackSetName=name)["Summaries"]
    check(len(insts) == 2 and all(i["Status"] == "CURRENT" for i in insts), str(insts))
    check(all(i["StackInstanceStatus"]["DetailedStatus"] == "SUCCEEDED" for i in insts), str(insts))
    for inst in insts:
        stack = instance_stack(url, inst)
        check(
            stack["StackName"].startswith("StackSet-fleet-") and len(stack["StackName"]) == 15 + 36, stack["StackName"]
        )
        check(stack["StackStatus"] == "CREATE_COMPLETE", str(stack))
        check(f":{dev}:stack/" in stack["StackId"] and f":{inst['Region']}:" in stack["StackId"], stack["StackId"])
        vpc = stack["Outputs"][0]["OutputValue"]
        ec2 = member(url, dev, "ec2", inst["Region"])
        check(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlock"] == "10.1.0.0/16", "the override's CIDR")
        events = member(url, dev, "cloudformation", inst["Region"]).describe_stack_events(StackName=stack["StackId"])
        check(any(e["LogicalResourceId"] == "Data" for e in events["StackEvents"]), "per-resource events")
    member(url, dev, "s3").head_bucket(Bucket=f"fleet-{dev}-us-east-1")
    one = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=dev, StackInstanceRegion="eu-west-1")
    check(one["StackInstance"]["ParameterOverrides"][0]["ParameterValue"] == "10.1.0.0/16", str(one))

    # prod has no execution role: the instance fails without a stack, the next Region is cancelled.
    op = cfn.create_stack_instances(StackSetName=name, Accounts=[prod], Regions=["us-east-1", "eu-west-1"])[
        "OperationId"
    ]
    got = wait_operation(cfn, name, op)
    check(got["Status"] == "FAILED" and got["StatusDetails"]["FailedStackInstancesCount"] == 1, str(got))
    res = results(cfn, name, op)
    want = (
        f"Account {prod} should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to "
        "Role 'AWSCloudFormationStackSetAdministrationRole'."
    )
    check(res[(prod, "us-east-1")]["Status"] == "FAILED" and res[(prod, "us-east-1")]["StatusReason"] == want, str(res))
    check(res[(prod, "eu-west-1")]["Status"] == "CANCELLED", str(res))
    check(res[(prod, "eu-west-1")]["StatusReason"] == "Cancelled since failure tolerance has exceeded", str(res))
    failed = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=prod, StackInstanceRegion="us-east-1")
    failed = failed["StackInstance"]
    check(failed["Status"] == "OUTDATED" and failed["StackInstanceStatus"]["DetailedStatus"] == "FAILED", str(failed))
    check(failed["StatusReason"] == want and "StackId" not in failed, str(failed))

    # With the role in place the instances converge.
    member(url, prod, "iam").create_role(
        RoleName="AWSCloudFormationStackSetExecutionRole", AssumeRolePolicyDocument=trust({"AWS": admin_role})
    )
    op = cfn.update_stack_instances(StackSetName=name, Accounts=[prod], Regions=["us-east-1", "eu-west-1"])[
        "OperationId"
    ]
    check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "prod converges")

    # A stack that fails: the instance reports its first failed resource; tolerance 1 lets the
    # operation succeed.
    import urllib.request

    def config(body: dict) -> None:
        req = urllib.request.Request(
            f"{url}/_studio/config",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(req, timeout=10).read()

    config({"fail_resources": {"Data": "Bucket quota reached"}})
    op = cfn.create_stack_instances(
        StackSetName=name,
        Accounts=[dev],
        Regions=["ap-southeast-2"],
        OperationPreferences={"FailureToleranceCount": 1, "MaxConcurrentCount": 2},
    )["OperationId"]
    got = wait_operation(cfn, name, op)
    config({"fail_resources": {}})
    check(got["Status"] == "SUCCEEDED", f"one failure within the tolerance: {got}")
    res = results(cfn, name, op)[(dev, "ap-southeast-2")]
    check(res["Status"] == "FAILED", str(res))
    check(
        res["StatusReason"].startswith("ResourceLogicalId:Data, ResourceType:AWS::S3::Bucket, ResourceStatusReason:")
        and "Bucket quota reached" in res["StatusReason"],
        res["StatusReason"],
    )
    inst = cfn.describe_stack_instance(
        StackSetName=name, StackInstanceAccount=dev, StackInstanceRegion="ap-southeast-2"
    )
    check(instance_stack(url, inst["StackInstance"])["StackStatus"] == "ROLLBACK_COMPLETE", "the failed stack stays")
    op = cfn.update_stack_instances(StackSetName=name, Accounts=[dev], Regions=["ap-southeast-2"])["OperationId"]
    check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "a retry replaces the rolled-back stack")

    # A rerun with nothing changed updates no stack.
    stack = instance_stack(
        url,
        cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=dev, StackInstanceRegion="us-east-1")[
            "StackInstance"
        ],
    )
    op = cfn.update_stack_set(
        StackSetName=name, UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Project", "UsePreviousValue": True}]
    )["OperationId"]
    check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "rerun")
    again = instance_stack(
        url,
        cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=dev, StackInstanceRegion="us-east-1")[
            "StackInstance"
        ],
    )
    check(again["StackStatus"] == "CREATE_COMPLETE" and "LastUpdatedTime" not in again, f"untouched: {again}")

    # One operation at a time: an update that takes time, then another call.
    config({"pace": 1, "durations": {"AWS::EC2::VPC": 1.0, "AWS::S3::Bucket": 0.2}})
    try:
        op = cfn.update_stack_instances(
            StackSetName=name,
            Accounts=[dev],
            Regions=["us-east-1"],
            ParameterOverrides=[{"ParameterKey": "Cidr", "ParameterValue": "10.2.0.0/16"}],
        )["OperationId"]
        check(
            cfn.describe_stack_set_operation(StackSetName=name, OperationId=op)["StackSetOperation"]["Status"]
            == "RUNNING",
            "running",
        )
        exc = expect_error(
            lambda: cfn.update_stack_instances(StackSetName=name, Accounts=[prod], Regions=["us-east-1"]),
            "OperationInProgressException",
            "a second operation while one runs",
            409,
        )
        check("is in progress" in exc.response["Error"]["Message"], exc.response["Error"]["Message"])
        expect_error(
            lambda: cfn.delete_stack_set(StackSetName=name), "OperationInProgressException", "delete while running", 409
        )
        check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "the update finishes")
    finally:
        config({"pace": 0})
    ops = cfn.list_stack_set_operations(StackSetName=name)["Summaries"]
    check(ops[0]["OperationId"] == op and len(ops) == 7, str([(o["Action"], o["Status"]) for o in ops]))

    # Teardown: not while instances remain; RetainStacks=False deletes the stacks.
    expect_error(lambda: cfn.delete_stack_set(StackSetName=name), "StackSetNotEmptyException", "instances remain", 409)
    keep = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=prod, StackInstanceRegion="eu-west-1")[
        "StackInstance"
    ]
    op = cfn.delete_stack_instances(StackSetName=name, Accounts=[prod], Regions=["eu-west-1"], RetainStacks=True)[
        "OperationId"
    ]
    check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "retained")
    check(instance_stack(url, keep)["StackStatus"] == "CREATE_COMPLETE", "RetainStacks keeps the stack")
    gone = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=dev, StackInstanceRegion="us-east-1")[
        "StackInstance"
    ]
    expect_error(
        lambda: cfn.delete_stack_instances(
            StackSetName=name, Accounts=[prod], Regions=["eu-west-1"], RetainStacks=False
        ),
        "StackInstanceNotFoundException",
        "the retained instance is no longer the StackSet's",
        404,
    )
    for accounts, regions in (([dev], ["us-east-1", "eu-west-1", "ap-southeast-2"]), ([prod], ["us-east-1"])):
        op = cfn.delete_stack_instances(StackSetName=name, Accounts=accounts, Regions=regions, RetainStacks=False)
        check(wait_operation(cfn, name, op["OperationId"])["Status"] == "SUCCEEDED", "deleted")
    check(cfn.list_stack_instances(StackSetName=name)["Summaries"] == [], "no instance left")
    deleted = member(url, dev, "cloudformation").describe_stacks(StackName=gone["StackId"])["Stacks"][0]
    check(deleted["StackStatus"] == "DELETE_COMPLETE", str(deleted["StackStatus"]))
    cfn.delete_stack_set(StackSetName=name)
    expect_error(lambda: cfn.describe_stack_set(StackSetName=name), "StackSetNotFoundException", "deleted", 404)


def test_managed_execution_queues(url: str) -> None:
    o = organization(url)
    cfn = client(url, "cloudformation")
    name = "queued"
    cfn.create_stack_set(
        StackSetName=name,
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Project", "ParameterValue": "queued"}],
        ManagedExecution={"Active": True},
    )
    import urllib.request

    def config(body: dict) -> None:
        req = urllib.request.Request(
            f"{url}/_studio/config",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(req, timeout=10).read()

    config({"pace": 1, "durations": {"AWS::EC2::VPC": 0.5, "AWS::S3::Bucket": 0.2}})
    try:
        first = cfn.create_stack_instances(StackSetName=name, Accounts=[o["dev"]], Regions=["us-west-2"])["OperationId"]
        second = cfn.create_stack_instances(StackSetName=name, Accounts=[o["prod"]], Regions=["us-west-2"])[
            "OperationId"
        ]
        status = cfn.describe_stack_set_operation(StackSetName=name, OperationId=second)["StackSetOperation"]["Status"]
        check(status == "QUEUED", f"queued behind the running one: {status}")
        a, b = wait_operation(cfn, name, first), wait_operation(cfn, name, second)
        check(a["Status"] == b["Status"] == "SUCCEEDED" and a["EndTimestamp"] <= b["EndTimestamp"], f"{a} {b}")
    finally:
        config({"pace": 0})
    cfn.delete_stack_instances(
        StackSetName=name, Accounts=[o["dev"], o["prod"]], Regions=["us-west-2"], RetainStacks=False
    )


def test_service_managed_stack_set(url: str) -> None:
    o = organization(url)
    org = client(url, "organizations")
    cfn = client(url, "cloudformation")
    cfn.create_stack_set(
        StackSetName="rootwide",
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Project", "ParameterValue": "rootwide"}],
        PermissionModel="SERVICE_MANAGED",
        AutoDeployment={"Enabled": False},
    )
    expect_error(
        lambda: cfn.create_stack_instances(StackSetName="rootwide", Accounts=[o["dev"]], Regions=[REGION]),
        "ValidationError",
        "service-managed takes OUs",
    )
    op = cfn.create_stack_instances(
        StackSetName="rootwide", DeploymentTargets={"OrganizationalUnitIds": [o["root"]]}, Regions=[REGION]
    )["OperationId"]
    check(wait_operation(cfn, "rootwide", op)["Status"] == "SUCCEEDED", "rootwide")
    accounts = {i["Account"] for i in cfn.list_stack_instances(StackSetName="rootwide")["Summaries"]}
    check(accounts == {o["dev"], o["prod"], o["play"]}, f"every member, not the management account: {accounts}")
    cfn.delete_stack_instances(
        StackSetName="rootwide",
        DeploymentTargets={"OrganizationalUnitIds": [o["root"]]},
        Regions=[REGION],
        RetainStacks=False,
    )

    name = "workloads"
    cfn.create_stack_set(
        StackSetName=name,
        TemplateBody=TEMPLATE,
        Parameters=[{"ParameterKey": "Project", "ParameterValue": "workloads"}],
        PermissionModel="SERVICE_MANAGED",
        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False},
    )
    op = cfn.create_stack_instances(
        StackSetName=name, DeploymentTargets={"OrganizationalUnitIds": [o["workloads"]]}, Regions=[REGION]
    )["OperationId"]
    check(wait_operation(cfn, name, op)["Status"] == "SUCCEEDED", "workloads")
    insts = {i["Account"]: i for i in cfn.list_stack_instances(StackSetName=name)["Summaries"]}
    check(set(insts) == {o["dev"], o["prod"]}, str(insts))
    check(all(i["OrganizationalUnitId"] == o["workloads"] for i in insts.values()), str(insts))

    # play joins Workloads: deployed automatically.
    org.move_account(AccountId=o["play"], SourceParentId=o["sandbox"], DestinationParentId=o["workloads"])
    latest = cfn.list_stack_set_operations(StackSetName=name)["Summaries"][0]
    check(
        latest["Action"] == "CREATE" and wait_operation(cfn, name, latest["OperationId"])["Status"] == "SUCCEEDED",
        str(latest),
    )
    play = cfn.describe_stack_instance(StackSetName=name, StackInstanceAccount=o["play"], StackInstanceRegion=REGION)
    check(instance_stack(url, play["StackInstance"])["StackStatus"] == "CREATE_COMPLETE", "play's stack")

    # dev leaves: its stack is deleted (RetainStacksOnAccountRemoval false).
    dev_inst = insts[o["dev"]]
    org.move_account(AccountId=o["dev"], SourceParentId=o["workloads"], DestinationParentId=o["sandbox"])
    latest = cfn.list_stack_set_operations(StackSetName=name)["Summaries"][0]
    check(
        latest["Action"] == "DELETE" and wait_operation(cfn, name, latest["OperationId"])["Status"] == "SUCCEEDED",
        str(latest),
    )
    check(instance_stack(url, dev_inst)["StackStatus"] == "DELETE_COMPLETE", "dev's stack deleted")

    # With RetainStacksOnAccountRemoval the stack stays when prod leaves.
    op = cfn.update_stack_set(
        StackSetName=name,
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "Project", "UsePreviousValue": True}],
        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": True},
    )["OperationId"]
    wait_operation(cfn, name, op)
    org.move_account(AccountId=o["prod"], SourceParentId=o["workloads"], DestinationParentId=o["sandbox"])
    latest = cfn.list_stack_set_operations(StackSetName=name)["Summaries"][0]
    got = cfn.describe_stack_set_operation(StackSetName=name, OperationId=latest["OperationId"])["StackSetOperation"]
    check(got["Action"] == "DELETE" and got["RetainStacks"] is True, str(got))
    check(instance_stack(url, insts[o["prod"]])["StackStatus"] == "CREATE_COMPLETE", "prod's stack retained")
    left = {i["Account"] for i in cfn.list_stack_instances(StackSetName=name)["Summaries"]}
    check(left == {o["play"]}, str(left))
