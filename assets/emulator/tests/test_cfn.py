"""The CloudFormation extension (studio_emulator/cfn.py) against moto's server, in process.

Run from assets/emulator with the emulator's venv plus requirements-dev.txt:  python -m pytest tests/test_cfn.py
The tests share one server and run in file order: the first ones build the stack the later ones
update and delete.
"""

from __future__ import annotations

import json
import logging
import os
import time
from types import SimpleNamespace

import boto3
import pytest
from botocore.exceptions import ClientError

from studio_emulator import cfn
from studio_emulator.config import SETTINGS

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_TEMPLATE = os.path.join(HERE, "..", "..", "cloudformation", "studio-environment.yaml")

TEMPLATE = r"""
AWSTemplateFormatVersion: "2010-09-09"
Description: studio-tui cfn smoke template (every type the environment uses)
Parameters:
  ProjectName: {Type: String, Default: smoke}
  VpcCIDR: {Type: String, Default: 10.9.0.0/16}
  AllowedDomain: {Type: String, Default: .amazonaws.com}
  WithLogs: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
Conditions:
  HasLogs: !Equals [!Ref WithLogs, "true"]
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref VpcCIDR, EnableDnsSupport: true, EnableDnsHostnames: true,
                 Tags: [{Key: Name, Value: !Sub "${ProjectName}-vpc"}]}
  FirewallSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  NatSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.2.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  StudioSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.3.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
  InternetGateway: {Type: AWS::EC2::InternetGateway}
  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref VPC, InternetGatewayId: !Ref InternetGateway}
  NatEIP:
    Type: AWS::EC2::EIP
    DependsOn: GatewayAttachment
    Properties: {Domain: vpc}
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties: {AllocationId: !GetAtt NatEIP.AllocationId, SubnetId: !Ref NatSubnet}
  DomainRules:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      RuleGroupName: !Sub "${ProjectName}-domains"
      Type: STATEFUL
      Capacity: 100
      RuleGroup:
        RuleVariables: {IPSets: {HOME_NET: {Definition: [!Ref VpcCIDR]}}}
        RulesSource:
          RulesSourceList: {Targets: [!Ref AllowedDomain, .github.com], TargetTypes: [HTTP_HOST, TLS_SNI],
                            GeneratedRulesType: ALLOWLIST}
  FirewallPolicy:
    Type: AWS::NetworkFirewall::FirewallPolicy
    Properties:
      FirewallPolicyName: !Sub "${ProjectName}-policy"
      FirewallPolicy:
        StatelessDefaultActions: ["aws:forward_to_sfe"]
        StatelessFragmentDefaultActions: ["aws:forward_to_sfe"]
        StatefulRuleGroupReferences: [{ResourceArn: !Ref DomainRules}]
  Firewall:
    Type: AWS::NetworkFirewall::Firewall
    Properties:
      FirewallName: !Sub "${ProjectName}-firewall"
      FirewallPolicyArn: !GetAtt FirewallPolicy.FirewallPolicyArn
      VpcId: !Ref VPC
      SubnetMappings: [{SubnetId: !Ref FirewallSubnet}]
      DeleteProtection: false
  FirewallLogs:
    Type: AWS::Logs::LogGroup
    Condition: HasLogs
    Properties: {LogGroupName: !Sub "/${ProjectName}/firewall", RetentionInDays: 30}
  FirewallLogging:
    Type: AWS::NetworkFirewall::LoggingConfiguration
    Condition: HasLogs
    Properties:
      FirewallArn: !Ref Firewall
      LoggingConfiguration:
        LogDestinationConfigs:
          - {LogType: ALERT, LogDestinationType: CloudWatchLogs, LogDestination: {logGroup: !Ref FirewallLogs}}
  IgwRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  IgwRouteTableAssociation:
    Type: AWS::EC2::GatewayRouteTableAssociation
    Properties: {GatewayId: !Ref InternetGateway, RouteTableId: !Ref IgwRouteTable}
  IgwIngressRoute:
    Type: AWS::EC2::Route
    DependsOn: IgwRouteTableAssociation
    Properties:
      RouteTableId: !Ref IgwRouteTable
      DestinationCidrBlock: 10.9.2.0/24
      VpcEndpointId: !Select [1, !Split [":", !Select [0, !GetAtt Firewall.EndpointIds]]]
  FirewallRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  FirewallDefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: GatewayAttachment
    Properties: {RouteTableId: !Ref FirewallRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref InternetGateway}
  FirewallSubnetAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref FirewallSubnet, RouteTableId: !Ref FirewallRouteTable}
  NatRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  NatDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref NatRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      VpcEndpointId: !Select [1, !Split [":", !Select [0, !GetAtt Firewall.EndpointIds]]]
  NatSubnetAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref NatSubnet, RouteTableId: !Ref NatRouteTable}
  StudioRouteTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  StudioDefaultRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref StudioRouteTable, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref NatGateway}
  StudioSubnetAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref StudioSubnet, RouteTableId: !Ref StudioRouteTable}
  StudioSG:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: studio, VpcId: !Ref VPC}
  StudioSGSelf:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref StudioSG, IpProtocol: "-1", SourceSecurityGroupId: !Ref StudioSG}
  StudioSGEgress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref StudioSG, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !Ref VpcCIDR}
  EndpointSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref VPC
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref StudioSG}]
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Sub "com.amazonaws.${AWS::Region}.s3"
      VpcEndpointType: Gateway
      RouteTableIds: [!Ref StudioRouteTable]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: "*", Action: ["s3:GetObject"], Resource: "*"}]
  ApiEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Sub "com.amazonaws.${AWS::Region}.sagemaker.api"
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref StudioSubnet]
      SecurityGroupIds: [!Ref EndpointSG]
  S3Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: "kms:*", Resource: "*"}]
      Tags: [{Key: Project, Value: !Ref ProjectName}]
  S3KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: !Sub "alias/${ProjectName}-s3", TargetKeyId: !Ref S3Key}
  DataBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${ProjectName}-data"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt S3Key.Arn}
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}
      VersioningConfiguration: {Status: Enabled}
  DataBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DataBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
            Resource: [!GetAtt DataBucket.Arn, !Sub "${DataBucket.Arn}/*"]
            Condition: {StringNotEquals: {"aws:sourceVpce": !Ref S3Endpoint}}
  ExecutionPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: ["s3:GetObject"], Resource: !Sub "${DataBucket.Arn}/*"}]
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${ProjectName}-notebook-role"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: "sts:AssumeRole"}]
      ManagedPolicyArns: [!Ref ExecutionPolicy]
Outputs:
  VpcId: {Value: !Ref VPC, Export: {Name: !Sub "${AWS::StackName}-VpcId"}}
  FirewallEndpointId:
    Value: !Select [1, !Split [":", !Select [0, !GetAtt Firewall.EndpointIds]]]
  FirewallArn: {Value: !GetAtt Firewall.FirewallArn}
  DataBucketName: {Value: !Ref DataBucket}
  RoleArn: {Value: !GetAtt ExecutionRole.Arn}
"""


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise AssertionError(msg)


def all_events(cf, stack):
    events, token, pages = [], None, 0
    while True:
        kw = {"StackName": stack}
        if token:
            kw["NextToken"] = token
        resp = cf.describe_stack_events(**kw)
        pages += 1
        check(len(resp["StackEvents"]) <= 100, "page larger than 100")
        events += resp["StackEvents"]
        token = resp.get("NextToken")
        if not token:
            return events, pages


def status(cf, stack):
    return cf.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]


def wait_status(cf, stack, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = status(cf, stack)
        if not s.endswith("_IN_PROGRESS"):
            return s
        time.sleep(0.1)
    raise AssertionError(f"{stack} still in progress after {timeout}s")


@pytest.fixture(scope="module")
def aws():
    """moto's threaded server with every backend-level extension of the real server (cfn,
    SageMaker, EC2 dependency checks, ...): the stack engine must cope with EC2 as strict as AWS."""
    from moto.server import ThreadedMotoServer

    from studio_emulator.server import install_extensions

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    install_extensions()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    kw = dict(
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ec2 = boto3.client("ec2", **kw)
    SETTINGS.pace = 0
    SETTINGS.fail_resources.clear()
    SETTINGS.fail_rollbacks.clear()
    yield SimpleNamespace(
        host=host,
        port=port,
        cf=boto3.client("cloudformation", **kw),
        ec2=ec2,
        s3=boto3.client("s3", **kw),
        iam=boto3.client("iam", **kw),
        kms=boto3.client("kms", **kw),
        nfw=boto3.client("network-firewall", **kw),
        logs=boto3.client("logs", **kw),
        default_vpcs={v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]},
        ctx={},
    )
    server.stop()


def test_changeset_create(aws):
    """change set CREATE: every resource listed, REVIEW_IN_PROGRESS"""
    cf, ctx = aws.cf, aws.ctx
    r = cf.create_change_set(
        StackName="smoke",
        ChangeSetName="initial",
        ChangeSetType="CREATE",
        TemplateBody=TEMPLATE,
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    ctx["stack_id"] = r["StackId"]
    check(status(cf, "smoke") == "REVIEW_IN_PROGRESS", "stack should be REVIEW_IN_PROGRESS")
    cs = cf.describe_change_set(StackName="smoke", ChangeSetName="initial")
    check(cs["Status"] == "CREATE_COMPLETE" and cs["ExecutionStatus"] == "AVAILABLE", f"cs status {cs['Status']}")
    ids = {c["ResourceChange"]["LogicalResourceId"] for c in cs["Changes"]}
    import yaml  # noqa: F401 - moto's loader understands the short tags
    from moto.cloudformation.models import Stack

    expected = set(Stack.parse_template(TEMPLATE)["Resources"])
    check(ids == expected, f"change set misses {expected - ids}")
    check(all(c["ResourceChange"]["Action"] == "Add" for c in cs["Changes"]), "all Add")
    summaries = cf.list_change_sets(StackName="smoke")["Summaries"]
    check(len(summaries) == 1 and summaries[0]["ChangeSetName"] == "initial", "list_change_sets")


def test_execute(aws):
    """execute change set: per-resource events with ClientRequestToken, paginated"""
    cf, ctx = aws.cf, aws.ctx
    cf.execute_change_set(StackName="smoke", ChangeSetName="initial", ClientRequestToken="tok-create-1")
    check(wait_status(cf, "smoke") == "CREATE_COMPLETE", f"status {status(cf, 'smoke')}")
    events, pages = all_events(cf, "smoke")
    ctx["create_events"] = events
    mine = [e for e in events if e.get("ClientRequestToken") == "tok-create-1"]
    check(
        all(
            e.get("ClientRequestToken") == "tok-create-1" for e in events if e["ResourceStatus"] != "REVIEW_IN_PROGRESS"
        ),
        "every event carries the token",
    )
    oldest_first = list(reversed(mine))
    first, last = oldest_first[0], oldest_first[-1]
    check(
        first["LogicalResourceId"] == "smoke"
        and first["ResourceStatus"] == "CREATE_IN_PROGRESS"
        and first["ResourceStatusReason"] == "User Initiated",
        f"first event {first}",
    )
    check(last["LogicalResourceId"] == "smoke" and last["ResourceStatus"] == "CREATE_COMPLETE", "last event")
    check(len({e["EventId"] for e in events}) == len(events), "unique EventIds")
    for e in events:
        for key in ("StackId", "StackName", "LogicalResourceId", "ResourceType", "Timestamp", "ResourceStatus"):
            check(key in e, f"event lacks {key}: {e}")
    per = {}
    for e in oldest_first:
        per.setdefault(e["LogicalResourceId"], []).append(e["ResourceStatus"])
    check(per["Firewall"][0] == "CREATE_IN_PROGRESS" and per["Firewall"][-1] == "CREATE_COMPLETE", str(per["Firewall"]))
    # dependency order: VPC completes before its subnets start
    idx = {
        (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason")): i
        for i, e in enumerate(oldest_first)
    }
    check(
        idx[("VPC", "CREATE_COMPLETE", None)] < idx[("FirewallSubnet", "CREATE_IN_PROGRESS", None)], "VPC before subnet"
    )
    check(
        idx[("Firewall", "CREATE_COMPLETE", None)] < idx[("NatDefaultRoute", "CREATE_IN_PROGRESS", None)],
        "firewall before route",
    )
    check(("Firewall", "CREATE_IN_PROGRESS", "Resource creation Initiated") in idx, "creation initiated event")
    check(
        not any(
            e["LogicalResourceId"] == "smoke"
            and e["ResourceStatus"] == "REVIEW_IN_PROGRESS"
            and e.get("ClientRequestToken")
            for e in events
        ),
        "review event has no token",
    )
    res = cf.list_stack_resources(StackName="smoke")["StackResourceSummaries"]
    check(len(res) == len(per) - 1 and all(r["ResourceStatus"] == "CREATE_COMPLETE" for r in res), "list resources")
    outs = {o["OutputKey"]: o["OutputValue"] for o in cf.describe_stacks(StackName="smoke")["Stacks"][0]["Outputs"]}
    ctx["outputs"] = outs
    check(
        outs["FirewallEndpointId"].startswith("vpce-") and len(outs["FirewallEndpointId"]) == 22,
        outs["FirewallEndpointId"],
    )
    exports = {e["Name"]: e["Value"] for e in cf.list_exports()["Exports"]}
    check(exports.get("smoke-VpcId") == outs["VpcId"], "export registered")
    check(cf.list_change_sets(StackName="smoke")["Summaries"] == [], "executed change set removed")
    print(f"     {len(events)} events over {pages} page(s)")


def test_backends(aws):
    """backends see the resources: bucket policy, routes, firewall, rule group"""
    ec2, s3, iam, kms, nfw, logs, ctx = aws.ec2, aws.s3, aws.iam, aws.kms, aws.nfw, aws.logs, aws.ctx
    outs = ctx["outputs"]
    vpce = outs["FirewallEndpointId"]
    pol = json.loads(s3.get_bucket_policy(Bucket="smoke-data")["Policy"])
    check(pol["Statement"][0]["Effect"] == "Deny", "bucket policy applied")
    enc = s3.get_bucket_encryption(Bucket="smoke-data")["ServerSideEncryptionConfiguration"]
    check(enc["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms", "sse-kms")
    check(s3.get_bucket_versioning(Bucket="smoke-data").get("Status") == "Enabled", "versioning")
    pab = s3.get_public_access_block(Bucket="smoke-data")["PublicAccessBlockConfiguration"]
    check(all(pab.values()), f"public access block {pab}")
    rts = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [outs["VpcId"]]}])["RouteTables"]
    to_fw = [r for rt in rts for r in rt["Routes"] if r.get("GatewayId") == vpce or r.get("VpcEndpointId") == vpce]
    check(len(to_fw) == 2, f"two routes to the firewall endpoint, got {to_fw}")
    check(any(r.get("DestinationCidrBlock") == "10.9.2.0/24" for r in to_fw), "igw edge route")
    igw_assoc = [a for rt in rts for a in rt["Associations"] if a.get("GatewayId", "").startswith("igw-")]
    check(len(igw_assoc) == 1, f"gateway association {igw_assoc}")
    check(any(r.get("NatGatewayId") for rt in rts for r in rt["Routes"]), "route to NAT")
    subnet_assocs = [a for rt in rts for a in rt["Associations"] if a.get("SubnetId")]
    check(len(subnet_assocs) == 3, "3 subnet associations")
    eps = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"]
    check(eps and eps[0]["VpcEndpointType"] == "GatewayLoadBalancer", "firewall vpce exists in ec2")
    fw = nfw.describe_firewall(FirewallName="smoke-firewall")
    sync = fw["FirewallStatus"]["SyncStates"]
    check(
        sync["us-east-1a"]["Attachment"]["EndpointId"] == vpce
        and sync["us-east-1a"]["Attachment"]["Status"] == "READY",
        str(sync),
    )
    rg = nfw.describe_rule_group(RuleGroupName="smoke-domains", Type="STATEFUL")
    check(".amazonaws.com" in rg["RuleGroup"]["RulesSource"]["RulesSourceList"]["Targets"], "domain list")
    fp = nfw.describe_firewall_policy(FirewallPolicyName="smoke-policy")
    check(
        fp["FirewallPolicy"]["StatefulRuleGroupReferences"][0]["ResourceArn"]
        == rg["RuleGroupResponse"]["RuleGroupArn"],
        "policy refs group",
    )
    lc = nfw.describe_logging_configuration(FirewallArn=outs["FirewallArn"])
    check(lc["LoggingConfiguration"]["LogDestinationConfigs"][0]["LogType"] == "ALERT", "logging config")
    role = iam.get_role(RoleName="smoke-notebook-role")["Role"]
    check(role["Arn"] == outs["RoleArn"], "role")
    att = iam.list_attached_role_policies(RoleName="smoke-notebook-role")["AttachedPolicies"]
    check(len(att) == 1, "managed policy attached")
    aliases = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    check("alias/smoke-s3" in aliases, "kms alias")
    check(logs.describe_log_groups(logGroupNamePrefix="/smoke/")["logGroups"], "log group")
    sgs = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [outs["VpcId"]]}])["SecurityGroups"]
    check(len(sgs) == 3, f"2 SGs + default, got {len(sgs)}")
    vpc = ec2.describe_vpcs(VpcIds=[outs["VpcId"]])["Vpcs"][0]
    tags = {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}
    check(tags.get("aws:cloudformation:logical-id") == "VPC", f"cfn tags on vpc {tags}")


def test_update_changeset(aws):
    """change set UPDATE: Modify with Replacement; no-change change set FAILS"""
    cf, nfw, logs, ctx = aws.cf, aws.nfw, aws.logs, aws.ctx
    cf.create_change_set(
        StackName="smoke",
        ChangeSetName="same",
        ChangeSetType="UPDATE",
        UsePreviousTemplate=True,
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    cs = cf.describe_change_set(StackName="smoke", ChangeSetName="same")
    check(
        cs["Status"] == "FAILED"
        and cs["StatusReason"]
        == "The submitted information didn't contain changes. Submit different information to create a change set.",
        str(cs.get("StatusReason")),
    )
    cf.delete_change_set(StackName="smoke", ChangeSetName="same")
    new = (
        TEMPLATE.replace("RetentionInDays: 30", "RetentionInDays: 90")
        .replace(
            "  StudioSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: studio,",
            "  StudioSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: studio apps,",
        )
        .replace(
            "Outputs:",
            "  ExtraLogs:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /smoke/extra}\nOutputs:",
        )
    )
    cf.create_change_set(
        StackName="smoke",
        ChangeSetName="upd",
        ChangeSetType="UPDATE",
        TemplateBody=new,
        Parameters=[{"ParameterKey": "AllowedDomain", "ParameterValue": ".example.com"}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    cs = cf.describe_change_set(StackName="smoke", ChangeSetName="upd")
    by = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in cs["Changes"]}
    check(by["ExtraLogs"]["Action"] == "Add", "add")
    check(
        by["FirewallLogs"]["Action"] == "Modify" and by["FirewallLogs"]["Replacement"] == "False",
        str(by["FirewallLogs"]),
    )
    check(by["StudioSG"]["Action"] == "Modify" and by["StudioSG"]["Replacement"] == "True", str(by["StudioSG"]))
    check(by["DomainRules"]["Action"] == "Modify", "parameter change -> modify")
    check(
        by["StudioSGSelf"]["Action"] == "Modify" and by["StudioSGSelf"]["Replacement"] in ("Conditional", "True"),
        "dependent modify",
    )
    ctx["new_template"] = new
    sg_before = ctx["outputs"]
    del sg_before
    cf.execute_change_set(StackName="smoke", ChangeSetName="upd", ClientRequestToken="tok-update-1")
    check(wait_status(cf, "smoke") == "UPDATE_COMPLETE", status(cf, "smoke"))
    events, _ = all_events(cf, "smoke")
    upd = [e for e in events if e.get("ClientRequestToken") == "tok-update-1"]
    kinds = {(e["LogicalResourceId"], e["ResourceStatus"]) for e in upd}
    check(("smoke", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") in kinds, "cleanup phase")
    check(("StudioSG", "DELETE_COMPLETE") in kinds, "old SG deleted in cleanup")
    check(
        ("ExtraLogs", "CREATE_COMPLETE") in kinds and ("FirewallLogs", "UPDATE_COMPLETE") in kinds,
        "add + modify events",
    )
    rg = nfw.describe_rule_group(RuleGroupName="smoke-domains", Type="STATEFUL")
    check(".example.com" in rg["RuleGroup"]["RulesSource"]["RulesSourceList"]["Targets"], "rule group updated")
    check(logs.describe_log_groups(logGroupNamePrefix="/smoke/extra")["logGroups"], "extra log group")


def test_update_rollback(aws):
    """failed update rolls back (UPDATE_ROLLBACK_COMPLETE)"""
    cf, logs, ctx = aws.cf, aws.logs, aws.ctx
    new = ctx["new_template"].replace(
        "Outputs:", "  MoreLogs:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /smoke/more}\nOutputs:"
    )
    new = new.replace("RetentionInDays: 90", "RetentionInDays: 7")
    SETTINGS.fail_resources["FirewallLogs"] = 'Resource handler returned message: "Injected"'
    try:
        cf.update_stack(
            StackName="smoke",
            TemplateBody=new,
            UsePreviousTemplate=False,
            Parameters=[{"ParameterKey": "AllowedDomain", "UsePreviousValue": True}],
            Capabilities=["CAPABILITY_NAMED_IAM"],
            ClientRequestToken="tok-update-2",
        )
        check(wait_status(cf, "smoke") == "UPDATE_ROLLBACK_COMPLETE", status(cf, "smoke"))
    finally:
        SETTINGS.fail_resources.clear()
    events, _ = all_events(cf, "smoke")
    mine = list(reversed([e for e in events if e.get("ClientRequestToken") == "tok-update-2"]))
    seq = [e["ResourceStatus"] for e in mine if e["LogicalResourceId"] == "smoke"]
    check(
        seq
        == [
            "UPDATE_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE",
        ],
        str(seq),
    )
    check(
        any(e["LogicalResourceId"] == "FirewallLogs" and e["ResourceStatus"] == "UPDATE_FAILED" for e in mine),
        "UPDATE_FAILED",
    )
    check(
        not logs.describe_log_groups(logGroupNamePrefix="/smoke/more")["logGroups"],
        "added resource removed on rollback",
    )
    # A resource that fails to roll back leaves the stack in UPDATE_ROLLBACK_FAILED, which only
    # ContinueUpdateRollback (or a delete) leaves ("UPDATE_ROLLBACK_FAILED", Stack status codes).
    SETTINGS.fail_resources["FirewallLogs"] = 'Resource handler returned message: "Injected"'
    SETTINGS.fail_rollbacks["FirewallLogs"] = "Injected rollback failure"
    try:
        cf.update_stack(
            StackName="smoke",
            TemplateBody=ctx["new_template"].replace("RetentionInDays: 90", "RetentionInDays: 7"),
            UsePreviousTemplate=False,
            Parameters=[{"ParameterKey": "AllowedDomain", "UsePreviousValue": True}],
            Capabilities=["CAPABILITY_NAMED_IAM"],
            ClientRequestToken="tok-update-3",
        )
        check(wait_status(cf, "smoke") == "UPDATE_ROLLBACK_FAILED", status(cf, "smoke"))
    finally:
        SETTINGS.fail_resources.clear()
        SETTINGS.fail_rollbacks.clear()
    cf.continue_update_rollback(StackName="smoke")
    check(wait_status(cf, "smoke") == "UPDATE_ROLLBACK_COMPLETE", "ContinueUpdateRollback completes the rollback")
    # CancelUpdateStack / ContinueUpdateRollback must answer, not crash
    for call in (
        lambda: cf.cancel_update_stack(StackName="smoke"),
        lambda: cf.continue_update_rollback(StackName="smoke"),
    ):
        try:
            call()
        except ClientError as e:
            check(e.response["Error"]["Code"] == "ValidationError", str(e))


def _assert_clean(aws, outs=None):
    ec2, s3, iam, kms, nfw, logs, default_vpcs = aws.ec2, aws.s3, aws.iam, aws.kms, aws.nfw, aws.logs, aws.default_vpcs
    vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} - default_vpcs
    check(not vpcs, f"VPCs left: {vpcs}")
    check(not s3.list_buckets()["Buckets"], f"buckets left: {s3.list_buckets()['Buckets']}")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    check(not roles, f"roles left: {roles}")
    pols = iam.list_policies(Scope="Local")["Policies"]
    check(not pols, f"policies left: {pols}")
    for k in kms.list_keys()["Keys"]:
        md = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        check(md["KeyState"] == "PendingDeletion", f"key {k['KeyId']} {md['KeyState']}")
    check(not [a for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")], "aliases left")
    check(not nfw.list_firewalls()["Firewalls"], "firewalls left")
    check(not nfw.list_rule_groups()["RuleGroups"], "rule groups left")
    check(not nfw.list_firewall_policies()["FirewallPolicies"], "policies left")
    check(not logs.describe_log_groups()["logGroups"], "log groups left")
    check(not ec2.describe_internet_gateways()["InternetGateways"], "igw left")
    ngw = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] != "deleted"]
    check(not ngw, f"nat gateways left {ngw}")
    check(not ec2.describe_addresses()["Addresses"], "EIPs left")
    check(not ec2.describe_vpc_endpoints()["VpcEndpoints"], "endpoints left")


def test_delete(aws):
    """delete stack: nothing left behind"""
    cf, ctx = aws.cf, aws.ctx
    outs = ctx["outputs"]
    cf.delete_stack(StackName="smoke", ClientRequestToken="tok-delete-1")
    stack_id = ctx["stack_id"]
    check(wait_status(cf, stack_id) == "DELETE_COMPLETE", status(cf, stack_id))
    events, _ = all_events(cf, stack_id)
    mine = [e for e in events if e.get("ClientRequestToken") == "tok-delete-1"]
    check(
        mine[0]["ResourceStatus"] == "DELETE_COMPLETE" and mine[0]["LogicalResourceId"] == "smoke",
        "delete complete newest",
    )
    check(
        any(e["LogicalResourceId"] == "Firewall" and e["ResourceStatus"] == "DELETE_COMPLETE" for e in mine),
        "firewall deleted",
    )
    _assert_clean(aws, outs)
    try:
        cf.describe_stacks(StackName="smoke")
        raise AssertionError("deleted stack still described by name")
    except ClientError:
        pass


def test_create_rollback(aws):
    """injected create failure rolls back in reverse order"""
    cf = aws.cf
    SETTINGS.fail_resources["NatGateway"] = 'Resource handler returned message: "NAT gateway quota exceeded"'
    try:
        sid = cf.create_stack(
            StackName="smoke-fail",
            TemplateBody=TEMPLATE,
            Capabilities=["CAPABILITY_NAMED_IAM"],
            ClientRequestToken="tok-fail-1",
        )["StackId"]
        check(wait_status(cf, "smoke-fail") == "ROLLBACK_COMPLETE", status(cf, "smoke-fail"))
    finally:
        SETTINGS.fail_resources.clear()
    events, _ = all_events(cf, sid)
    old = list(reversed(events))
    stack_seq = [
        (e["ResourceStatus"], e.get("ResourceStatusReason")) for e in old if e["LogicalResourceId"] == "smoke-fail"
    ]
    check(stack_seq[0] == ("CREATE_IN_PROGRESS", "User Initiated"), str(stack_seq))
    check(stack_seq[-1][0] == "ROLLBACK_COMPLETE", str(stack_seq))
    rb = [r for s, r in stack_seq if s == "ROLLBACK_IN_PROGRESS"][0]
    check(
        rb.startswith("The following resource(s) failed to create: [")
        and "NatGateway" in rb
        and rb.endswith("Rollback requested by user."),
        rb,
    )
    nat = [e for e in old if e["LogicalResourceId"] == "NatGateway" and e["ResourceStatus"] == "CREATE_FAILED"]
    check(nat and "quota exceeded" in nat[0]["ResourceStatusReason"], "CREATE_FAILED reason")
    pos = {}
    for i, e in enumerate(old):
        pos[(e["LogicalResourceId"], e["ResourceStatus"])] = i
    check(pos[("NatSubnet", "DELETE_COMPLETE")] < pos[("VPC", "DELETE_IN_PROGRESS")], "subnet deleted before VPC")
    res = cf.list_stack_resources(StackName=sid)["StackResourceSummaries"]
    check(all(r["ResourceStatus"] == "DELETE_COMPLETE" for r in res), "resources DELETE_COMPLETE")
    try:
        cf.update_stack(StackName="smoke-fail", UsePreviousTemplate=True)
        raise AssertionError("update of ROLLBACK_COMPLETE allowed")
    except ClientError as e:
        check("ROLLBACK_COMPLETE" in str(e), str(e))
    cf.delete_stack(StackName="smoke-fail")
    check(wait_status(cf, sid) == "DELETE_COMPLETE", "deleted")
    _assert_clean(aws)


def test_failure_modes(aws):
    """DisableRollback keeps CREATE_FAILED; OnFailure=DELETE deletes"""
    cf, s3 = aws.cf, aws.s3
    SETTINGS.fail_resources["DataBucketPolicy"] = "Policy has invalid resource"
    try:
        cf.create_stack(
            StackName="keep", TemplateBody=TEMPLATE, DisableRollback=True, Capabilities=["CAPABILITY_NAMED_IAM"]
        )
        check(wait_status(cf, "keep") == "CREATE_FAILED", status(cf, "keep"))
        s = cf.describe_stacks(StackName="keep")["Stacks"][0]
        check("DataBucketPolicy" in s.get("StackStatusReason", ""), str(s.get("StackStatusReason")))
        check(s3.list_buckets()["Buckets"], "resources kept")
        cf.delete_stack(StackName="keep")
        wait_status(cf, s["StackId"])
        sid = cf.create_stack(
            StackName="gone", TemplateBody=TEMPLATE, OnFailure="DELETE", Capabilities=["CAPABILITY_NAMED_IAM"]
        )["StackId"]
        check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    finally:
        SETTINGS.fail_resources.clear()
    _assert_clean(aws)


def test_paced(aws):
    """paced deploy (pace 0.02): async, events over time, parallel resources"""
    cf = aws.cf
    SETTINGS.pace = 0.02
    try:
        t0 = time.monotonic()
        sid = cf.create_stack(
            StackName="paced",
            TemplateBody=TEMPLATE,
            Capabilities=["CAPABILITY_NAMED_IAM"],
            ClientRequestToken="tok-paced",
        )["StackId"]
        check(time.monotonic() - t0 < 2, "CreateStack returned immediately")
        check(status(cf, "paced") == "CREATE_IN_PROGRESS", "in progress")
        counts, saw_pending, both = [], False, False
        while True:
            st = status(cf, sid)
            counts.append(len(all_events(cf, sid)[0]))
            res = cf.list_stack_resources(StackName=sid)["StackResourceSummaries"]
            inprog = {r["LogicalResourceId"] for r in res if r["ResourceStatus"] == "CREATE_IN_PROGRESS"}
            saw_pending |= bool(inprog)
            both |= {"Firewall", "S3Key"} <= inprog
            if not st.endswith("_IN_PROGRESS"):
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - t0
        check(st == "CREATE_COMPLETE", st)
        check(len(set(counts)) > 3, f"events should arrive over time: {counts}")
        check(saw_pending, "ListStackResources showed CREATE_IN_PROGRESS")
        check(both, "firewall and KMS key were in progress at the same time")
        # critical path ~ VPC 12 + subnet 4 + fw 312 + route 2 (+ policy/rg) = ~340 s * 0.02 = ~7 s
        check(3 < elapsed < 20, f"elapsed {elapsed:.1f}s")
        print(f"     paced create took {elapsed:.1f}s, {counts[-1]} events")
        cf.delete_stack(StackName="paced", ClientRequestToken="tok-paced-del")
        check(status(cf, sid) == "DELETE_IN_PROGRESS", "delete async")
        check(wait_status(cf, sid, 60) == "DELETE_COMPLETE", status(cf, sid))
        # delete during create: cancels, rolls back, deletes
        sid2 = cf.create_stack(StackName="paced2", TemplateBody=TEMPLATE, Capabilities=["CAPABILITY_NAMED_IAM"])[
            "StackId"
        ]
        time.sleep(1.0)
        cf.delete_stack(StackName="paced2")
        deadline = time.monotonic() + 60
        while status(cf, sid2) != "DELETE_COMPLETE" and time.monotonic() < deadline:
            time.sleep(0.2)
        check(status(cf, sid2) == "DELETE_COMPLETE", status(cf, sid2))
    finally:
        SETTINGS.pace = 0
        cfn.wait_idle(60)
    _assert_clean(aws)


def test_review_delete(aws):
    """REVIEW_IN_PROGRESS stack can be deleted"""
    cf = aws.cf
    sid = cf.create_change_set(StackName="review", ChangeSetName="cs1", ChangeSetType="CREATE", TemplateBody=TEMPLATE)[
        "StackId"
    ]
    cf.delete_stack(StackName="review")
    check(status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))


def test_real(aws):
    """real template (assets/cloudformation/studio-environment.yaml) deploys and deletes"""
    cf, ec2 = aws.cf, aws.ec2
    body = open(REAL_TEMPLATE, encoding="utf-8").read()
    r = cf.create_change_set(
        StackName="studio-env",
        ChangeSetName="deploy",
        ChangeSetType="CREATE",
        TemplateBody=body,
        Capabilities=["CAPABILITY_NAMED_IAM", "CAPABILITY_IAM"],
    )
    cs = cf.describe_change_set(ChangeSetName=r["Id"])
    from moto.cloudformation.models import Stack

    # AdmittedBucketsPolicy has a condition (AllowedBuckets not empty) that is false by default.
    n = sum(1 for r in Stack.parse_template(body)["Resources"].values() if "Condition" not in r)
    check(len(cs["Changes"]) == n, f"{len(cs['Changes'])} changes for {n} resources")
    cf.execute_change_set(ChangeSetName=r["Id"], ClientRequestToken="tok-real")
    st = wait_status(cf, "studio-env")
    events, pages = all_events(cf, "studio-env")
    if st != "CREATE_COMPLETE":
        for e in events:
            if "FAILED" in e["ResourceStatus"]:
                print("    ", e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason"))
    check(st == "CREATE_COMPLETE", st)
    check(pages >= 2, f"expected several event pages, got {pages}")
    outs = {
        o["OutputKey"]: o["OutputValue"] for o in cf.describe_stacks(StackName="studio-env")["Stacks"][0]["Outputs"]
    }
    vpce = outs.get("FirewallEndpointId")
    rts = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [outs["VpcId"]]}])["RouteTables"]
    to_fw = [r for rt in rts for r in rt["Routes"] if r.get("GatewayId") == vpce]
    check(len(to_fw) == 2, f"routes to firewall endpoint: {to_fw}")
    print(f"     {n} resources, {len(events)} events, {pages} pages, {len(outs)} outputs")
    cf.delete_stack(StackName="studio-env")
    check(wait_status(cf, cs["StackId"]) == "DELETE_COMPLETE", status(cf, cs["StackId"]))
    _assert_clean(aws)


def test_package():
    """package: studio_emulator is a regular package (__init__.py)"""
    import studio_emulator

    check(
        getattr(studio_emulator, "__file__", None) and studio_emulator.__file__.endswith("__init__.py"),
        f"studio_emulator.__file__ = {getattr(studio_emulator, '__file__', None)}",
    )


def _real_body():
    return open(REAL_TEMPLATE, encoding="utf-8").read()


def _params(**kv):
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in kv.items()]


def test_real_other_project(aws):
    """real template, ProjectName=other-proj via CreateStack: KMS tags, aliases, clean delete"""
    cf, s3, kms = aws.cf, aws.s3, aws.kms
    for name, params in (("studio-default", []), ("studio-other", _params(ProjectName="other-proj"))):
        project = "other-proj" if params else "sagemaker-studio-vpc"
        sid = cf.create_stack(
            StackName=name, TemplateBody=_real_body(), Parameters=params, Capabilities=["CAPABILITY_NAMED_IAM"]
        )["StackId"]
        check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
        res = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cf.list_stack_resources(StackName=sid)["StackResourceSummaries"]
        }
        for key_lid in ("S3KmsKey", "StudioKmsKey"):
            tags = kms.list_resource_tags(KeyId=res[key_lid])["Tags"]
            check({"TagKey": "Project", "TagValue": project} in tags, f"{key_lid} tags {tags}")
        aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
        check({f"alias/{project}-s3", f"alias/{project}-studio"} <= aliases, f"aliases {aliases}")
        check(s3.head_bucket(Bucket=f"{project}-data"), "data bucket")
        cf.delete_stack(StackName=sid, ClientRequestToken=f"tok-del-{name}")
        check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
        events, _ = all_events(cf, sid)
        bad = [
            (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason"))
            for e in events
            if "FAILED" in e["ResourceStatus"]
        ]
        check(not bad, f"failures: {bad}")
        gone = {e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "DELETE_COMPLETE"}
        check({"S3KmsKeyAlias", "StudioKmsKeyAlias"} <= gone, "aliases DELETE_COMPLETE")
        _assert_clean(aws)


def _error(call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError(f"{getattr(call, '__name__', call)} succeeded, expected a ValidationError")


def test_param_validation(aws):
    """parameter validation: unknown, missing, constraints, list elements, Rules"""
    cf = aws.cf
    body = _real_body()
    cases = [
        (_params(Bogus="x"), "Parameters: [Bogus] do not exist in the template"),
        (
            _params(ProjectName="Bad_Name"),
            "Parameter 'ProjectName' failed to satisfy constraint: must be 3-50 characters",
        ),
        (_params(ProjectName="ab"), "Parameter 'ProjectName' failed to satisfy constraint: "),
        (_params(VpcCIDR="10.2.0.0/8"), "Parameter 'VpcCIDR' failed to satisfy constraint: must be an IPv4 CIDR"),
        (
            _params(AllowedDomains=".amazonaws.com,https://pypi.org"),
            "Parameter 'AllowedDomains' failed to satisfy constraint: each entry must be a domain name",
        ),
        (_params(AllowedDomains=".pypi.org,.pythonhosted.org"), "AllowedDomains must contain iam.amazonaws.com"),
        (_params(NATGatewaySubnetCIDR="10.2.1.0/24"), "FirewallSubnetCIDR and NATGatewaySubnetCIDR must differ."),
        (_params(AvailabilityZone="mars-1"), "Parameter 'AvailabilityZone' failed to satisfy constraint"),
    ]
    for params, want in cases:
        for call, kw in (
            (cf.create_stack, {"StackName": "pv"}),
            (cf.create_change_set, {"StackName": "pv", "ChangeSetName": "c1", "ChangeSetType": "CREATE"}),
        ):
            code, msg = _error(call, TemplateBody=body, Parameters=params, **kw)
            check(code == "ValidationError" and msg.startswith(want), f"{params}: {code} {msg}")
    check(
        not [s for s in cf.list_stacks()["StackSummaries"] if s["StackName"] == "pv"], "a rejected stack must not exist"
    )
    # list elements are space trimmed; a valid list passes the pattern and the rule
    tpl = """
Parameters:
  Req: {Type: String}
  Num: {Type: Number, Default: 5, MinValue: 1, MaxValue: 10}
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Name: {Type: String, Default: abc, MinLength: 2, MaxLength: 4}
  Pat: {Type: String, Default: ab, AllowedPattern: "[a-z]+"}
  Zones: {Type: CommaDelimitedList, Default: "a, b", AllowedValues: [a, b, c]}
Rules:
  ProdNeedsBigNum:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Or [!Equals [!Ref Num, "9"], !Equals [!Ref Num, "10"]]
        AssertDescription: prod needs Num 9 or 10
  ZonesKnown:
    Assertions:
      - Assert: !And [!EachMemberIn [!Ref Zones, [a, b, c]], !Not [!Contains [!Ref Zones, c]]]
        AssertDescription: zone c is reserved
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "/pv2/${Env}/${Num}"}
"""
    small = [
        ([], "Parameters: [Req] must have values"),
        (_params(Req="x", Num="x"), "Parameter 'Num' must be a number."),
        (_params(Req="x", Num="11"), "Parameter 'Num' must be a number not greater than 10"),
        (_params(Req="x", Num="0"), "Parameter 'Num' must be a number not less than 1"),
        (_params(Req="x", Env="qa"), "Parameter 'Env' must be one of AllowedValues"),
        (_params(Req="x", Name="a"), "Parameter 'Name' must contain at least 2 characters"),
        (_params(Req="x", Name="abcde"), "Parameter 'Name' must contain at most 4 characters"),
        (_params(Req="x", Pat="ab1"), "Parameter 'Pat' must match pattern [a-z]+"),
        (_params(Req="x", Zones="a, d"), "Parameter 'Zones' must be one of AllowedValues"),
        (_params(Req="x", Env="prod"), "prod needs Num 9 or 10"),
        (_params(Req="x", Zones="a,c"), "zone c is reserved"),
    ]
    for params, want in small:
        code, msg = _error(cf.create_stack, StackName="pv2", TemplateBody=tpl, Parameters=params)
        check(code == "ValidationError" and msg == want, f"{params}: {code} {msg!r} != {want!r}")
    code, msg = _error(
        cf.create_stack,
        StackName="pv2",
        Parameters=_params(Req="x"),
        TemplateBody="Resources:\n  Logs: {Type: AWS::Logs::LogGroup}\n",
    )
    check(msg == "Parameter values specified for a template which does not require them.", msg)
    sid = cf.create_stack(
        StackName="pv2", TemplateBody=tpl, Parameters=_params(Req="x", Env="prod", Num="10", Zones=" a , b ")
    )["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    code, msg = _error(
        cf.update_stack, StackName="pv2", UsePreviousTemplate=True, Parameters=_params(Req="x", Env="prod", Num="5")
    )
    check(msg == "prod needs Num 9 or 10", f"update: {msg}")
    code, msg = _error(
        cf.update_stack, StackName="pv2", UsePreviousTemplate=True, Parameters=_params(Req="x", Bogus="1")
    )
    check(msg == "Parameters: [Bogus] do not exist in the template", f"update: {msg}")
    code, msg = _error(
        cf.create_change_set,
        StackName="pv2",
        ChangeSetName="u1",
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "Req", "UsePreviousValue": True}, {"ParameterKey": "Num", "ParameterValue": "99"}],
    )
    check(msg == "Parameter 'Num' must be a number not greater than 10", f"change set: {msg}")
    cf.update_stack(
        StackName="pv2",
        UsePreviousTemplate=True,
        Parameters=[
            {"ParameterKey": "Req", "UsePreviousValue": True},
            {"ParameterKey": "Env", "UsePreviousValue": True},
            {"ParameterKey": "Num", "ParameterValue": "9"},
        ],
    )
    check(wait_status(cf, sid) in ("UPDATE_COMPLETE",), status(cf, sid))
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))


def test_rules_ref_all_key_pairs(aws):
    """Rules: Fn::RefAll AWS::EC2::KeyPair::KeyName lists the account's key pairs"""
    cf = aws.cf
    tpl = """
Parameters:
  Key: {Type: String}
Rules:
  KeyExists:
    Assertions:
      - Assert: {"Fn::Contains": [{"Fn::RefAll": "AWS::EC2::KeyPair::KeyName"}, !Ref Key]}
        AssertDescription: the key pair must exist
Resources:
  Logs: {Type: AWS::Logs::LogGroup}
"""
    code, msg = _error(cf.create_stack, StackName="refall", TemplateBody=tpl, Parameters=_params(Key="rk1"))
    check(code == "ValidationError" and msg == "the key pair must exist", f"{code} {msg!r}")
    aws.ec2.create_key_pair(KeyName="rk1")
    sid = cf.create_stack(StackName="refall", TemplateBody=tpl, Parameters=_params(Key="rk1"))["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    aws.ec2.delete_key_pair(KeyName="rk1")


def test_validate_template(aws):
    """ValidateTemplate and GetTemplateSummary: Parameters, Description, Capabilities"""
    cf = aws.cf
    body = _real_body()
    vt = cf.validate_template(TemplateBody=body)
    params = {p["ParameterKey"]: p for p in vt["Parameters"]}
    check(
        list(params)
        == [
            "ProjectName",
            "VpcCIDR",
            "FirewallSubnetCIDR",
            "NATGatewaySubnetCIDR",
            "SageMakerStudioSubnetCIDR",
            "AllowedDomains",
            "AllowedBuckets",
            "AvailabilityZone",
            "AllowedInstanceTypes",
        ],
        str(list(params)),
    )
    check(
        params["ProjectName"]["DefaultValue"] == "sagemaker-studio-vpc"
        and params["ProjectName"]["NoEcho"] is False
        and params["ProjectName"]["Description"].startswith("Prefix for resource names"),
        str(params["ProjectName"]),
    )
    check(params["AvailabilityZone"]["DefaultValue"] == "", "empty default is kept")
    check(vt["Description"].startswith("studio-tui: private VPC"), vt.get("Description"))
    check(vt["Capabilities"] == ["CAPABILITY_NAMED_IAM"] and "AWS::IAM::Role" in vt["CapabilitiesReason"], str(vt))
    small = cf.validate_template(
        TemplateBody="Parameters:\n  P: {Type: String, NoEcho: true}\nResources:\n  L: {Type: AWS::Logs::LogGroup}\n"
    )
    check(small["Parameters"] == [{"ParameterKey": "P", "NoEcho": True}] and not small.get("Capabilities"), str(small))
    gts = cf.get_template_summary(TemplateBody=body)
    gp = {p["ParameterKey"]: p for p in gts["Parameters"]}
    check(
        gp["AllowedDomains"]["ParameterType"] == "CommaDelimitedList"
        and gp["AllowedDomains"]["DefaultValue"] == "iam.amazonaws.com,.pypi.org,.pythonhosted.org",
        str(gp["AllowedDomains"]),
    )
    check(
        len(gts["ResourceTypes"]) == len(set(gts["ResourceTypes"])) and "AWS::KMS::Alias" in gts["ResourceTypes"],
        str(gts["ResourceTypes"]),
    )
    check(
        gts["Version"] == "2010-09-09"
        and "ParameterGroups" in json.loads(gts["Metadata"])["AWS::CloudFormation::Interface"],
        "version / metadata",
    )
    code, msg = _error(
        cf.validate_template,
        TemplateBody="Parameters:\n  P: {Default: x}\nResources:\n  L: {Type: AWS::Logs::LogGroup}\n",
    )
    check(code == "ValidationError" and "Type" in msg, msg)


def test_template_url(aws):
    """TemplateURL (4 URL forms) and the 51,200-byte TemplateBody limit"""
    cf, s3, host, port = aws.cf, aws.s3, aws.host, aws.port
    body = _real_body()
    big = body + "\n# padding to exceed the TemplateBody limit\n" + "#" * 60 + ("\n#" + "x" * 70) * 160 + "\n"
    check(len(big.encode()) > 51200, f"padded template is only {len(big.encode())} bytes")
    for call, kw in (
        (cf.create_stack, {"StackName": "big"}),
        (cf.validate_template, {}),
        (cf.create_change_set, {"StackName": "big", "ChangeSetName": "c", "ChangeSetType": "CREATE"}),
        (cf.get_template_summary, {}),
    ):
        code, msg = _error(call, TemplateBody=big, **kw)
        check(
            code == "ValidationError"
            and msg.startswith("1 validation error detected: Value '")
            and msg.endswith(
                "' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200"
            ),
            f"{code} {msg[:80]}...{msg[-120:]}",
        )
    s3.create_bucket(Bucket="studio-tui-staging")
    s3.put_object(Bucket="studio-tui-staging", Key="templates/studio env.yaml", Body=big.encode())
    key = "templates/studio%20env.yaml"
    urls = [
        f"https://studio-tui-staging.s3.amazonaws.com/{key}",
        f"https://s3.us-east-1.amazonaws.com/studio-tui-staging/{key}",
        f"https://studio-tui-staging.s3.us-east-1.amazonaws.com/{key}",
        f"http://{host}:{port}/studio-tui-staging/{key}",
    ]
    for url in urls:
        vt = cf.validate_template(TemplateURL=url)
        check(len(vt["Parameters"]) == 9, f"{url}: {vt['Parameters']}")
        check(len(cf.get_template_summary(TemplateURL=url)["Parameters"]) == 9, url)
    code, msg = _error(cf.validate_template, TemplateURL=f"http://{host}:{port}/studio-tui-staging/missing.yaml")
    check(code == "ValidationError" and "does not exist" in msg, msg)
    sid = cf.create_stack(
        StackName="big",
        TemplateURL=urls[0],
        Parameters=_params(ProjectName="big-proj"),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    cf.update_stack(
        StackName="big",
        TemplateURL=urls[3],
        Parameters=_params(ProjectName="big-proj", AllowedDomains=".amazonaws.com,.github.com"),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    check(wait_status(cf, sid) == "UPDATE_COMPLETE", status(cf, sid))
    r = cf.create_change_set(
        StackName="big",
        ChangeSetName="again",
        TemplateURL=urls[2],
        Parameters=_params(ProjectName="big-proj"),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    cs = cf.describe_change_set(ChangeSetName=r["Id"])
    check(cs["Status"] == "CREATE_COMPLETE" and cs["Changes"], f"{cs['Status']} {cs.get('StatusReason')}")
    code, msg = _error(
        cf.create_change_set,
        StackName="big",
        ChangeSetName="bad",
        TemplateURL=urls[1],
        Parameters=_params(ProjectName="Big_Proj"),
    )
    check(msg.startswith("Parameter 'ProjectName' failed to satisfy constraint"), msg)
    check(cf.get_template(StackName="big")["TemplateBody"] == big, "stack keeps the S3 template")
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    s3.delete_object(Bucket="studio-tui-staging", Key="templates/studio env.yaml")
    s3.delete_bucket(Bucket="studio-tui-staging")
    _assert_clean(aws)


DEL_TEMPLATE = """
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.70.0.0/16}}
  Subnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.70.1.0/24}}
  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: studio, VpcId: !Ref Vpc}}
  DataBucket: {Type: AWS::S3::Bucket, DeletionPolicy: Delete}
  LogsBucket: {Type: AWS::S3::Bucket}
  Key:
    Type: AWS::KMS::Key
    Properties: {PendingWindowInDays: 9, KeyPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}]}}
  KeptKey:
    Type: AWS::KMS::Key
    DeletionPolicy: Retain
    Properties: {KeyPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}]}}
"""


def _res(aws, stack, lid):
    cf = aws.cf
    return cf.describe_stack_resource(StackName=stack, LogicalResourceId=lid)["StackResourceDetail"]


def test_delete_failed(aws):
    """stack delete fails like AWS: DELETE_FAILED reasons, dependencies kept, retry, RetainResources"""
    cf, ec2, s3, kms = aws.cf, aws.ec2, aws.s3, aws.kms
    import datetime as dt

    sid = cf.create_stack(StackName="delfail", TemplateBody=DEL_TEMPLATE)["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    code, msg = _error(cf.delete_stack, StackName=sid, RetainResources=["DataBucket"])
    check(code == "ValidationError" and "DELETE_FAILED" in msg, f"RetainResources on a live stack: {msg}")
    ids = {
        lid: _res(aws, sid, lid)["PhysicalResourceId"]
        for lid in ("Vpc", "Subnet", "Sg", "DataBucket", "LogsBucket", "Key", "KeptKey")
    }
    s3.put_object(Bucket=ids["DataBucket"], Key="keep/me.csv", Body=b"1")
    # what SageMaker leaves: an interface using the group in the subnet, a group referencing it
    eni = ec2.create_network_interface(SubnetId=ids["Subnet"], Groups=[ids["Sg"]])["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    other = ec2.create_security_group(GroupName="outside", Description="x", VpcId=ids["Vpc"])["GroupId"]
    perm = [{"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": ids["Sg"]}]}]
    ec2.authorize_security_group_egress(GroupId=other, IpPermissions=perm)
    cf.delete_stack(StackName=sid, ClientRequestToken="tok-df-1")
    check(wait_status(cf, sid) == "DELETE_FAILED", status(cf, sid))
    st = cf.describe_stacks(StackName=sid)["Stacks"][0]
    check(
        st["StackStatusReason"] == "The following resource(s) failed to delete: [DataBucket, Sg, Subnet]. ",
        st.get("StackStatusReason"),
    )
    r = _res(aws, sid, "DataBucket")
    check(
        r["ResourceStatus"] == "DELETE_FAILED"
        and r["ResourceStatusReason"].startswith(
            'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, '
            "Status Code: 409, Request ID: "
        )
        and "HandlerErrorCode: GeneralServiceException)" in r["ResourceStatusReason"],
        r.get("ResourceStatusReason"),
    )
    r = _res(aws, sid, "Subnet")
    check(
        r["ResourceStatus"] == "DELETE_FAILED"
        and r["ResourceStatusReason"].startswith(
            f"Resource handler returned message: \"The subnet '{ids['Subnet']}' has dependencies and cannot be "
            "deleted. (Service: Ec2, Status Code: 400, Request ID: "
        )
        and r["ResourceStatusReason"].endswith("HandlerErrorCode: InvalidRequest)"),
        r.get("ResourceStatusReason"),
    )
    r = _res(aws, sid, "Sg")
    check(
        r["ResourceStatus"] == "DELETE_FAILED"
        and r["ResourceStatusReason"].startswith(
            f"resource {ids['Sg']} has a dependent object (Service: Ec2, Status Code: 400, Request ID: "
        ),
        r.get("ResourceStatusReason"),
    )
    check(
        _res(aws, sid, "Vpc")["ResourceStatus"] == "CREATE_COMPLETE",
        "the VPC (needed by the failed ones) is not attempted",
    )
    check(any(v["VpcId"] == ids["Vpc"] for v in ec2.describe_vpcs()["Vpcs"]), "VPC still there")
    check(_res(aws, sid, "LogsBucket")["ResourceStatus"] == "DELETE_COMPLETE", "independent resources are deleted")
    check(_res(aws, sid, "KeptKey")["ResourceStatus"] == "DELETE_SKIPPED", "DeletionPolicy Retain: DELETE_SKIPPED")
    md = kms.describe_key(KeyId=ids["Key"])["KeyMetadata"]
    days = (md["DeletionDate"] - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400
    check(
        md["KeyState"] == "PendingDeletion" and 8.9 < days <= 9.01 and not md["Enabled"],
        f"deleted key PendingDeletion with PendingWindowInDays 9 ({md['KeyState']}, {days:.2f} days)",
    )
    kept = kms.describe_key(KeyId=ids["KeptKey"])["KeyMetadata"]
    check(kept["KeyState"] == "Enabled" and kept["Enabled"], f"retained key {kept['KeyState']}")
    events, _ = all_events(cf, sid)
    mine = [e for e in events if e.get("ClientRequestToken") == "tok-df-1"]
    check(
        mine[0]["LogicalResourceId"] == "delfail" and mine[0]["ResourceStatus"] == "DELETE_FAILED", "stack event newest"
    )
    check(not any(e["LogicalResourceId"] == "Vpc" for e in mine), "no event for the VPC")
    code, msg = _error(cf.delete_stack, StackName=sid, RetainResources=["Vpc"])
    check(code == "ValidationError" and "valid state" in msg, f"RetainResources of a CREATE_COMPLETE resource: {msg}")
    code, msg = _error(cf.delete_stack, StackName=sid, RetainResources=["LogsBucket"])
    check(code == "ValidationError" and "DELETE_COMPLETE state" in msg, f"RetainResources of a deleted resource: {msg}")
    code, msg = _error(cf.update_stack, StackName=sid, TemplateBody=DEL_TEMPLATE)
    check(code == "ValidationError" and "DELETE_FAILED" in msg, f"update of a DELETE_FAILED stack: {msg}")
    # retry after removing the interface: the subnet goes, the group is still referenced
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_FAILED", status(cf, sid))
    st = cf.describe_stacks(StackName=sid)["Stacks"][0]
    check(
        st["StackStatusReason"] == "The following resource(s) failed to delete: [DataBucket, Sg]. ",
        st["StackStatusReason"],
    )
    check(_res(aws, sid, "Subnet")["ResourceStatus"] == "DELETE_COMPLETE", "retry deletes the subnet")
    ec2.revoke_security_group_egress(GroupId=other, IpPermissions=perm)
    ec2.delete_security_group(GroupId=other)
    cf.delete_stack(StackName=sid, RetainResources=["DataBucket"])
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    check(not any(v["VpcId"] == ids["Vpc"] for v in ec2.describe_vpcs()["Vpcs"]), "VPC deleted at last")
    check(
        s3.get_object(Bucket=ids["DataBucket"], Key="keep/me.csv")["Body"].read() == b"1",
        "RetainResources kept the bucket and its object",
    )
    s3.delete_object(Bucket=ids["DataBucket"], Key="keep/me.csv")
    s3.delete_bucket(Bucket=ids["DataBucket"])
    kms.schedule_key_deletion(KeyId=ids["KeptKey"], PendingWindowInDays=7)


def test_deletion_policy_update(aws):
    """DeletionPolicy-only update (change set and UpdateStack) takes effect for the next delete"""
    cf, s3, kms = aws.cf, aws.s3, aws.kms
    body = """
Resources:
  Bucket: {Type: AWS::S3::Bucket, DeletionPolicy: %s}
  Key:
    Type: AWS::KMS::Key
    DeletionPolicy: %s
    Properties: {PendingWindowInDays: 7, KeyPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "kms:*", Resource: "*"}]}}
  Alias:
    Type: AWS::KMS::Alias
    DeletionPolicy: %s
    Properties: {AliasName: alias/smoke-retained, TargetKeyId: !Ref Key}
"""
    sid = cf.create_stack(StackName="retainer", TemplateBody=body % ("Delete", "Delete", "Delete"))["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    bucket = _res(aws, sid, "Bucket")["PhysicalResourceId"]
    key = _res(aws, sid, "Key")["PhysicalResourceId"]
    s3.put_object(Bucket=bucket, Key="data", Body=b"x")
    cf.create_change_set(StackName=sid, ChangeSetName="retain", TemplateBody=body % ("Retain", "Retain", "Delete"))
    cs = cf.describe_change_set(StackName=sid, ChangeSetName="retain")
    check(
        cs["Status"] == "CREATE_COMPLETE" and cs["ExecutionStatus"] == "AVAILABLE",
        f"{cs['Status']} {cs.get('StatusReason')}",
    )
    rc = sorted((c["ResourceChange"] for c in cs["Changes"]), key=lambda c: c["LogicalResourceId"])
    check([c["LogicalResourceId"] for c in rc] == ["Bucket", "Key"], f"changes {rc}")
    check(
        all(
            c["Action"] == "Modify"
            and c["Replacement"] == "False"
            and c["Scope"] == ["DeletionPolicy"]
            and c["Details"][0]["Target"]["Attribute"] == "DeletionPolicy"
            for c in rc
        ),
        f"shape {rc}",
    )
    cf.execute_change_set(StackName=sid, ChangeSetName="retain")
    check(wait_status(cf, sid) == "UPDATE_COMPLETE", status(cf, sid))
    check("Retain" in cf.get_template(StackName=sid)["TemplateBody"], "template updated")
    # UpdateStack with only the alias's policy changed is accepted too
    cf.update_stack(StackName=sid, TemplateBody=body % ("Retain", "Retain", "Retain"))
    check(wait_status(cf, sid) == "UPDATE_COMPLETE", status(cf, sid))
    code, msg = _error(cf.update_stack, StackName=sid, TemplateBody=body % ("Retain", "Retain", "Retain"))
    check(code == "ValidationError" and msg == "No updates are to be performed.", msg)
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    events, _ = all_events(cf, sid)
    skipped = {e["LogicalResourceId"] for e in events if e["ResourceStatus"] == "DELETE_SKIPPED"}
    check(skipped == {"Bucket", "Key", "Alias"}, f"DELETE_SKIPPED {skipped}")
    check(s3.get_object(Bucket=bucket, Key="data")["Body"].read() == b"x", "retained bucket readable")
    md = kms.describe_key(KeyId=key)["KeyMetadata"]
    check(md["KeyState"] == "Enabled", f"retained key {md['KeyState']}")
    check(any(a["AliasName"] == "alias/smoke-retained" for a in kms.list_aliases()["Aliases"]), "alias kept")
    s3.delete_object(Bucket=bucket, Key="data")
    s3.delete_bucket(Bucket=bucket)
    kms.delete_alias(AliasName="alias/smoke-retained")
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    _assert_clean(aws)


EARLY_REASON = (
    "The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]. "
    "To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure "
    "information."
)


def test_early_validation(aws):
    """early validation: existing bucket / role names fail the change set, DescribeEvents tells which"""
    cf, s3, iam = aws.cf, aws.s3, aws.iam
    s3.create_bucket(Bucket="sagemaker-studio-vpc-data")
    iam.create_role(RoleName="sagemaker-studio-vpc-notebook-role", AssumeRolePolicyDocument="{}")
    try:
        r = cf.create_change_set(
            StackName="ev",
            ChangeSetName="deploy",
            ChangeSetType="CREATE",
            TemplateBody=_real_body(),
            Capabilities=["CAPABILITY_NAMED_IAM"],
        )
        cs = cf.describe_change_set(ChangeSetName=r["Id"])
        check(
            (cs["Status"], cs["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE"),
            f"{cs['Status']} {cs['ExecutionStatus']}",
        )
        check(cs["StatusReason"] == EARLY_REASON, cs["StatusReason"])
        check(status(cf, "ev") == "REVIEW_IN_PROGRESS", status(cf, "ev"))
        code, _ = _error(cf.execute_change_set, ChangeSetName=r["Id"])
        check(code in ("InvalidChangeSetStatus", "ValidationError"), f"execute a FAILED change set: {code}")
        evs = cf.describe_events(StackName="ev", ChangeSetName="deploy", Filters={"FailedEvents": True})[
            "OperationEvents"
        ]
        got = {
            (e["LogicalResourceId"], e["ResourceType"], e["ValidationPath"], e["ValidationStatusReason"]) for e in evs
        }
        want = {
            (
                "DataBucket",
                "AWS::S3::Bucket",
                "/Resources/DataBucket",
                "Resource of type 'AWS::S3::Bucket' with identifier 'sagemaker-studio-vpc-data' already exists.",
            ),
            (
                "ExecutionRole",
                "AWS::IAM::Role",
                "/Resources/ExecutionRole",
                "Resource of type 'AWS::IAM::Role' with identifier 'sagemaker-studio-vpc-notebook-role' already exists.",
            ),
        }
        check(got == want, f"validation events {got}")
        for e in evs:
            check(
                e["EventType"] == "VALIDATION_ERROR"
                and e["ValidationName"] == "NAME_CONFLICT_VALIDATION"
                and e["ValidationFailureMode"] == "FAIL"
                and e["ValidationStatus"] == "FAILED"
                and e["OperationType"] == "CREATE_CHANGESET"
                and e["OperationStatus"] == "FAILED"
                and e["StackId"] == r["StackId"]
                and e["EventId"]
                and e["Timestamp"]
                and e["StartTime"]
                and e["EndTime"],
                f"event fields {e}",
            )
        op = evs[0]["OperationId"]
        check(len({e["OperationId"] for e in evs}) == 1, "one operation")
        by_arn = cf.describe_events(ChangeSetName=r["Id"], Filters={"FailedEvents": True})["OperationEvents"]
        check({e["EventId"] for e in by_arn} == {e["EventId"] for e in evs}, "ChangeSetName as ARN")
        by_op = cf.describe_events(OperationId=op)["OperationEvents"]
        check(
            {e["EventType"] for e in by_op} == {"VALIDATION_ERROR", "STACK_EVENT"}
            and any(e.get("ResourceStatus") == "REVIEW_IN_PROGRESS" for e in by_op),
            "OperationId: + REVIEW_IN_PROGRESS",
        )
        check(
            cf.describe_stacks(StackName="ev")["Stacks"][0]["LastOperations"]
            == [{"OperationType": "CREATE_CHANGESET", "OperationId": op}],
            "LastOperations",
        )
        code, msg = _error(cf.describe_events, StackName="ev", ChangeSetName="nope")
        check(code == "ChangeSetNotFound", f"{code} {msg}")
        code, msg = _error(cf.describe_events)
        check(code == "ValidationError" and "must be specified" in msg, f"{code} {msg}")
        r2 = cf.create_change_set(
            StackName="ev",
            ChangeSetName="novalidation",
            ChangeSetType="CREATE",
            TemplateBody=_real_body(),
            Capabilities=["CAPABILITY_NAMED_IAM"],
            DisableValidation=True,
        )
        check(cf.describe_change_set(ChangeSetName=r2["Id"])["Status"] == "CREATE_COMPLETE", "DisableValidation")
        # another project name: no conflict
        r3 = cf.create_change_set(
            StackName="ev",
            ChangeSetName="other",
            ChangeSetType="CREATE",
            TemplateBody=_real_body(),
            Capabilities=["CAPABILITY_NAMED_IAM"],
            Parameters=_params(ProjectName="ev-other"),
        )
        check(cf.describe_change_set(ChangeSetName=r3["Id"])["Status"] == "CREATE_COMPLETE", "no conflict")
        check(
            not cf.describe_events(ChangeSetName=r3["Id"], Filters={"FailedEvents": True})["OperationEvents"],
            "no validation events for a clean change set",
        )
        cf.delete_stack(StackName="ev")
    finally:
        s3.delete_bucket(Bucket="sagemaker-studio-vpc-data")
        iam.delete_role(RoleName="sagemaker-studio-vpc-notebook-role")
    _assert_clean(aws)


def test_early_validation_update(aws):
    """early validation: KMS alias and log group; an update never conflicts with its own resources"""
    cf = aws.cf
    tpl = """
Parameters:
  P: {Type: String, Default: evu}
Resources:
  Key: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Version: "2012-10-17", Statement: []}}}
  Alias: {Type: AWS::KMS::Alias, Properties: {AliasName: !Sub "alias/${P}-key", TargetKeyId: !Ref Key}}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Join ["/", ["", !Ref P, alert]]}}
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${P}-${AWS::AccountId}"}}
"""
    sid = cf.create_stack(StackName="evu", TemplateBody=tpl)["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    # same template again, with a tag change: the stack's own named resources are not conflicts
    r = cf.create_change_set(
        StackName="evu",
        ChangeSetName="retag",
        TemplateBody=tpl.replace(
            'BucketName: !Sub "${P}-${AWS::AccountId}"}',
            'BucketName: !Sub "${P}-${AWS::AccountId}", Tags: [{Key: a, Value: b}]}',
        ),
    )
    cs = cf.describe_change_set(ChangeSetName=r["Id"])
    check(cs["Status"] == "CREATE_COMPLETE", f"own resources: {cs['Status']} {cs.get('StatusReason')}")
    cf.delete_change_set(ChangeSetName=r["Id"])
    # a second copy of each named resource under new logical ids: they conflict with the first
    twin = (
        tpl
        + """
  Alias2: {Type: AWS::KMS::Alias, Properties: {AliasName: !Sub "alias/${P}-key", TargetKeyId: !Ref Key}}
  Logs2: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Join ["/", ["", !Ref P, alert]]}}
  Bucket2: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${P}-${AWS::AccountId}"}}
"""
    )
    r = cf.create_change_set(StackName="evu", ChangeSetName="twin", TemplateBody=twin)
    cs = cf.describe_change_set(ChangeSetName=r["Id"])
    check(cs["Status"] == "FAILED" and cs["StatusReason"] == EARLY_REASON, cs.get("StatusReason"))
    evs = cf.describe_events(StackName="evu", ChangeSetName="twin", Filters={"FailedEvents": True})["OperationEvents"]
    check(
        sorted((e["LogicalResourceId"], e["ValidationPath"]) for e in evs)
        == [("Alias2", "/Resources/Alias2"), ("Bucket2", "/Resources/Bucket2"), ("Logs2", "/Resources/Logs2")],
        f"conflicts {[(e['LogicalResourceId'], e['ValidationStatusReason']) for e in evs]}",
    )
    check(cf.describe_stacks(StackName="evu")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE", "stack untouched")
    cf.delete_stack(StackName="evu")
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    _assert_clean(aws)


def _all_operation_events(aws, **kw):
    cf = aws.cf
    events, token, pages = [], None, 0
    while True:
        resp = cf.describe_events(**kw, **({"NextToken": token} if token else {}))
        pages += 1
        check(len(resp["OperationEvents"]) <= 100, "DescribeEvents page larger than 100")
        events += resp["OperationEvents"]
        token = resp.get("NextToken")
        if not token:
            return events, pages


def test_describe_events_ops(aws):
    """DescribeEvents: stack operations, OperationId on stack events, failures, paging"""
    cf = aws.cf
    many = "Resources:\n" + "".join(
        f"  G{i}: {{Type: AWS::Logs::LogGroup, Properties: {{LogGroupName: /ops/g{i}}}}}\n" for i in range(60)
    )
    sid = cf.create_stack(StackName="ops", TemplateBody=many, ClientRequestToken="tok-ops")["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", status(cf, sid))
    events, pages = _all_operation_events(aws, StackName="ops")
    check(pages == 2 and len(events) == 2 + 3 * 60, f"{len(events)} events in {pages} pages")
    check({(e["OperationType"], e["OperationStatus"]) for e in events} == {("CREATE_STACK", "SUCCEEDED")}, "one op")
    check(
        events[0]["EventType"] == "STACK_EVENT" and events[0]["ResourceStatus"] == "CREATE_COMPLETE",
        f"newest first: {events[0]}",
    )
    check({e["EventType"] for e in events[1:-1]} == {"PROGRESS_EVENT"}, "resource events are PROGRESS_EVENT")
    check(all(e.get("ClientRequestToken") == "tok-ops" for e in events), "ClientRequestToken")
    stack_events, _ = all_events(cf, sid)
    check(
        {e.get("OperationId") for e in stack_events} == {events[0]["OperationId"]},
        "DescribeStackEvents carries OperationId",
    )
    code, msg = _error(cf.describe_events, StackName="ops", NextToken="zzz")
    check(code == "ValidationError", f"bad token {code} {msg}")
    cf.delete_stack(StackName="ops")
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    ops = {e["OperationType"]: e["OperationStatus"] for e in _all_operation_events(aws, StackName=sid)[0]}
    check(ops == {"CREATE_STACK": "SUCCEEDED", "DELETE_STACK": "SUCCEEDED"}, f"ops {ops}")
    # a failed create: PROVISIONING_ERROR events, a ROLLBACK operation, FailedEvents
    SETTINGS.fail_resources["G1"] = "boom"
    try:
        sid = cf.create_stack(StackName="ops2", TemplateBody=many.replace("/ops/", "/ops2/"))["StackId"]
        check(wait_status(cf, sid) == "ROLLBACK_COMPLETE", status(cf, sid))
    finally:
        SETTINGS.fail_resources.clear()
    failed = cf.describe_events(StackName="ops2", Filters={"FailedEvents": True})["OperationEvents"]
    check(failed and all(e["ResourceStatus"].endswith("_FAILED") for e in failed), "FailedEvents")
    check(
        any(
            e["LogicalResourceId"] == "G1"
            and e["EventType"] == "PROVISIONING_ERROR"
            and e["ResourceStatusReason"] == "boom"
            and e["OperationType"] == "CREATE_STACK"
            and e["OperationStatus"] == "FAILED"
            for e in failed
        ),
        f"G1 failure {failed[:3]}",
    )
    ops = {e["OperationType"]: e["OperationStatus"] for e in _all_operation_events(aws, StackName="ops2")[0]}
    check(ops == {"CREATE_STACK": "FAILED", "ROLLBACK": "SUCCEEDED"}, f"ops {ops}")
    rb = [e for e in _all_operation_events(aws, StackName="ops2")[0] if e["OperationType"] == "ROLLBACK"]
    only, _ = _all_operation_events(aws, OperationId=rb[0]["OperationId"])
    check({e["EventId"] for e in only} == {e["EventId"] for e in rb}, "OperationId filter")
    check(
        cf.describe_stacks(StackName="ops2")["Stacks"][0]["LastOperations"][0]["OperationType"] == "ROLLBACK",
        "LastOperations after rollback",
    )
    cf.delete_stack(StackName="ops2")
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
    _assert_clean(aws)


def test_reset(aws):
    """/moto-api/reset drops stacks, their events and running operations"""
    cf, ec2, s3, nfw, host, port = aws.cf, aws.ec2, aws.s3, aws.nfw, aws.host, aws.port
    import urllib.request

    from moto.cloudformation.models import cloudformation_backends

    SETTINGS.pace = 0.02
    try:
        sid = cf.create_stack(StackName="reset-me", TemplateBody=TEMPLATE, Capabilities=["CAPABILITY_NAMED_IAM"])[
            "StackId"
        ]
        time.sleep(1.0)
        check(status(cf, sid) == "CREATE_IN_PROGRESS", status(cf, sid))
        stack = cloudformation_backends["123456789012"]["us-east-1"].stacks[sid]
        thread = stack._studio.thread
        check(len(all_events(cf, sid)[0]) > 2, "events before reset")
        urllib.request.urlopen(urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")).read()
        thread.join(5)
        check(not thread.is_alive(), "operation still running after reset")
        code, msg = _error(cf.describe_stack_events, StackName=sid)
        check(code == "ValidationError" and "does not exist" in msg, msg)
        check(not cf.list_stacks()["StackSummaries"], "stacks after reset")
        vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
        time.sleep(1.0)
        check({v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} == vpcs and len(vpcs) == 1, "VPCs appeared after reset")
        check(not s3.list_buckets()["Buckets"] and not nfw.list_firewalls()["Firewalls"], "resources after reset")
        sid2 = cf.create_stack(StackName="reset-me", TemplateBody=TEMPLATE, Capabilities=["CAPABILITY_NAMED_IAM"])[
            "StackId"
        ]
        check(wait_status(cf, sid2, 60) == "CREATE_COMPLETE", status(cf, sid2))
        cf.delete_stack(StackName=sid2)
        check(wait_status(cf, sid2, 60) == "DELETE_COMPLETE", status(cf, sid2))
    finally:
        SETTINGS.pace = 0
        cfn.wait_idle(60)


PREVIOUS_TEMPLATE = os.path.join(HERE, "..", "..", "..", "tests", "fixtures", "studio-environment-action-order.yaml")

NFW_TEMPLATE = r"""
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Order: {Type: String, Default: DEFAULT_ACTION_ORDER}
  Suffix: {Type: String, Default: a}
Conditions:
  Strict: !Equals [!Ref Order, STRICT_ORDER]
Resources:
  Group:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      RuleGroupName: !Sub nfw-order-group-${Suffix}
      Type: STATEFUL
      Capacity: 10
      RuleGroup:
        StatefulRuleOptions: {RuleOrder: !Ref Order}
        RulesSource:
          RulesSourceList: {GeneratedRulesType: ALLOWLIST, TargetTypes: [TLS_SNI], Targets: [.pypi.org]}
  Policy:
    Type: AWS::NetworkFirewall::FirewallPolicy
    Properties:
      FirewallPolicyName: !Sub nfw-order-policy-${Suffix}
      FirewallPolicy:
        StatelessDefaultActions: [aws:forward_to_sfe]
        StatelessFragmentDefaultActions: [aws:forward_to_sfe]
        StatefulEngineOptions: {RuleOrder: !Ref Order}
        StatefulDefaultActions: !If [Strict, [aws:drop_established_app_layer_to_server], !Ref AWS::NoValue]
        StatefulRuleGroupReferences:
          - ResourceArn: !Ref Group
            Priority: !If [Strict, 100, !Ref AWS::NoValue]
"""


def _failed_reasons(cf, stack):
    events, _ = all_events(cf, stack)
    return [
        (e["LogicalResourceId"], e.get("ResourceStatusReason") or "") for e in events if "FAILED" in e["ResourceStatus"]
    ]


def test_nfw_rule_order_is_fixed_at_creation(aws):
    """Issue 23: Network Firewall refuses an in-place change of the rule order at execution
    ("parameter is invalid, parameter: [STRICT_ORDER]", landing-zone-accelerator-on-aws#23)
    although the change set says Modify without replacement; new names replace instead."""
    cf, nfw = aws.cf, aws.nfw
    sid = cf.create_stack(StackName="nfw-order", TemplateBody=NFW_TEMPLATE)["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", str(_failed_reasons(cf, sid)))
    cs = cf.create_change_set(
        StackName=sid, ChangeSetName="strict", TemplateBody=NFW_TEMPLATE, Parameters=_params(Order="STRICT_ORDER")
    )
    desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    while desc["Status"].endswith("IN_PROGRESS") or desc["Status"] == "CREATE_PENDING":
        time.sleep(0.1)
        desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    plans = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"].get("Replacement") for c in desc["Changes"]}
    check(plans.get("Group") == "False" and plans.get("Policy") == "False", f"planned in place: {plans}")
    cf.execute_change_set(ChangeSetName=cs["Id"])
    check(wait_status(cf, sid) == "UPDATE_ROLLBACK_COMPLETE", status(cf, sid))
    reasons = _failed_reasons(cf, sid)
    check(
        any("parameter is invalid, parameter: [STRICT_ORDER]" in r for _, r in reasons),
        f"in-place rule order change refused: {reasons}",
    )
    pol = nfw.describe_firewall_policy(FirewallPolicyName="nfw-order-policy-a")["FirewallPolicy"]
    check(
        pol.get("StatefulEngineOptions", {}).get("RuleOrder", "DEFAULT_ACTION_ORDER") == "DEFAULT_ACTION_ORDER",
        str(pol),
    )
    # New names: real replacements, and the old ones are gone after the cleanup.
    cf.update_stack(StackName=sid, TemplateBody=NFW_TEMPLATE, Parameters=_params(Order="STRICT_ORDER", Suffix="b"))
    check(wait_status(cf, sid) == "UPDATE_COMPLETE", str(_failed_reasons(cf, sid)))
    pol = nfw.describe_firewall_policy(FirewallPolicyName="nfw-order-policy-b")["FirewallPolicy"]
    check(pol["StatefulEngineOptions"]["RuleOrder"] == "STRICT_ORDER", str(pol))
    names = {p["Name"] for p in nfw.list_firewall_policies()["FirewallPolicies"]}
    check("nfw-order-policy-a" not in names, f"old policy deleted: {names}")
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))


def test_nfw_policy_settings_are_checked(aws):
    """API_FirewallPolicy: StatefulDefaultActions only with strict order; Priority only with
    strict order; established and application-layer defaults do not mix; a policy's rule groups
    have its rule order."""
    cf = aws.cf
    bad = {
        "defaults in action order": NFW_TEMPLATE.replace(
            "!If [Strict, [aws:drop_established_app_layer_to_server], !Ref AWS::NoValue]", "[aws:drop_strict]"
        ),
        "priority in action order": NFW_TEMPLATE.replace("!If [Strict, 100, !Ref AWS::NoValue]", "1"),
        "mixed families": NFW_TEMPLATE.replace(
            "!If [Strict, [aws:drop_established_app_layer_to_server], !Ref AWS::NoValue]",
            "[aws:drop_established, aws:alert_established_app_layer]",
        ).replace("Default: DEFAULT_ACTION_ORDER", "Default: STRICT_ORDER"),
        "group order differs": NFW_TEMPLATE.replace(
            "StatefulRuleOptions: {RuleOrder: !Ref Order}", "StatefulRuleOptions: {RuleOrder: DEFAULT_ACTION_ORDER}"
        ).replace("Default: DEFAULT_ACTION_ORDER", "Default: STRICT_ORDER"),
    }
    expect = {
        "defaults in action order": "only valid with the strict rule order",
        "priority in action order": "Priority cannot be provided",
        "mixed families": "cannot exist together",
        "group order differs": "parameter is invalid, parameter: [DEFAULT_ACTION_ORDER]",
    }
    for i, (what, body) in enumerate(bad.items()):
        sid = cf.create_stack(
            StackName=f"nfw-bad-{i}", TemplateBody=body, Parameters=_params(Suffix=f"bad{i}"), DisableRollback=False
        )["StackId"]
        check(wait_status(cf, sid) == "ROLLBACK_COMPLETE", f"{what}: {status(cf, sid)}")
        reasons = _failed_reasons(cf, sid)
        check(any(expect[what] in r for _, r in reasons), f"{what}: {reasons}")
        cf.delete_stack(StackName=sid)
        check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))


def test_real_template_migrates_from_action_order(aws):
    """Issue 23: a stack of the template before strict order updates to the current one: the
    rule group and policy are replaced (new names), the firewall switches to the new policy in
    place, the old objects are deleted, and the new policy drops by default."""
    cf, nfw = aws.cf, aws.nfw
    old = open(PREVIOUS_TEMPLATE, encoding="utf-8").read()
    sid = cf.create_stack(
        StackName="migrate-env",
        TemplateBody=old,
        Parameters=_params(ProjectName="migrate-proj", AllowedDomains=".amazonaws.com,.pypi.org"),
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", str(_failed_reasons(cf, sid)))
    fw_before = nfw.describe_firewall(FirewallName="migrate-proj-firewall")["Firewall"]
    cs = cf.create_change_set(
        StackName=sid,
        ChangeSetName="strict",
        TemplateBody=_real_body(),
        Parameters=[
            {"ParameterKey": "ProjectName", "UsePreviousValue": True},
            {"ParameterKey": "AllowedDomains", "UsePreviousValue": True},
        ],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    while desc["Status"].endswith("IN_PROGRESS") or desc["Status"] == "CREATE_PENDING":
        time.sleep(0.1)
        desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    plans = {
        c["ResourceChange"]["LogicalResourceId"]: (
            c["ResourceChange"]["Action"],
            c["ResourceChange"].get("Replacement"),
        )
        for c in desc["Changes"]
    }
    check(plans.get("DomainAllowListRuleGroup") == ("Modify", "True"), str(plans))
    check(plans.get("FirewallPolicy") == ("Modify", "True"), str(plans))
    check(plans.get("EgressClosingRuleGroup") == ("Add", None), str(plans))
    check(plans.get("Firewall") == ("Modify", "False"), str(plans))
    cf.execute_change_set(ChangeSetName=cs["Id"])
    check(wait_status(cf, sid) == "UPDATE_COMPLETE", str(_failed_reasons(cf, sid)))
    fw = nfw.describe_firewall(FirewallName="migrate-proj-firewall")["Firewall"]
    check(fw["FirewallArn"] == fw_before["FirewallArn"], "the firewall stays")
    check(fw["FirewallPolicyArn"].endswith("/migrate-proj-egress-policy"), fw["FirewallPolicyArn"])
    pol = nfw.describe_firewall_policy(FirewallPolicyArn=fw["FirewallPolicyArn"])["FirewallPolicy"]
    check(pol["StatefulEngineOptions"]["RuleOrder"] == "STRICT_ORDER", str(pol))
    check(
        pol["StatefulDefaultActions"]
        == ["aws:drop_established_app_layer_to_server", "aws:alert_established_app_layer_to_server"],
        str(pol),
    )
    check([r["Priority"] for r in pol["StatefulRuleGroupReferences"]] == [100, 200], str(pol))
    names = {p["Name"] for p in nfw.list_firewall_policies()["FirewallPolicies"]}
    groups = {g["Name"] for g in nfw.list_rule_groups()["RuleGroups"]}
    check("migrate-proj-firewall-policy" not in names, f"old policy deleted: {names}")
    check("migrate-proj-domain-allow-list" not in groups, f"old rule group deleted: {groups}")
    targets = nfw.describe_rule_group(RuleGroupName="migrate-proj-egress-allow-list", Type="STATEFUL")["RuleGroup"][
        "RulesSource"
    ]["RulesSourceList"]["Targets"]
    check(targets == [".amazonaws.com", ".pypi.org"], f"the stack keeps its list: {targets}")
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", str(_failed_reasons(cf, sid)))


def test_defaults_given_explicitly_change_nothing(aws):
    """A change set compares resolved parameter values: a stack created with the template's
    defaults, updated with the same values passed explicitly, replaces nothing."""
    cf = aws.cf
    sid = cf.create_stack(StackName="nfw-defaults", TemplateBody=NFW_TEMPLATE)["StackId"]
    check(wait_status(cf, sid) == "CREATE_COMPLETE", str(_failed_reasons(cf, sid)))
    cs = cf.create_change_set(
        StackName=sid,
        ChangeSetName="same",
        TemplateBody=NFW_TEMPLATE,
        Parameters=_params(Order="DEFAULT_ACTION_ORDER", Suffix="a"),
    )
    desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    while desc["Status"].endswith("IN_PROGRESS") or desc["Status"] == "CREATE_PENDING":
        time.sleep(0.1)
        desc = cf.describe_change_set(ChangeSetName=cs["Id"])
    check(desc["Changes"] == [], f"nothing changes: {desc['Changes']}")
    cf.delete_change_set(ChangeSetName=cs["Id"])
    cf.delete_stack(StackName=sid)
    check(wait_status(cf, sid) == "DELETE_COMPLETE", status(cf, sid))
