"""Studio guardrails on the domain (issue 26): idle shutdown and hidden instance types, checked,
stored and returned as SageMaker does (see studio_emulator/sagemaker_settings.py for the
documented rules).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from test_server import check, client, expect_error, start

ROLE = "arn:aws:iam::123456789012:role/x"
# Every ml.* AppInstanceType (botocore's model), the longest list a project can allow.
_APP_TYPES = boto3.client("sagemaker", region_name="us-east-1").meta.service_model.shape_for("AppInstanceType")
EVERY_TYPE = [t for t in _APP_TYPES.enum if t != "system"]


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


def _idle(minutes: int | None, lifecycle: str = "ENABLED", lo: int = 60, hi: int | None = None) -> dict:
    settings: dict = {"LifecycleManagement": lifecycle}
    if minutes is not None:
        settings.update(IdleTimeoutInMinutes=minutes, MinIdleTimeoutInMinutes=lo, MaxIdleTimeoutInMinutes=hi or minutes)
    return {"AppLifecycleManagement": {"IdleSettings": settings}}


def _network(url: str, cidr: str) -> dict:
    ec2 = client(url, "ec2")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"))["Subnet"]["SubnetId"]
    return {"AuthMode": "IAM", "VpcId": vpc, "SubnetIds": [subnet], "AppNetworkAccessType": "VpcOnly"}


def _in_service(sm, did: str) -> dict:
    for _ in range(200):
        d = sm.describe_domain(DomainId=did)
        if d["Status"] == "InService":
            return d
        time.sleep(0.05)
    raise AssertionError(f"{did} never InService")


def test_idle_settings_outside_the_documented_range_are_refused(url: str) -> None:
    sm = client(url, "sagemaker", validate=False)
    net = _network(url, "10.41.0.0/16")
    for bad, where in (
        ({"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(59)}, "jupyterLabAppSettings"),
        ({"ExecutionRole": ROLE, "CodeEditorAppSettings": _idle(525601)}, "codeEditorAppSettings"),
        ({"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(90, lo=30, hi=90)}, "minIdleTimeoutInMinutes"),
        ({"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(None, lifecycle="ON")}, "lifecycleManagement"),
    ):
        e = expect_error(
            lambda bad=bad: sm.create_domain(DomainName="idle-bad", DefaultUserSettings=bad, **net),
            "ValidationException",
            f"CreateDomain refuses {bad}",
        )
        check(where in str(e), f"the error names {where}: {e}")
    e = expect_error(
        lambda: sm.create_domain(
            DomainName="idle-bad",
            DefaultUserSettings={"ExecutionRole": ROLE},
            DefaultSpaceSettings={"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(600000)},
            **net,
        ),
        "ValidationException",
        "CreateDomain refuses a shared space's timeout over 525600",
    )
    check("defaultSpaceSettings.jupyterLabAppSettings" in str(e), str(e))
    check(not sm.list_domains()["Domains"], "nothing was created")


def test_idle_settings_are_stored_returned_and_updated(url: str) -> None:
    sm = client(url, "sagemaker", validate=False)
    net = _network(url, "10.42.0.0/16")
    did = sm.create_domain(
        DomainName="idle-ok",
        DefaultUserSettings={
            "ExecutionRole": ROLE,
            "JupyterLabAppSettings": _idle(90),
            "CodeEditorAppSettings": _idle(90),
        },
        # DefaultSpaceSettings has JupyterLab settings only: botocore's model has no Code Editor
        # member there, so no SDK can even send one.
        DefaultSpaceSettings={"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(90)},
        **net,
    )["DomainId"]
    d = _in_service(sm, did)
    user, space = d["DefaultUserSettings"], d["DefaultSpaceSettings"]
    for app in (user["JupyterLabAppSettings"], user["CodeEditorAppSettings"], space["JupyterLabAppSettings"]):
        idle = app["AppLifecycleManagement"]["IdleSettings"]
        check(
            idle
            == {
                "LifecycleManagement": "ENABLED",
                "IdleTimeoutInMinutes": 90,
                "MinIdleTimeoutInMinutes": 60,
                "MaxIdleTimeoutInMinutes": 90,
            },
            f"DescribeDomain returns {idle}",
        )
    check(space["ExecutionRole"] == ROLE, "the rest of DefaultSpaceSettings is kept")

    expect_error(
        lambda: sm.update_domain(DomainId=did, DefaultUserSettings={"JupyterLabAppSettings": _idle(10)}),
        "ValidationException",
        "UpdateDomain refuses 10 minutes",
    )
    sm.update_domain(
        DomainId=did,
        DefaultUserSettings={"JupyterLabAppSettings": _idle(None, "DISABLED")},
        DefaultSpaceSettings={"JupyterLabAppSettings": _idle(None, "DISABLED")},
    )
    d = _in_service(sm, did)
    got = d["DefaultUserSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]
    check(got["LifecycleManagement"] == "DISABLED", f"UpdateDomain turned it off: {got}")
    check(d["DefaultUserSettings"]["ExecutionRole"] == ROLE, "UpdateDomain keeps the other user settings")


def test_hidden_instance_types_are_the_models_app_instance_types(url: str) -> None:
    sm = client(url, "sagemaker", validate=False)
    net = _network(url, "10.43.0.0/16")
    portal = {"HiddenInstanceTypes": ["ml.t3.medium", "ml.m5.huge"]}
    e = expect_error(
        lambda: sm.create_domain(
            DomainName="hidden-bad",
            DefaultUserSettings={"ExecutionRole": ROLE, "StudioWebPortalSettings": portal},
            **net,
        ),
        "ValidationException",
        "an instance type Studio does not offer is refused",
    )
    check("ml.m5.huge" in str(e) and "hiddenInstanceTypes" in str(e), str(e))
    did = sm.create_domain(
        DomainName="hidden-ok",
        DefaultUserSettings={
            "ExecutionRole": ROLE,
            "StudioWebPortalSettings": {"HiddenInstanceTypes": ["ml.p4d.24xlarge", "ml.g5.xlarge"]},
        },
        **net,
    )["DomainId"]
    d = _in_service(sm, did)
    check(
        d["DefaultUserSettings"]["StudioWebPortalSettings"]["HiddenInstanceTypes"]
        == ["ml.p4d.24xlarge", "ml.g5.xlarge"],
        "DescribeDomain returns the hidden types",
    )


def _profile_in_service(sm, did: str, name: str) -> None:
    sm.create_user_profile(DomainId=did, UserProfileName=name)
    for _ in range(200):
        if sm.describe_user_profile(DomainId=did, UserProfileName=name)["Status"] == "InService":
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} never InService")


def test_the_audit_identity_is_stored_and_not_changed_while_apps_run(url: str) -> None:
    sm = client(url, "sagemaker", validate=False)
    net = _network(url, "10.44.0.0/16")
    e = expect_error(
        lambda: sm.create_domain(
            DomainName="audit-bad",
            DefaultUserSettings={"ExecutionRole": ROLE},
            DomainSettings={"ExecutionRoleIdentityConfig": "USER_NAME"},
            **net,
        ),
        "ValidationException",
        "CreateDomain refuses an identity config SageMaker does not know",
    )
    check("executionRoleIdentityConfig" in str(e), str(e))
    did = sm.create_domain(DomainName="audit", DefaultUserSettings={"ExecutionRole": ROLE}, **net)["DomainId"]
    _in_service(sm, did)
    _profile_in_service(sm, did, "alice")
    sm.create_app(DomainId=did, UserProfileName="alice", AppType="JupyterLab", AppName="default")
    e = expect_error(
        lambda: sm.update_domain(
            DomainId=did,
            DefaultUserSettings={"ExecutionRole": ROLE, "JupyterLabAppSettings": _idle(120)},
            DomainSettingsForUpdate={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
        ),
        "ResourceInUse",
        "the identity config is not modified while an app is Pending or InService",
    )
    check("JupyterLab/default" in str(e), f"the error names the app: {e}")
    d = _in_service(sm, did)
    check(not (d.get("DomainSettings") or {}).get("ExecutionRoleIdentityConfig"), "nothing of it was applied")
    check("JupyterLabAppSettings" not in d["DefaultUserSettings"], "the rest of the call was not applied either")
    # The same value again is no modification; other settings go through with apps running.
    sm.update_domain(DomainId=did, DomainSettingsForUpdate={"ExecutionRoleIdentityConfig": "DISABLED"})
    _in_service(sm, did)
    sm.delete_app(DomainId=did, UserProfileName="alice", AppType="JupyterLab", AppName="default")
    for _ in range(200):
        if sm.describe_app(DomainId=did, UserProfileName="alice", AppType="JupyterLab", AppName="default")[
            "Status"
        ] in ("Deleted",):
            break
        time.sleep(0.05)
    sm.update_domain(DomainId=did, DomainSettingsForUpdate={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"})
    d = _in_service(sm, did)
    check(d["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME", str(d.get("DomainSettings")))


def test_a_role_deny_on_instance_types_refuses_create_app_but_not_system(url: str) -> None:
    iam = client(url, "iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        ],
    }
    role = iam.create_role(RoleName="types-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
            {
                "Sid": "DenyOtherInstanceTypes",
                "Effect": "Deny",
                "Action": "sagemaker:CreateApp",
                "Resource": "*",
                "Condition": {"ForAnyValue:StringNotEquals": {"sagemaker:InstanceTypes": ["system", "ml.t3.medium"]}},
            },
        ],
    }
    arn = iam.create_policy(PolicyName="types-policy", PolicyDocument=json.dumps(deny))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="types-role", PolicyArn=arn)
    creds = client(url, "sts").assume_role(RoleArn=role, RoleSessionName="SageMaker")["Credentials"]
    admin = client(url, "sagemaker", validate=False)
    net = _network(url, "10.45.0.0/16")
    did = admin.create_domain(DomainName="types", DefaultUserSettings={"ExecutionRole": role}, **net)["DomainId"]
    _in_service(admin, did)
    _profile_in_service(admin, did, "bob")
    studio = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )

    def app(name: str, instance_type: str) -> dict:
        return studio.create_app(
            DomainId=did,
            UserProfileName="bob",
            AppType="JupyterLab",
            AppName=name,
            ResourceSpec={"InstanceType": instance_type},
        )

    e = expect_error(lambda: app("gpu", "ml.p3.2xlarge"), "AccessDeniedException", "a type outside the list")
    check("explicit deny in an identity-based policy" in str(e) and "sagemaker:CreateApp" in str(e), str(e))
    check(
        not [a for a in admin.list_apps(DomainIdEquals=did)["Apps"] if a["AppName"] == "gpu"],
        "the refused app does not exist",
    )
    app("small", "ml.t3.medium")
    studio.create_app(
        DomainId=did,
        UserProfileName="bob",
        AppType="JupyterServer",
        AppName="default",
        ResourceSpec={"InstanceType": "system"},
    )
    # A caller that is not the role (the administrator's key) is not bound by the role's policy.
    admin.create_app(
        DomainId=did,
        UserProfileName="bob",
        AppType="JupyterLab",
        AppName="admin-gpu",
        ResourceSpec={"InstanceType": "ml.p3.2xlarge"},
    )


def test_a_role_deny_on_instance_types_refuses_a_space_default_outside_the_list(url: str) -> None:
    """A space's DefaultResourceSpec.InstanceType is what a CreateApp with no ResourceSpec starts
    on: CreateSpace and UpdateSpace carry it as ``sagemaker:InstanceTypes``, so the same Deny
    refuses a default outside the list."""
    iam = client(url, "iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="space-types-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["sagemaker:CreateApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace"],
                "Resource": "*",
                "Condition": {"ForAnyValue:StringNotEquals": {"sagemaker:InstanceTypes": ["system", "ml.t3.medium"]}},
            },
        ],
    }
    arn = iam.create_policy(PolicyName="space-types-policy", PolicyDocument=json.dumps(deny))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="space-types-role", PolicyArn=arn)
    creds = client(url, "sts").assume_role(RoleArn=role, RoleSessionName="SageMaker")["Credentials"]
    admin = client(url, "sagemaker", validate=False)
    net = _network(url, "10.47.0.0/16")
    did = admin.create_domain(DomainName="space-types", DefaultUserSettings={"ExecutionRole": role}, **net)["DomainId"]
    _in_service(admin, did)
    _profile_in_service(admin, did, "carol")
    studio = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )

    def settings(key: str, instance_type: str) -> dict:
        return {"AppType": "JupyterLab", key: {"DefaultResourceSpec": {"InstanceType": instance_type}}}

    own = {"OwnershipSettings": {"OwnerUserProfileName": "carol"}, "SpaceSharingSettings": {"SharingType": "Private"}}
    e = expect_error(
        lambda: studio.create_space(
            DomainId=did, SpaceName="gpu", SpaceSettings=settings("JupyterLabAppSettings", "ml.p4d.24xlarge"), **own
        ),
        "AccessDeniedException",
        "CreateSpace with a default outside the list",
    )
    check("sagemaker:CreateSpace" in str(e) and "explicit deny" in str(e), str(e))
    check(not admin.list_spaces(DomainIdEquals=did)["Spaces"], "the refused space does not exist")
    studio.create_space(
        DomainId=did, SpaceName="small", SpaceSettings=settings("JupyterLabAppSettings", "ml.t3.medium"), **own
    )
    for key in ("JupyterLabAppSettings", "CodeEditorAppSettings"):
        e = expect_error(
            lambda key=key: studio.update_space(
                DomainId=did, SpaceName="small", SpaceSettings=settings(key, "ml.p4d.24xlarge")
            ),
            "AccessDeniedException",
            f"UpdateSpace to a {key} default outside the list",
        )
        check("sagemaker:UpdateSpace" in str(e), str(e))
    got = admin.describe_space(DomainId=did, SpaceName="small")["SpaceSettings"]
    check(got["JupyterLabAppSettings"]["DefaultResourceSpec"]["InstanceType"] == "ml.t3.medium", str(got))
    studio.update_space(DomainId=did, SpaceName="small", SpaceSettings={"AppType": "JupyterLab"})
    studio.update_space(
        DomainId=did, SpaceName="small", SpaceSettings=settings("CodeEditorAppSettings", "ml.t3.medium")
    )
    got = admin.describe_space(DomainId=did, SpaceName="small")["SpaceSettings"]
    check(got["CodeEditorAppSettings"]["DefaultResourceSpec"]["InstanceType"] == "ml.t3.medium", str(got))
    # The administrator's key is not bound by the role's policy.
    admin.update_space(
        DomainId=did, SpaceName="small", SpaceSettings=settings("JupyterLabAppSettings", "ml.p4d.24xlarge")
    )


def test_a_managed_policy_over_6144_characters_is_refused(url: str) -> None:
    """IAM quotas: "Managed policy size: 6,144 characters", white space not counted."""
    iam = client(url, "iam")

    def doc(n: int) -> str:
        resources = [f"arn:aws:s3:::bucket-{i:04d}" for i in range(n)]
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}],
            },
            indent=4,
        )

    fits = doc(180)
    check(len(fits) > 6144 and sum(not c.isspace() for c in fits) <= 6144, "white space is not counted")
    arn = iam.create_policy(PolicyName="size-ok", PolicyDocument=fits)["Policy"]["Arn"]
    e = expect_error(
        lambda: iam.create_policy(PolicyName="size-big", PolicyDocument=doc(300)), "LimitExceeded", "CreatePolicy"
    )
    check("PolicySize: 6144" in str(e), str(e))
    expect_error(
        lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(300), SetAsDefault=True),
        "LimitExceeded",
        "CreatePolicyVersion",
    )


def test_the_template_denies_other_instance_types_only_when_a_list_is_given(url: str) -> None:
    """The Deny is under ``!If [LimitsInstanceTypes, {...}, !Ref AWS::NoValue]``: with no list the
    statement is removed from the policy (CloudFormation drops an AWS::NoValue list element), with
    one it lists ``system`` and the types. The trust policy lets SageMaker set the source
    identity (per-user audit)."""
    cf = client(url, "cloudformation")
    iam = client(url, "iam")
    with open("../cloudformation/studio-environment.yaml", encoding="utf-8") as f:
        body = f.read()
    buckets = ",".join(f"{i:02d}" + "b" * 61 for i in range(20))
    for name, types, want in (
        ("types-some", "ml.t3.medium,ml.m5.large", ["system", "ml.t3.medium", "ml.m5.large"]),
        ("types-all", "", None),
        ("types-every", ",".join(EVERY_TYPE), ["system", *EVERY_TYPE]),
    ):
        cf.create_stack(
            StackName=name,
            TemplateBody=body,
            Parameters=[
                {"ParameterKey": "ProjectName", "ParameterValue": name},
                {"ParameterKey": "AllowedInstanceTypes", "ParameterValue": types},
                # The most buckets studio-tui admits (MAX_ALLOWED_BUCKETS), with the longest names:
                # ExecutionPolicy stays within IAM's 6,144 characters.
                {"ParameterKey": "AllowedBuckets", "ParameterValue": buckets if name == "types-every" else ""},
            ],
            Capabilities=["CAPABILITY_NAMED_IAM"],
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            st = cf.describe_stacks(StackName=name)["Stacks"][0]
            if not st["StackStatus"].endswith("_IN_PROGRESS"):
                break
            time.sleep(0.2)
        check(st["StackStatus"] == "CREATE_COMPLETE", f"{name}: {st['StackStatus']}")
        local = {p["PolicyName"]: p for p in iam.list_policies(Scope="Local")["Policies"]}
        attached = [
            p["PolicyName"]
            for p in iam.list_attached_role_policies(RoleName=f"{name}-notebook-role")["AttachedPolicies"]
        ]
        deny = []
        for policy in (local[f"{name}-notebook-policy"], local.get(f"{name}-instance-types-policy")):
            if policy is None:
                continue
            doc = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])[
                "PolicyVersion"
            ]["Document"]
            doc = json.loads(doc) if isinstance(doc, str) else doc
            check(all(isinstance(s, dict) for s in doc["Statement"]), f"{name}: no null statement")
            deny += [s for s in doc["Statement"] if s.get("Sid") == "DenyOtherInstanceTypes"]
        if want is None:
            check(not deny, f"{name}: no Deny when all types are allowed: {deny}")
            check(f"{name}-instance-types-policy" not in local, f"{name}: no instance-types policy")
        else:
            check(f"{name}-instance-types-policy" in attached, f"{name}: the Deny's policy is on the role: {attached}")
            check(
                deny
                and deny[0]["Condition"] == {"ForAnyValue:StringNotEquals": {"sagemaker:InstanceTypes": want}}
                and deny[0]["Action"] == ["sagemaker:CreateApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace"],
                f"{name}: {deny}",
            )
        trust = iam.get_role(RoleName=f"{name}-notebook-role")["Role"]["AssumeRolePolicyDocument"]
        check(trust["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:SetSourceIdentity"], str(trust))


def test_with_per_user_audit_an_app_fails_when_the_role_does_not_trust_set_source_identity(url: str) -> None:
    iam = client(url, "iam")
    sm = client(url, "sagemaker", validate=False)
    roles = {}
    for name, actions in (
        ("audit-old", ["sts:AssumeRole"]),
        ("audit-new", ["sts:AssumeRole", "sts:SetSourceIdentity"]),
    ):
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": actions}],
        }
        roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    for i, (name, arn) in enumerate(roles.items()):
        net = _network(url, f"10.{46 + i}.0.0/16")
        did = sm.create_domain(
            DomainName=name,
            DefaultUserSettings={"ExecutionRole": arn},
            DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
            **net,
        )["DomainId"]
        _in_service(sm, did)
        _profile_in_service(sm, did, "alice")
        sm.create_app(DomainId=did, UserProfileName="alice", AppType="JupyterLab", AppName="default")
        for _ in range(200):
            app = sm.describe_app(DomainId=did, UserProfileName="alice", AppType="JupyterLab", AppName="default")
            if app["Status"] not in ("Pending",):
                break
            time.sleep(0.05)
        if name == "audit-old":
            check(app["Status"] == "Failed", f"the role cannot be assumed with a source identity: {app}")
            check("sts:SetSourceIdentity" in app.get("FailureReason", ""), str(app))
        else:
            check(app["Status"] == "InService", str(app))
            check("FailureReason" not in app, str(app))


def test_the_trust_policy_check_matches_actions_as_iam_does() -> None:
    from studio_emulator.sagemaker_iam import trusts_source_identity

    def doc(actions: object, service: object = "sagemaker.amazonaws.com", effect: str = "Allow") -> str:
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": effect, "Principal": {"Service": service}, "Action": actions},
            }
        )

    for actions in (["sts:AssumeRole", "sts:SetSourceIdentity"], "STS:setsourceidentity", "sts:Set*", "sts:*", "*"):
        check(trusts_source_identity(doc(actions)), f"{actions} allows it")
    check(
        trusts_source_identity(doc("sts:SetSourceIdentity", ["ec2.amazonaws.com", "sagemaker.amazonaws.com"])), "list"
    )
    for bad in (doc("sts:AssumeRole"), doc("sts:SetSourceIdentity", "ec2.amazonaws.com"), doc("*", effect="Deny")):
        check(not trusts_source_identity(bad), bad)
