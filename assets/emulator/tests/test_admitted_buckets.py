"""Buckets admitted on purpose (issue 23): the AllowedBuckets parameter of the real template as
CloudFormation reads it, and the S3 gateway endpoint's policy as S3 applies it.

* An empty CommaDelimitedList is the list [""], and AllowedPattern is checked against that empty
  entry (cfn-language-discussion#102: Fn::Length of an empty CommaDelimitedList is 1;
  cfn-lint#4396: an empty default fails a pattern that refuses "").
* A request through a VPC endpoint needs an Allow of the endpoint's policy: "An implicit denial
  occurs when there is no applicable Deny statement and also no applicable Allow statement"
  (S3 user guide, "Troubleshoot access denied (403 Forbidden) errors", VPC endpoint policies),
  answered as "... because no VPC endpoint policy allows the s3:GetObject action".
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack
from test_server import REGION, TEMPLATE_PATH, check, client, expect_error, start

from studio_emulator import cfn_params


def _template() -> dict:
    with open(TEMPLATE_PATH, encoding="utf-8") as f:
        return Stack.parse_template(f.read())


def _refused(tpl: dict, given: dict) -> str:
    try:
        cfn_params.validate_parameters(tpl, given, "123456789012", REGION, "s")
    except ValidationError as e:
        return str(e)
    raise AssertionError(f"accepted: {given}")


def test_an_empty_comma_delimited_list_is_one_empty_entry() -> None:
    tpl = {
        "Parameters": {"L": {"Type": "CommaDelimitedList", "Default": "", "AllowedPattern": "^[a-z]+$"}},
        "Resources": {"G": {"Type": "AWS::Logs::LogGroup"}},
    }
    check("'L'" in _refused(tpl, {}), "the empty default is [''], which the pattern refuses")
    check("'L'" in _refused(tpl, {"L": ""}), "an empty value likewise")
    cfn_params.validate_parameters(tpl, {"L": "abc,def"}, "123456789012", REGION, "s")


def test_allowed_buckets_of_the_real_template() -> None:
    tpl = _template()
    for ok in ("", "sagemaker-us-east-1-123456789012", "a.b-c,team-share"):
        cfn_params.validate_parameters(tpl, {"AllowedBuckets": ok}, "123456789012", REGION, "s")
    for bad in ("Bad_Bucket", "ab", "-lead", "x" * 64):
        check("AllowedBuckets" in _refused(tpl, {"AllowedBuckets": bad}), bad)
    check(
        "no empty entry" in _refused(tpl, {"AllowedBuckets": "team-share,,other-share"}),
        "an empty entry beside bucket names is refused by the rule",
    )


# ------------------------------------------------------------------------------------------------
# The endpoint policy, over the real server (its S3 middleware) with the real template deployed


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


def _deploy(url: str, name: str, admitted: str) -> dict[str, str]:
    cf = client(url, "cloudformation")
    with open(TEMPLATE_PATH, encoding="utf-8") as f:
        body = f.read()
    sid = cf.create_stack(
        StackName=name,
        TemplateBody=body,
        Parameters=[
            {"ParameterKey": "ProjectName", "ParameterValue": name},
            {"ParameterKey": "AllowedBuckets", "ParameterValue": admitted},
        ],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )["StackId"]
    deadline = time.time() + 120
    while True:
        st = cf.describe_stacks(StackName=sid)["Stacks"][0]
        if not st["StackStatus"].endswith("_IN_PROGRESS") or time.time() > deadline:
            break
        time.sleep(0.2)
    check(st["StackStatus"] == "CREATE_COMPLETE", st["StackStatus"])
    return {o["OutputKey"]: o["OutputValue"] for o in st["Outputs"]}


def _through(s3, vpce: str):
    def add(request, **_kw):
        request.headers["X-Studio-Source-Vpce"] = vpce

    s3.meta.events.register("before-sign.s3.*", add)
    return s3


def test_the_endpoint_admits_exactly_what_its_policy_names(url: str) -> None:
    outs = _deploy(url, "admit-proj", "team-share,sagemaker-us-east-1-123456789012")
    vpce = outs["S3VPCEndpointId"]
    ec2 = client(url, "ec2")
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]
    resources = [r for st in json.loads(ep["PolicyDocument"])["Statement"] for r in [st["Resource"]][0]]
    for arn in (
        "arn:aws:s3:::team-share",
        "arn:aws:s3:::team-share/*",
        "arn:aws:s3:::sagemaker-us-east-1-123456789012",
        "arn:aws:s3:::sagemaker-us-east-1-123456789012/*",
        "arn:aws:s3:::admit-proj-data/*",
    ):
        check(arn in resources, f"{arn} in {resources}")
    iam = client(url, "iam")
    role = "admit-proj-notebook-role"
    attached = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]]
    check("admit-proj-admitted-buckets" in attached, str(attached))

    outside = client(url, "s3", retries=False)
    inside = _through(client(url, "s3", retries=False), vpce)
    for b in ("team-share", "someone-elses"):
        outside.create_bucket(Bucket=b)
        outside.put_object(Bucket=b, Key="seed.txt", Body=b"x")
    inside.put_object(Bucket="team-share", Key="copy.csv", Body=b"1,2")
    check(inside.get_object(Bucket="team-share", Key="seed.txt")["Body"].read() == b"x", "admitted: read")
    inside.list_objects_v2(Bucket="team-share")
    me = client(url, "sts").get_caller_identity()["Arn"]
    exc = expect_error(
        lambda: inside.put_object(Bucket="someone-elses", Key="copy.csv", Body=b"1,2"),
        "AccessDenied",
        "a bucket the policy does not name: PutObject through the endpoint",
        403,
    )
    check(
        exc.response["Error"]["Message"]
        == (
            f'User: {me} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::someone-elses/copy.csv"'
            " because no VPC endpoint policy allows the s3:PutObject action"
        ),
        exc.response["Error"]["Message"],
    )
    expect_error(lambda: inside.get_object(Bucket="someone-elses", Key="seed.txt"), "AccessDenied", "read", 403)
    expect_error(lambda: inside.list_objects_v2(Bucket="someone-elses"), "AccessDenied", "list", 403)
    # The endpoint policy governs the endpoint only: from outside the VPC the bucket answers.
    check(outside.get_object(Bucket="someone-elses", Key="seed.txt")["Body"].read() == b"x", "outside")
    # The project's own bucket: admitted by the endpoint and by its fence (aws:SourceVpce).
    inside.put_object(Bucket="admit-proj-data", Key="notebooks/a.ipynb", Body=b"{}")
    # ECR's layer bucket: GetObject only.
    layers = "prod-us-east-1-starport-layer-bucket"
    outside.create_bucket(Bucket=layers)
    outside.put_object(Bucket=layers, Key="sha256/l1", Body=b"layer")
    check(inside.get_object(Bucket=layers, Key="sha256/l1")["Body"].read() == b"layer", "ECR layer read")
    expect_error(lambda: inside.put_object(Bucket=layers, Key="x", Body=b"x"), "AccessDenied", "layer write", 403)
    # An admitted NAME that another account owns (it was free, someone else created it): the
    # endpoint admits it only while this account owns it (aws:ResourceAccount).
    theirs = client(url, "s3", retries=False)

    def as_other_account(request, **_kw):
        request.headers["x-moto-account-id"] = "111122223333"

    theirs.meta.events.register("before-sign.s3.*", as_other_account)
    theirs.create_bucket(Bucket="sagemaker-us-east-1-123456789012")
    expect_error(
        lambda: inside.put_object(Bucket="sagemaker-us-east-1-123456789012", Key="copy.csv", Body=b"1,2"),
        "AccessDenied",
        "an admitted name in another account's hands: PutObject through the endpoint",
        403,
    )
    # DeleteObjects through the endpoint: each key the policy does not admit is an error entry.
    out = inside.delete_objects(Bucket="someone-elses", Delete={"Objects": [{"Key": "seed.txt"}]})
    check([e["Code"] for e in out.get("Errors", [])] == ["AccessDenied"], str(out))


def test_with_no_admitted_bucket_the_policy_names_the_project_buckets_only(url: str) -> None:
    outs = _deploy(url, "plain-proj", "")
    ep = client(url, "ec2").describe_vpc_endpoints(VpcEndpointIds=[outs["S3VPCEndpointId"]])["VpcEndpoints"][0]
    first = json.loads(ep["PolicyDocument"])["Statement"][0]
    check(
        first["Resource"]
        == [
            "arn:aws:s3:::plain-proj-data",
            "arn:aws:s3:::plain-proj-models",
            "arn:aws:s3:::plain-proj-data/*",
            "arn:aws:s3:::plain-proj-models/*",
        ],
        str(first["Resource"]),
    )
    iam = client(url, "iam")
    policies = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    check("plain-proj-admitted-buckets" not in policies, str(policies))


def test_the_real_template_refuses_partitions_whose_arns_it_does_not_build() -> None:
    """The template writes arn:aws / arn:aws-cn / arn:aws-us-gov prefixes out (Fn::Join takes
    no function as its delimiter) and names services com.amazonaws.REGION.*: its KnownPartition
    rule refuses every other partition before anything is created, as CloudFormation evaluates
    Rules against the pseudo parameter AWS::Partition of the stack's region."""
    tpl = _template()
    for region in ("us-east-1", "cn-north-1", "us-gov-west-1"):
        cfn_params.validate_parameters(tpl, {}, "123456789012", region, "s")
    for region in ("us-iso-east-1", "us-isob-east-1", "eusc-de-east-1"):
        try:
            cfn_params.validate_parameters(tpl, {}, "123456789012", region, "s")
        except ValidationError as e:
            check(
                "supports the aws, aws-cn and aws-us-gov partitions only" in str(e),
                f"{region}: {e}",
            )
        else:
            raise AssertionError(f"{region} accepted")
