//! Which Studio domain is this project's, decided here and nowhere else (destroy, the wizard's
//! teardown, `up`, `status`, the users commands and the overview all ask this module).
//!
//! AWS documents no uniqueness rule for a domain's name (the DomainId identifies a domain), so a
//! domain named after the project may be someone else's: a colleague's, or an older
//! deployment's in another VPC. The project's domain is the one in the stack's VPC (and in its
//! Studio subnet, when the stack names it); every other domain of that name is reported and
//! never touched: DeleteDomain with `HomeEfsFileSystem=Delete` deletes every user's home volume.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::stacks::StackResourceInfo;
use crate::aws::studio::DomainInfo;
use crate::core::status::DomainStatus;

/// Where the project's domain lives: the stack's VPC and Studio subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackPlace {
    pub vpc_id: String,
    /// None when the stack does not name it (yet): the VPC alone decides.
    pub subnet_id: Option<String>,
}

impl StackPlace {
    /// The stack's VPC (its one `AWS::EC2::VPC`) and Studio subnet (`SageMakerStudioSubnet`)
    /// from its resources' physical ids, or else from its outputs; None when neither names the
    /// VPC (no stack, or one that made no VPC).
    pub fn of_stack(
        resources: &[StackResourceInfo],
        outputs: &BTreeMap<String, String>,
    ) -> Option<Self> {
        let find = |found: Option<&StackResourceInfo>, output: &str| {
            found
                .and_then(|r| r.physical_id.clone())
                .filter(|p| !p.is_empty())
                .or_else(|| outputs.get(output).filter(|o| !o.is_empty()).cloned())
        };
        let vpc = resources
            .iter()
            .find(|r| r.resource_type == "AWS::EC2::VPC");
        let subnet = resources
            .iter()
            .find(|r| r.logical_id == "SageMakerStudioSubnet");
        Some(StackPlace {
            vpc_id: find(vpc, "VpcId")?,
            subnet_id: find(subnet, "SageMakerStudioSubnetId"),
        })
    }

    /// Is this (described) domain in the stack's VPC, and in its Studio subnet when known?
    pub fn holds(&self, d: &DomainInfo) -> bool {
        d.vpc_id.as_deref() == Some(self.vpc_id.as_str())
            && self
                .subnet_id
                .as_ref()
                .is_none_or(|s| d.subnet_ids.contains(s))
    }
}

/// The domains named after the project, split into the project's own and the others.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProjectDomains {
    /// The one in the stack's VPC and subnet (of several, the InService one).
    pub ours: Option<DomainInfo>,
    /// Every domain of that name outside the stack's place: reported, never touched.
    pub others: Vec<DomainInfo>,
    /// More domains of that name in the stack's place besides `ours` (a failed attempt beside
    /// its retry, a copy someone made): never touched, and a teardown refuses while they exist,
    /// since which one is the project's cannot be told.
    pub twins: Vec<DomainInfo>,
}

impl ProjectDomains {
    /// Split described domains (already limited to the project's name) by the stack's place;
    /// without a place (no stack, or no VPC yet) none of them is provably the project's.
    pub fn split(named: Vec<DomainInfo>, place: Option<&StackPlace>) -> Self {
        let (mut mine, others): (Vec<DomainInfo>, Vec<DomainInfo>) = named
            .into_iter()
            .partition(|d| place.is_some_and(|p| p.holds(d)));
        // Of several in the stack's place (a failed attempt beside its retry), the InService one.
        let pick = mine
            .iter()
            .position(|d| d.status == DomainStatus::InService)
            .unwrap_or(0);
        let ours = (!mine.is_empty()).then(|| mine.remove(pick));
        ProjectDomains {
            ours,
            others,
            twins: mine,
        }
    }
}

/// One line per other domain of the project's name in the stack's own VPC.
pub fn twins_in_place(ours: Option<&DomainInfo>, twins: &[DomainInfo]) -> Vec<String> {
    twins
        .iter()
        .map(|d| {
            format!(
                "Studio domain {} ({}, {}) is in the stack's VPC too, beside {}: studio-tui \
                 cannot tell which is the project's; left alone",
                d.name,
                d.id,
                d.status,
                ours.map(|o| o.id.as_str())
                    .unwrap_or("the project's domain"),
            )
        })
        .collect()
}

/// One line per other domain of the project's name, saying that it is left alone.
pub fn left_alone(others: &[DomainInfo]) -> Vec<String> {
    others
        .iter()
        .map(|d| {
            format!(
                "Studio domain {} ({}) in {}: same name, but not this stack's domain; left alone",
                d.name,
                d.id,
                d.vpc_id.as_deref().unwrap_or("an unknown VPC"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::status::ResourceStatus;

    fn domain(id: &str, vpc: Option<&str>, subnets: &[&str], status: &str) -> DomainInfo {
        DomainInfo {
            id: id.into(),
            name: "proj".into(),
            arn: format!("arn:aws:sagemaker:eu-west-1:123456789012:domain/{id}"),
            status: status.to_string().into(),
            failure_reason: None,
            vpc_id: vpc.map(str::to_string),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
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

    fn resource(logical: &str, physical: Option<&str>) -> StackResourceInfo {
        StackResourceInfo {
            logical_id: logical.into(),
            physical_id: physical.map(str::to_string),
            resource_type: if logical.contains("Subnet") {
                "AWS::EC2::Subnet"
            } else {
                "AWS::EC2::VPC"
            }
            .into(),
            status: ResourceStatus::CreateComplete,
            status_reason: None,
        }
    }

    fn place(subnet: Option<&str>) -> StackPlace {
        StackPlace {
            vpc_id: "vpc-ours".into(),
            subnet_id: subnet.map(str::to_string),
        }
    }

    #[test]
    fn a_domain_of_the_same_name_in_another_vpc_is_not_ours() {
        let split = ProjectDomains::split(
            vec![
                domain("d-theirs", Some("vpc-theirs"), &["subnet-a"], "InService"),
                domain("d-ours", Some("vpc-ours"), &["subnet-a"], "Pending"),
            ],
            Some(&place(Some("subnet-a"))),
        );
        assert_eq!(split.ours.map(|d| d.id), Some("d-ours".to_string()));
        assert_eq!(split.others.len(), 1);
        assert_eq!(split.others[0].id, "d-theirs");
        assert!(split.twins.is_empty());
    }

    #[test]
    fn only_another_vpcs_domain_means_none_is_ours() {
        let split = ProjectDomains::split(
            vec![domain("d-theirs", Some("vpc-theirs"), &[], "InService")],
            Some(&place(None)),
        );
        assert_eq!(split.ours, None);
        assert_eq!(split.others.len(), 1);
        assert_eq!(
            left_alone(&split.others),
            vec![
                "Studio domain proj (d-theirs) in vpc-theirs: same name, but not this stack's \
                 domain; left alone"
                    .to_string()
            ]
        );
    }

    #[test]
    fn without_the_stacks_place_no_domain_is_ours() {
        let split = ProjectDomains::split(
            vec![domain("d-1", Some("vpc-ours"), &["subnet-a"], "InService")],
            None,
        );
        assert_eq!(split.ours, None);
        assert_eq!(split.others.len(), 1);
        let unknown = [domain("d-2", None, &[], "Failed")];
        assert!(left_alone(&unknown)[0].contains("in an unknown VPC"));
        assert!(left_alone(&[]).is_empty());
    }

    #[test]
    fn the_studio_subnet_decides_when_the_stack_names_it() {
        let d = domain(
            "d-1",
            Some("vpc-ours"),
            &["subnet-b", "subnet-a"],
            "InService",
        );
        assert!(place(Some("subnet-a")).holds(&d));
        assert!(place(None).holds(&d));
        assert!(!place(Some("subnet-c")).holds(&d));
        assert!(!place(None).holds(&domain("d-2", None, &["subnet-a"], "InService")));
        assert!(!place(None).holds(&domain("d-3", Some("vpc-x"), &[], "InService")));
    }

    #[test]
    fn of_several_in_the_stacks_vpc_the_in_service_one_is_ours() {
        let split = ProjectDomains::split(
            vec![
                domain("d-failed", Some("vpc-ours"), &[], "Failed"),
                domain("d-live", Some("vpc-ours"), &[], "InService"),
                domain("d-new", Some("vpc-ours"), &[], "Pending"),
            ],
            Some(&place(None)),
        );
        assert_eq!(split.ours.as_ref().map(|d| d.id.as_str()), Some("d-live"));
        let ids: Vec<&str> = split.twins.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["d-failed", "d-new"]);
        assert!(
            split.others.is_empty(),
            "in the stack's VPC: twins, not others"
        );
        let lines = twins_in_place(split.ours.as_ref(), &split.twins);
        assert_eq!(
            lines[0],
            "Studio domain proj (d-failed, Failed) is in the stack's VPC too, beside d-live: \
             studio-tui cannot tell which is the project's; left alone"
        );
        assert_eq!(lines.len(), 2);
        assert!(twins_in_place(None, &split.twins)[1].contains("beside the project's domain"));
        let first = ProjectDomains::split(
            vec![
                domain("d-a", Some("vpc-ours"), &[], "Pending"),
                domain("d-b", Some("vpc-ours"), &[], "Failed"),
            ],
            Some(&place(None)),
        );
        assert_eq!(first.ours.map(|d| d.id), Some("d-a".to_string()));
        assert_eq!(first.twins.len(), 1);
    }

    #[test]
    fn the_place_comes_from_resources_then_outputs() {
        let outputs: BTreeMap<String, String> = [
            ("VpcId".to_string(), "vpc-out".to_string()),
            (
                "SageMakerStudioSubnetId".to_string(),
                "subnet-out".to_string(),
            ),
        ]
        .into();
        let resources = vec![
            resource("NATGatewaySubnet", Some("subnet-nat")),
            resource("Vpc", Some("vpc-res")),
            resource("SageMakerStudioSubnet", Some("subnet-res")),
        ];
        assert_eq!(
            StackPlace::of_stack(&resources, &outputs),
            Some(StackPlace {
                vpc_id: "vpc-res".into(),
                subnet_id: Some("subnet-res".into())
            })
        );
        let unnamed = vec![
            resource("VPC", Some("")),
            resource("SageMakerStudioSubnet", None),
        ];
        assert_eq!(
            StackPlace::of_stack(&unnamed, &outputs),
            Some(StackPlace {
                vpc_id: "vpc-out".into(),
                subnet_id: Some("subnet-out".into())
            })
        );
        let empty_outputs: BTreeMap<String, String> = [("VpcId".to_string(), String::new())].into();
        assert_eq!(StackPlace::of_stack(&unnamed, &empty_outputs), None);
        assert_eq!(StackPlace::of_stack(&[], &BTreeMap::new()), None);
        assert_eq!(
            StackPlace::of_stack(&[resource("VPC", Some("vpc-1"))], &BTreeMap::new()),
            Some(StackPlace {
                vpc_id: "vpc-1".into(),
                subnet_id: None
            })
        );
    }
}
