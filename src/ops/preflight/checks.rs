//! The checks preflight runs, one function each: what they ask AWS and which findings they
//! turn the answers into.

use super::*;
use crate::core::status::{ResourceStatus, StackStatus};
use crate::ops::studio::{ProjectDomains, StackPlace, project_domains};

pub(super) fn relation(kind: cidr::ConflictKind) -> &'static str {
    match kind {
        cidr::ConflictKind::Exact => "is the same block as",
        cidr::ConflictKind::PlannedContainsExisting => "contains",
        cidr::ConflictKind::PlannedInsideExisting => "lies inside",
    }
}

pub(super) fn describe(b: &ExistingBlock) -> String {
    format!("{}, {}", b.cidr, b.source)
}

pub(super) async fn check_identity(session: &Session) -> Outcome {
    match session.identity().await {
        Ok(id) => Outcome {
            findings: vec![finding(
                Severity::Info,
                FindingCode::Identity,
                format!("account {} as {}", id.account, id.arn),
                "nothing to do",
            )],
            identity: Some(id),
            ..Outcome::default()
        },
        Err(e) => Outcome::findings(vec![finding(
            Severity::Error,
            FindingCode::CredentialsFailed,
            format!("{}: {}", e.headline(), e.message.trim_end_matches('.')),
            e.fix
                .clone()
                .unwrap_or_else(|| "check the profile and credentials".into()),
        )]),
    }
}

pub(super) async fn check_region(session: &Session) -> Outcome {
    // The built-in list is a typo check, not a gate: a region it does not know is a warning.
    match crate::regions::unlisted_warning(&session.region) {
        Some(w) => Outcome::findings(vec![finding(
            Severity::Warning,
            FindingCode::RegionNotListed,
            w,
            "if the region is right, check that it offers AWS Network Firewall and SageMaker \
             Studio (the AWS Regional Services list); otherwise pass the intended --region",
        )]),
        // The cheap call that proves SageMaker answers here is the domain listing (Domain check).
        None => Outcome::default(),
    }
}

pub(super) async fn check_stack(session: &Session, project: &str, name_ok: bool) -> Outcome {
    if !name_ok {
        return Outcome::default();
    }
    match session.describe_stack(project).await {
        Ok(None) => Outcome::default(),
        Ok(Some(stack)) => {
            let f = stack_finding(&stack);
            Outcome {
                findings: vec![f],
                stack: Some(stack),
                ..Outcome::default()
            }
        }
        Err(e) => Outcome::findings(vec![check_failed("the existing stack", &e)]),
    }
}

/// What an existing stack of this project means for a deploy.
pub fn stack_finding(stack: &StackInfo) -> Finding {
    let name = &stack.stack_name;
    let status = &stack.status;
    let reason = stack
        .status_reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    if stack.is_in_progress() {
        finding(
            Severity::Error,
            FindingCode::StackInProgress,
            format!("stack {name} is {status}: an operation is running"),
            "wait for it to finish (`studio-tui status`), then run preflight again",
        )
    } else if *status == StackStatus::RollbackComplete {
        finding(
            Severity::Error,
            FindingCode::StackRollbackComplete,
            format!(
                "stack {name} is ROLLBACK_COMPLETE{reason}: its first create failed and it can only be deleted"
            ),
            format!(
                "`studio-tui deploy --recreate` deletes {name} and creates it again \
                 (`studio-tui destroy` only deletes it, with a Studio domain started next to it \
                 and what SageMaker left in its VPC)"
            ),
        )
    } else if status.is_failed() {
        finding(
            Severity::Error,
            FindingCode::StackFailed,
            format!("stack {name} is {status}{reason}"),
            "look at its events (`studio-tui events`) and fix the cause; then `studio-tui deploy \
             --continue-rollback` (a failed update) or `studio-tui destroy` (a failed first create: \
             it also removes a Studio domain started next to it and what SageMaker left in its VPC)",
        )
    } else if stack.is_complete() {
        finding(
            Severity::Info,
            FindingCode::StackExists,
            format!("stack {name} exists ({status}): a deploy updates it"),
            "nothing to do",
        )
    } else {
        finding(
            Severity::Warning,
            FindingCode::StackExists,
            format!("stack {name} exists in state {status}"),
            "check it in the CloudFormation console before deploying",
        )
    }
}

pub(super) async fn check_network(session: &Session) -> Outcome {
    match session.existing_network().await {
        Ok(net) => Outcome {
            blocks: net.blocks,
            findings: net
                .unreadable_transit_gateways
                .iter()
                .map(|t| {
                    finding(
                        Severity::Warning,
                        FindingCode::TgwSharedNotChecked,
                        format!(
                            "ranges behind {} not checked: the transit gateway belongs to account \
                             {} (shared with this account; {} is attached) and only its owner can \
                             read its route tables",
                            t.tgw_id, t.owner_account, t.vpc_id
                        ),
                        format!(
                            "ask the owner of account {} for the CIDRs routed through {} (or run \
                             `studio-tui preflight` with that account's credentials) and make sure \
                             the planned VPC overlaps none of them",
                            t.owner_account, t.tgw_id
                        ),
                    )
                })
                .collect(),
            ..Outcome::default()
        },
        Err(e) => Outcome::findings(vec![check_failed("the networks in the region", &e)]),
    }
}

pub(super) async fn check_all_regions(session: &Session) -> Outcome {
    let regions = match session.enabled_regions().await {
        Ok(r) => r,
        Err(e) => return Outcome::findings(vec![check_failed("the enabled regions", &e)]),
    };
    let others: Vec<Session> = regions
        .iter()
        .filter(|r| **r != session.region)
        .map(|r| session.for_region(r))
        .collect();
    let reads: Vec<_> = others
        .iter()
        .map(|s| async move { (s.region.clone(), s.existing_blocks().await) })
        .collect();
    let mut stream = futures::stream::iter(reads).buffer_unordered(MAX_PARALLEL);
    let mut out = Outcome::default();
    while let Some((region, result)) = stream.next().await {
        match result {
            Ok(blocks) => out.blocks.extend(blocks),
            Err(e) => out.findings.push(finding(
                Severity::Warning,
                FindingCode::RegionNotChecked,
                format!(
                    "the networks in {region} could not be read: {}",
                    e.message.trim_end_matches('.')
                ),
                "make sure the identity may call ec2:Describe* there, or ignore if that region is unused",
            )),
        }
    }
    // Keep the map readable and the order stable.
    out.blocks
        .sort_by(|a, b| (&a.region, a.cidr).cmp(&(&b.region, b.cidr)));
    out
}

pub(super) async fn check_buckets(
    session: &Session,
    project: &str,
    stack: Option<&StackInfo>,
) -> Outcome {
    Outcome::findings(check_bucket_names(session, project, stack).await)
}

/// The two bucket names, tied to the stack. A name that is the physical id of one of the stack's
/// own `AWS::S3::Bucket` resources (ListStackResources) is fine whatever HeadBucket says: on a
/// real account the project's buckets answer 403 to callers outside the VPC, because their
/// policy denies `s3:ListBucket` (HeadBucket's permission) to anything but the S3 endpoint. Any
/// other bucket of that name (200: in this account, 403: another account's or unreadable, 301:
/// another region) makes the stack's creation fail: an error with the fix.
pub async fn check_bucket_names(
    session: &Session,
    project: &str,
    stack: Option<&StackInfo>,
) -> Vec<Finding> {
    let names = [format!("{project}-data"), format!("{project}-models")];
    let mut out = Vec::new();
    let own: Vec<String> = match stack {
        None => Vec::new(),
        Some(s) => match session.stack_resources(&s.stack_id).await {
            Ok(resources) => resources
                .into_iter()
                .filter(|r| {
                    r.resource_type == "AWS::S3::Bucket"
                        && r.status != ResourceStatus::DeleteComplete
                })
                .filter_map(|r| r.physical_id)
                .collect(),
            Err(e) => {
                return vec![check_failed(
                    &format!("which buckets belong to the stack {}", s.stack_name),
                    &e,
                )];
            }
        },
    };
    let stack_name = stack.map(|s| s.stack_name.as_str()).unwrap_or(project);
    let others: Vec<&String> = names.iter().filter(|b| !own.contains(b)).collect();
    for bucket in names.iter().filter(|b| own.contains(b)) {
        out.push(finding(
            Severity::Info,
            FindingCode::BucketExists,
            format!("the bucket {bucket} is the stack {stack_name}'s own"),
            "nothing to do",
        ));
    }
    let results = futures::future::join_all(others.iter().map(|b| session.bucket_status(b))).await;
    let not_ours = if stack.is_some() {
        format!("is not one of the stack {stack_name}'s resources")
    } else {
        "exists before the stack does".to_string()
    };
    let fix = "choose another project name (--project-name), or delete or rename that bucket if it \
               is a left-over of yours (empty it first)";
    for (bucket, result) in others.iter().zip(results) {
        match result {
            Ok(BucketStatus::Free) => {}
            Ok(BucketStatus::Forbidden) => out.push(finding(
                Severity::Error,
                FindingCode::BucketTaken,
                format!(
                    "the bucket name {bucket} is taken and {not_ours} (HeadBucket 403: another \
                     account's bucket, or one of yours whose policy denies you); creating the \
                     stack would fail on it (bucket names are global)"
                ),
                fix,
            )),
            Ok(BucketStatus::OtherRegion { region }) => {
                let there = region.as_deref().unwrap_or("another region");
                out.push(finding(
                    Severity::Error,
                    FindingCode::BucketOtherRegion,
                    format!(
                        "the bucket name {bucket} is taken in {there} and {not_ours}; creating \
                         the stack would fail on it (bucket names are global). It may be \
                         someone else's, or this project's own bucket from a deploy in {there}: \
                         from here both look the same",
                    ),
                    fix,
                ))
            }
            Ok(BucketStatus::Yours { .. }) => out.push(finding(
                Severity::Error,
                FindingCode::BucketExists,
                format!(
                    "the bucket {bucket} already exists in your account and {not_ours} (an \
                     earlier deploy?); creating the stack would fail on it"
                ),
                fix,
            )),
            Err(e) => out.push(check_failed(&format!("the bucket name {bucket}"), &e)),
        }
    }
    out
}

pub(super) async fn check_names(
    session: &Session,
    project: &str,
    stack: Option<&StackInfo>,
) -> Outcome {
    let mut out = Outcome::default();
    match session.list_exports().await {
        Ok(exports) => {
            let prefix = format!("{project}-");
            let ours = stack.map(|s| s.stack_id.as_str());
            let clashes: Vec<_> = exports
                .iter()
                .filter(|x| {
                    x.name.starts_with(&prefix) && Some(x.exporting_stack_id.as_str()) != ours
                })
                .collect();
            if let Some(first) = clashes.first() {
                out.findings.push(finding(
                    Severity::Error,
                    FindingCode::ExportNameTaken,
                    format!(
                        "{} export name(s) starting with {prefix} belong to another stack, e.g. {} from {}",
                        clashes.len(),
                        first.name,
                        first.exporting_stack_id
                    ),
                    "choose another project name (export names are unique per account and region)",
                ));
            }
        }
        Err(e) => out
            .findings
            .push(check_failed("the CloudFormation export names", &e)),
    }
    out
}

/// The project's Studio domain, decided where destroy and `up` decide it
/// ([`crate::ops::studio::ProjectDomains`]): the one in the stack's VPC. A domain of the
/// project's name elsewhere is someone else's (AWS has no uniqueness rule for domain names):
/// reported, never blocking, never touched.
pub(super) async fn check_domain(
    session: &Session,
    project: &str,
    stack: Option<&StackInfo>,
) -> Outcome {
    let place = match stack {
        Some(s) => match session.stack_resources(&s.stack_id).await {
            Ok(resources) => StackPlace::of_stack(&resources, &s.outputs),
            Err(e) => return Outcome::findings(vec![check_failed("the stack's VPC", &e)]),
        },
        None => None,
    };
    match project_domains(session, project, place.as_ref()).await {
        Ok(found) => Outcome::findings(domain_findings(&found)),
        Err(e) => Outcome::findings(vec![match e.aws() {
            Some(a) => check_failed("the SageMaker domains", a),
            None => finding(
                Severity::Error,
                FindingCode::CheckFailed,
                format!("could not check the SageMaker domains: {}", e.message()),
                e.fix().unwrap_or("run preflight again").to_string(),
            ),
        }]),
    }
}

/// What preflight says about the domains of the project's name: the project's own (info),
/// others elsewhere (warning: someone else's, left alone), and more in the stack's VPC
/// (warning: destroy refuses until one is removed). None of them blocks a deploy.
pub(super) fn domain_findings(found: &ProjectDomains) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(d) = &found.ours {
        out.push(finding(
            Severity::Info,
            FindingCode::DomainExists,
            format!(
                "SageMaker domain {} ({}) of this project's stack is {}",
                d.name, d.id, d.status
            ),
            "nothing to do",
        ));
    }
    for d in &found.others {
        out.push(finding(
            Severity::Warning,
            FindingCode::StudioDomainElsewhere,
            format!(
                "a SageMaker domain named {} ({}, {}) exists in {}, outside this project's \
                 stack: it is not this project's, and studio-tui never adopts, changes or \
                 deletes it",
                d.name,
                d.id,
                d.status,
                d.vpc_id.as_deref().unwrap_or("an unknown VPC")
            ),
            "nothing to do: the project's own domain is created in the stack's VPC (AWS allows \
             two domains of one name); choose another project name if the two would confuse \
             your team",
        ));
    }
    for d in &found.twins {
        out.push(finding(
            Severity::Warning,
            FindingCode::StudioDomainTwin,
            format!(
                "another SageMaker domain named {} ({}, {}) is in this project's VPC beside {}: \
                 studio-tui cannot tell which is the project's, and `destroy` refuses until \
                 one is removed",
                d.name,
                d.id,
                d.status,
                found
                    .ours
                    .as_ref()
                    .map(|o| o.id.as_str())
                    .unwrap_or("the project's domain")
            ),
            format!(
                "delete the one that is not the project's (`aws sagemaker delete-domain \
                 --domain-id {} --retention-policy HomeEfsFileSystem=Retain` keeps its home \
                 folders), after checking its users",
                d.id
            ),
        ));
    }
    out
}

pub(super) async fn check_quotas(
    session: &Session,
    zone: Option<String>,
    stack: Option<&StackInfo>,
) -> Outcome {
    // An existing stack already holds its VPC, EIP and NAT gateway: an update needs no more.
    if stack.is_some() {
        return Outcome::default();
    }
    let usage = session.network_usage().await;
    let mut out = Outcome::default();
    match usage {
        Ok(u) => {
            if u.elastic_ips + 1 > DEFAULT_EIPS_PER_REGION {
                out.findings.push(finding(
                    Severity::Warning,
                    FindingCode::QuotaEips,
                    format!(
                        "{} Elastic IPs are allocated; the NAT gateway needs one and the default quota is {DEFAULT_EIPS_PER_REGION} per region (yours may be higher)",
                        u.elastic_ips
                    ),
                    "check \"EC2-VPC Elastic IPs\" in Service Quotas, or release an unused address",
                ));
            }
            let busiest = match &zone {
                Some(z) => u.nat_gateways_per_az.get_key_value(z.as_str()),
                None => u.nat_gateways_per_az.iter().max_by_key(|(_, n)| **n),
            };
            if let Some((z, n)) = busiest
                && n + 1 > DEFAULT_NAT_GATEWAYS_PER_AZ
            {
                out.findings.push(finding(
                    Severity::Warning,
                    FindingCode::QuotaNatGateways,
                    format!(
                        "{n} NAT gateways exist in {z}; the stack adds one and the default quota is {DEFAULT_NAT_GATEWAYS_PER_AZ} per zone (yours may be higher)"
                    ),
                    "check \"NAT gateways per Availability Zone\" in Service Quotas, or pick another zone",
                ));
            }
            let endpoints = crate::core::cidr::DEFAULT_INTERFACE_ENDPOINTS as usize;
            if endpoints > DEFAULT_INTERFACE_ENDPOINTS_PER_VPC {
                out.findings.push(finding(
                    Severity::Warning,
                    FindingCode::QuotaInterfaceEndpoints,
                    format!("the stack's VPC needs {endpoints} interface endpoints; the default quota is {DEFAULT_INTERFACE_ENDPOINTS_PER_VPC} per VPC"),
                    "check \"Interface VPC endpoints per VPC\" in Service Quotas",
                ));
            }
        }
        Err(e) => out.findings.push(check_failed("the network quotas", &e)),
    }
    out
}

/// The zone the stack goes in must offer every endpoint service the template creates (12
/// interface endpoints plus the S3 gateway, all in the one zone of the subnets). Reads
/// DescribeVpcEndpointServices with the exact names (which also proves each exists in the
/// region). With no zone chosen, the first standard zone that offers all of them is picked and
/// returned, so the deploy passes it explicitly; an existing stack keeps its zone.
pub(super) async fn check_zone(
    session: &Session,
    zone: Option<String>,
    stack: Option<&StackInfo>,
) -> Outcome {
    let services = crate::template::embedded().endpoint_services_in(&session.region);
    let (zones, offered) = match tokio::try_join!(
        session.availability_zones(),
        session.endpoint_service_zones(&services)
    ) {
        Ok(v) => v,
        Err(e) => {
            return Outcome::findings(vec![check_failed(
                "the availability zones and endpoint services",
                &e,
            )]);
        }
    };
    let mut findings = Vec::new();
    let missing: Vec<&str> = services
        .iter()
        .filter(|s| !offered.contains_key(*s))
        .map(|(n, _)| n.as_str())
        .collect();
    if !missing.is_empty() {
        findings.push(finding(
            Severity::Error,
            FindingCode::EndpointServiceMissing,
            format!(
                "{} does not offer the endpoint service(s) {} that the stack creates",
                session.region,
                missing.join(", ")
            ),
            "choose a region that offers SageMaker Studio, Network Firewall and these endpoint \
             services (--region)",
        ));
        return Outcome::findings(findings);
    }
    let lacking = |z: &str| -> Vec<&str> {
        services
            .iter()
            .filter(|s| offered.get(*s).is_none_or(|zs| !zs.iter().any(|x| x == z)))
            .map(|(n, _)| n.as_str())
            .collect()
    };
    let good: Vec<&String> = zones.iter().filter(|z| lacking(z).is_empty()).collect();
    let good_list = if good.is_empty() {
        "none".to_string()
    } else {
        good.iter()
            .map(|z| z.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // An existing stack keeps the zone it was created in.
    let zone = zone.or_else(|| {
        stack
            .filter(|s| s.status != StackStatus::DeleteComplete)
            .and_then(|s| s.output("AvailabilityZone"))
            .map(str::to_string)
    });
    let mut out = match zone {
        Some(z) if !zones.contains(&z) => Outcome::findings(vec![Finding::new(
            Severity::Error,
            FindingCode::AzNotInRegion,
            format!(
                "{z} is not an available standard zone of {}; available: {}",
                session.region,
                zones.join(", ")
            ),
            format!(
                "use one of them (--availability-zone {}) or leave it empty",
                good.first().map(|z| z.as_str()).unwrap_or("…")
            ),
            Some(Field::AvailabilityZone),
        )]),
        Some(z) => {
            let lacks = lacking(&z);
            if lacks.is_empty() {
                Outcome {
                    findings: vec![finding(
                        Severity::Info,
                        FindingCode::AzOffersAll,
                        format!(
                            "{z} offers all {} endpoint services of the stack",
                            services.len()
                        ),
                        "nothing to do",
                    )],
                    ..Outcome::default()
                }
            } else {
                Outcome::findings(vec![Finding::new(
                    Severity::Error,
                    FindingCode::AzLacksService,
                    format!(
                        "{z} does not offer {} (the stack puts every endpoint in its one zone); \
                         zones that offer all: {good_list}",
                        lacks.join(", ")
                    ),
                    match good.first() {
                        Some(g) => format!("use --availability-zone {g} (or leave it empty)"),
                        None => "choose another region: no zone here offers them all".to_string(),
                    },
                    Some(Field::AvailabilityZone),
                )])
            }
        }
        None => match good.first() {
            Some(first) => Outcome {
                findings: vec![finding(
                    Severity::Info,
                    FindingCode::AzDefault,
                    format!(
                        "no zone chosen: the subnets go in {first}, the first zone that offers \
                         all {} endpoint services of the stack (passed to CloudFormation \
                         explicitly)",
                        services.len()
                    ),
                    "nothing to do (--availability-zone picks another)",
                )],
                zone: Some((*first).clone()),
                ..Outcome::default()
            },
            None => Outcome::findings(vec![finding(
                Severity::Error,
                FindingCode::AzNoneAvailable,
                format!(
                    "no standard zone of {} offers all {} endpoint services of the stack",
                    session.region,
                    services.len()
                ),
                "choose another region",
            )]),
        },
    };
    findings.append(&mut out.findings);
    out.findings = findings;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::studio::DomainInfo;

    fn domain(id: &str, vpc: &str, status: &str) -> DomainInfo {
        DomainInfo {
            id: id.into(),
            name: "proj".into(),
            arn: format!("arn:aws:sagemaker:eu-west-1:123456789012:domain/{id}"),
            status: status.to_string().into(),
            failure_reason: None,
            vpc_id: Some(vpc.into()),
            subnet_ids: Vec::new(),
            url: None,
            home_efs_id: None,
            app_network_access_type: None,
            default_space_role: None,
            default_space_security_groups: Vec::new(),
            idle: Default::default(),
            hidden_instance_types: Vec::new(),
            audit_identity: None,
        }
    }

    #[test]
    fn a_domain_of_the_projects_name_elsewhere_never_blocks() {
        let found = ProjectDomains {
            ours: Some(domain("d-ours", "vpc-1", "InService")),
            others: vec![domain("d-theirs", "vpc-2", "InService")],
            twins: vec![domain("d-twin", "vpc-1", "Failed")],
        };
        let f = domain_findings(&found);
        let codes: Vec<(FindingCode, Severity)> = f.iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(
            codes,
            vec![
                (FindingCode::DomainExists, Severity::Info),
                (FindingCode::StudioDomainElsewhere, Severity::Warning),
                (FindingCode::StudioDomainTwin, Severity::Warning),
            ]
        );
        assert!(f.iter().all(|f| !f.is_error()));
        assert_eq!(
            f[0].message,
            "SageMaker domain proj (d-ours) of this project's stack is InService"
        );
        assert!(
            f[1].message
                .contains("(d-theirs, InService) exists in vpc-2")
                && f[1].message.contains("never adopts, changes or deletes it"),
            "{}",
            f[1].message
        );
        assert!(
            f[2].message
                .contains("(d-twin, Failed) is in this project's VPC beside d-ours")
                && f[2].fix.contains("--domain-id d-twin"),
            "{:?}",
            f[2]
        );
        let alone = ProjectDomains {
            ours: None,
            others: Vec::new(),
            twins: vec![domain("d-twin", "vpc-1", "Failed")],
        };
        assert!(
            domain_findings(&alone)[0]
                .message
                .contains("beside the project's domain")
        );
        assert!(domain_findings(&ProjectDomains::default()).is_empty());
        let mut unknown = domain("d-x", "vpc-3", "InService");
        unknown.vpc_id = None;
        let f = domain_findings(&ProjectDomains {
            others: vec![unknown],
            ..ProjectDomains::default()
        });
        assert!(
            f[0].message.contains("exists in an unknown VPC"),
            "{}",
            f[0].message
        );
    }
}
