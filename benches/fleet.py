"""`studio-tui fleet` over 5 profiles x all regions on the emulator: wall time and API calls.

Five profiles in five accounts (the first with the emulator's default account, the others with
an IAM user's access key in an account of their own: moto answers a request in the account whose
user owns the key), each with one environment stand-in in a region of its own (the template's
description, a domain, two users, one app running on ml.t3.medium). Then
`studio-tui --json fleet --all-profiles --all-regions` RUNS times (after one warm-up run that
fills the price cache): the wall time of each run, and the requests of one run from the
emulator's log, by action.

Run it with the emulator's own Python (it has boto3, for the set-up), after `cargo build`:

    target/tmp/emulator-cache/emulator-venv-*/bin/python benches/fleet.py target/debug/studio-tui [RUNS]
"""

import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox  # noqa: E402

ACCOUNTS = ["123456789012", "200000000002", "200000000003", "200000000004", "200000000005"]
HOMES = ["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2"]
DESCRIPTION = "studio-tui: stand-in for the environment stack (benches/fleet.py)"


def client(url, service, region, key, secret, account=None):
    c = boto3.client(service, endpoint_url=url, region_name=region,
                     aws_access_key_id=key, aws_secret_access_key=secret)
    if account:
        c.meta.events.register(
            "before-sign.*.*",
            lambda request, **_: request.headers.add_header("x-moto-account-id", account))
    return c


def key_in(url, account):
    """An IAM user's access key in `account` (the default account uses the fixed one)."""
    if account == ACCOUNTS[0]:
        return "testing", "testing"
    iam = client(url, "iam", "us-east-1", "testing", "testing", account)
    iam.create_user(UserName="fleet")
    k = iam.create_access_key(UserName="fleet")["AccessKey"]
    return k["AccessKeyId"], k["SecretAccessKey"]


def environment(url, region, key, secret, project):
    template = {
        "Description": DESCRIPTION,
        "Parameters": {"ProjectName": {"Type": "String"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.40.0.0/16"}},
            "SageMakerStudioSubnet": {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.40.3.0/24"}},
        },
        "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}},
                    "SageMakerStudioSubnetId": {"Value": {"Ref": "SageMakerStudioSubnet"}}},
    }
    cf = client(url, "cloudformation", region, key, secret)
    cf.create_stack(StackName=project, TemplateBody=json.dumps(template),
                    Parameters=[{"ParameterKey": "ProjectName", "ParameterValue": project}],
                    Tags=[{"Key": "ManagedBy", "Value": "studio-tui"}])
    for _ in range(100):
        stack = cf.describe_stacks(StackName=project)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS"):
            break
        time.sleep(0.1)
    out = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    account = stack["StackId"].split(":")[4]
    sm = client(url, "sagemaker", region, key, secret)
    domain = sm.create_domain(
        DomainName=project, AuthMode="IAM", VpcId=out["VpcId"],
        SubnetIds=[out["SageMakerStudioSubnetId"]], AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={"ExecutionRole": f"arn:aws:iam::{account}:role/fleet"})["DomainId"]
    for _ in range(100):
        if sm.describe_domain(DomainId=domain)["Status"] == "InService":
            break
        time.sleep(0.1)
    for user in ("ann", "bob"):
        sm.create_user_profile(DomainId=domain, UserProfileName=user)
    sm.create_space(DomainId=domain, SpaceName="ann-lab",
                    OwnershipSettings={"OwnerUserProfileName": "ann"},
                    SpaceSharingSettings={"SharingType": "Private"})
    sm.create_app(DomainId=domain, SpaceName="ann-lab", AppType="JupyterLab", AppName="default",
                  ResourceSpec={"InstanceType": "ml.t3.medium"})


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    emu, url = sandbox.start(0)
    try:
        home = tempfile.mkdtemp()
        profiles = []
        for i, (account, region) in enumerate(zip(ACCOUNTS, HOMES)):
            key, secret = key_in(url, account)
            environment(url, region, key, secret, f"fleet-{i + 1}")
            profiles.append(f"[profile team-{i + 1}]\naws_access_key_id = {key}\n"
                            f"aws_secret_access_key = {secret}\nregion = {region}\n")
        with open(os.path.join(home, "aws-config"), "w") as f:
            f.write("\n".join(profiles))
        env = {"PATH": os.environ["PATH"], "HOME": home, "STUDIO_TUI_HOME": os.path.join(home, "st"),
               "AWS_CONFIG_FILE": os.path.join(home, "aws-config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": url}
        cmd = [binary, "--json", "fleet", "--all-profiles", "--all-regions"]
        walls, counted = [], None
        for run in range(runs + 1):
            before = len(sandbox.requests(url))
            start = time.monotonic()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True)
            wall = time.monotonic() - start
            doc = json.loads(out.stdout)
            assert out.returncode == 0 and doc["ok"], out.stderr
            if run == 0:
                continue  # warm-up: the price cache is filled
            walls.append(wall)
            counted = sandbox.requests(url)[before:]
        s = doc["summary"]
        print(f"{s['profiles']} profiles, {s['accounts']} accounts, {s['regions_read']} "
              f"(profile, region) rows read, {s['environments']} environments, "
              f"{s['running_apps']} running apps")
        print(f"wall: min {min(walls):.2f} s, median {statistics.median(walls):.2f} s, "
              f"max {max(walls):.2f} s over {runs} runs")
        by_action = collections.Counter(r["action"] for r in counted)
        print(f"requests per run: {len(counted)}")
        for action, n in by_action.most_common():
            print(f"  {action}: {n}")
    finally:
        emu.stdin.close()
        emu.wait()


if __name__ == "__main__":
    main()
