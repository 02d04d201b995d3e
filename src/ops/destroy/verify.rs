//! The measured end report: describes made after the teardown, never assumed.

use crate::aws::{ErrorKind, Session};
use crate::ops::Error;

use super::decide::kept_policy_note;
use super::{BucketChoice, DestroyPlan, DestroyReport, Kept, Leftover};
use crate::core::status::{DomainStatus, ResourceStatus, StackStatus};

/// The end report, from describes made now: what is gone, what was kept, what is left.
pub(super) async fn verify(
    session: &Session,
    plan: &DestroyPlan,
    choice: BucketChoice,
    report: &mut DestroyReport,
) -> Result<(), Error> {
    let again = "run `studio-tui destroy` again: it resumes where this run stopped";
    if let Some(stack) = &plan.stack {
        match session
            .describe_stack(&stack.stack_id)
            .await?
            .filter(|s| s.status != StackStatus::DeleteComplete)
        {
            None => report.stack_deleted = true,
            Some(s) => {
                report.stack_deleted = false;
                let failed: Vec<String> = session
                    .stack_resources(&s.stack_id)
                    .await?
                    .into_iter()
                    .filter(|r| r.status == ResourceStatus::DeleteFailed)
                    .map(|r| {
                        format!(
                            "{} ({}): {}",
                            r.logical_id,
                            r.resource_type,
                            r.status_reason.as_deref().unwrap_or("no reason given")
                        )
                    })
                    .collect();
                let why = if failed.is_empty() {
                    s.status.to_string()
                } else {
                    format!("{}; failed: {}", s.status, failed.join("; "))
                };
                report.left_behind.push(Leftover {
                    what: "stack".into(),
                    id: s.stack_name.clone(),
                    why,
                    fix: again.into(),
                });
            }
        }
    }
    // The project's domain, by its id: another domain of the project's name was never touched.
    let domain = match &plan.domain {
        Some(d) => session
            .describe_domain(&d.id)
            .await?
            .filter(|d| d.status != DomainStatus::Deleting),
        None => None,
    };
    if let Some(d) = domain {
        report.domain_deleted = false;
        report.left_behind.push(Leftover {
            what: "Studio domain".into(),
            id: d.id.clone(),
            why: format!("{} is {}", d.name, d.status),
            fix: again.into(),
        });
    }
    let partition = plan
        .stack
        .as_ref()
        .and_then(|s| s.stack_id.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    for b in &plan.buckets {
        // Measured: the bucket (NotFound: gone) and its policy, as they are now.
        let policy = match session.bucket_policy(&b.name).await {
            Ok(p) => p,
            Err(e) if e.kind == ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        if choice == BucketChoice::Retain {
            let cost = "S3 storage at its storage class's rate (S3 Standard: about USD 0.023 per \
                        GB-month in us-east-1), plus requests";
            report.kept.push(match &policy {
                Some(p) => Kept {
                    what: format!("bucket {} (with its data and its policy)", b.name),
                    arn: format!("arn:{partition}:s3:::{}", b.name),
                    cost: cost.into(),
                    note: kept_policy_note(&b.name, p),
                },
                None => Kept {
                    what: format!(
                        "bucket {} (with its data; its policy, the fence, is gone)",
                        b.name
                    ),
                    arn: format!("arn:{partition}:s3:::{}", b.name),
                    cost: cost.into(),
                    note: Some(
                        "the bucket has no policy now: any principal whose IAM policy allows it \
                         can read the objects; put a policy back (`aws s3api put-bucket-policy`) \
                         if they must stay fenced"
                            .into(),
                    ),
                },
            });
        } else {
            report.left_behind.push(Leftover {
                what: "bucket".into(),
                id: b.name.clone(),
                why: "still exists (CloudFormation deletes a bucket only when it is empty)".into(),
                fix: "run `studio-tui destroy --empty-buckets` (deletes its objects) or \
                      `--retain-buckets` (keeps it)"
                    .into(),
            });
        }
    }
    if choice == BucketChoice::Retain {
        for k in &plan.keys {
            match session.describe_key(&k.key_id).await? {
                Some(now) if now.state == "Enabled" => report.kept.push(Kept {
                    what: format!("KMS key {} (encrypts the kept buckets)", k.logical_id),
                    arn: now.arn,
                    cost: "USD 1 per month (customer managed key), plus requests".into(),
                    note: None,
                }),
                Some(now) => report.left_behind.push(Leftover {
                    what: "KMS key".into(),
                    id: now.arn.clone(),
                    why: format!(
                        "is {}{}: the kept objects cannot be decrypted",
                        now.state,
                        now.deletion_date
                            .map(|d| format!(" (deleted for good on {d})"))
                            .unwrap_or_default()
                    ),
                    fix: format!(
                        "aws kms cancel-key-deletion --key-id {id} && aws kms enable-key \
                         --key-id {id}",
                        id = k.key_id
                    ),
                }),
                None => report.left_behind.push(Leftover {
                    what: "KMS key".into(),
                    id: k.key_id.clone(),
                    why: "is gone: the kept objects cannot be decrypted".into(),
                    fix: "nothing can bring a deleted key back; restore the data from a backup"
                        .into(),
                }),
            }
        }
        // Aliases as KMS lists them now, not as planned.
        for k in &plan.keys {
            let now = session.key_aliases(&k.key_id).await?;
            for alias in &k.aliases {
                if now.contains(alias) {
                    report.kept.push(Kept {
                        what: format!("KMS alias {alias}"),
                        arn: alias_arn(plan, &partition, alias),
                        cost: "no charge".into(),
                        note: None,
                    });
                } else {
                    report.left_behind.push(Leftover {
                        what: "KMS alias".into(),
                        id: alias.clone(),
                        why: format!("is gone (key {} is kept)", k.key_id),
                        fix: format!(
                            "aws kms create-alias --alias-name {alias} --target-key-id {}",
                            k.key_id
                        ),
                    });
                }
            }
        }
    }
    if let Some(vpc) = &plan.vpc_id
        && session.vpc_exists(vpc).await?
    {
        for g in session.nfs_groups(vpc).await? {
            report.left_behind.push(Leftover {
                what: "security group".into(),
                id: g.id.clone(),
                why: format!(
                    "{} was created by SageMaker for a VpcOnly domain and blocks the VPC",
                    g.name
                ),
                fix: again.into(),
            });
        }
        report.left_behind.push(Leftover {
            what: "VPC".into(),
            id: vpc.clone(),
            why: "still exists".into(),
            fix: again.into(),
        });
    }
    Ok(())
}

pub(super) fn alias_arn(plan: &DestroyPlan, partition: &str, alias: &str) -> String {
    let (region, account) = plan
        .stack
        .as_ref()
        .map(|s| {
            let parts: Vec<&str> = s.stack_id.split(':').collect();
            (
                parts.get(3).copied().unwrap_or_default().to_string(),
                parts.get(4).copied().unwrap_or_default().to_string(),
            )
        })
        .unwrap_or_default();
    format!("arn:{partition}:kms:{region}:{account}:{alias}")
}
