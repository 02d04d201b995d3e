//! Leftovers that keep billing, on the sandbox over real HTTP: a notebook instance someone made
//! in the Studio subnet stops `destroy` with nothing deleted, naming it and the command that
//! removes it, until it is removed; the home EFS file system a deleted domain left in the VPC is
//! listed by `status` and stops `destroy` too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;

use studio_tui::aws::Session;
use studio_tui::aws::buckets::BucketState;
use studio_tui::ops::destroy::{self, BucketChoice};
use studio_tui::ops::leftovers::Kind;

/// A region of its own: the scans list every notebook instance, endpoint, job and file system of
/// the region, so no other test binary's resources are seen.
const REGION: &str = "eu-north-1";

/// One at a time: the second test's domain and the first test's notebook share the region.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn template(project: &str) -> String {
    json!({
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.44.0.0/16"}},
            "SageMakerStudioSubnet": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.44.3.0/24"}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "studio", "VpcId": {"Ref": "Vpc"}}},
            "DataBucket": {"Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": format!("{project}-data")}}
        },
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}},
            "SageMakerStudioSubnetId": {"Value": {"Ref": "SageMakerStudioSubnet"}},
            "SageMakerSecurityGroupId": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}}
        }
    })
    .to_string()
}

/// The project's stack; returns (subnet, security group).
async fn deployed(session: &Session, project: &str) -> (String, String) {
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(project)
        .template_body(template(project))
        .send()
        .await
        .expect("CreateStack");
    let s = common::wait_stack(session, project, "CREATE_COMPLETE").await;
    (
        s.output("SageMakerStudioSubnetId").unwrap().to_string(),
        s.output("SageMakerSecurityGroupId").unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_notebook_instance_in_the_studio_subnet_stops_destroy_until_it_is_removed() {
    use aws_sdk_sagemaker::types::InstanceType;
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("nbleft");
    let (subnet, sg) = deployed(&session, &project).await;
    let sm = session.fixtures().sagemaker();
    let notebook = format!("{project}-nb");
    sm.create_notebook_instance()
        .notebook_instance_name(&notebook)
        .instance_type(InstanceType::MlT3Medium)
        .role_arn("arn:aws:iam::123456789012:role/someone")
        .subnet_id(&subnet)
        .security_group_ids(&sg)
        .send()
        .await
        .expect("CreateNotebookInstance in the Studio subnet");

    let mark = emu.log_mark();
    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert_eq!(plan.leftovers.len(), 1, "{:#?}", plan.leftovers);
    // The scan's cost (BENCHMARKS.md): one list call per kind (one page each here), a describe
    // per notebook instance, and one price for the running notebook's instance type.
    let actions = emu.actions_since(mark, REGION);
    let count = |op: &str| actions.iter().filter(|a| a.as_str() == op).count();
    for (op, n) in [
        ("ListNotebookInstances", 1),
        ("ListEndpoints", 1),
        // InProgress, Stopping, and warm pools Available and InUse
        ("ListTrainingJobs", 4),
        // InProgress, Stopping
        ("ListProcessingJobs", 2),
        ("ListMlflowTrackingServers", 1),
        // EFS is a REST API: the emulator logs its method and path
        ("GET /2015-02-01/file-systems", 1),
        ("DescribeNotebookInstance", 1),
    ] {
        assert_eq!(count(op), n, "{op}: {actions:?}");
    }
    let nb = &plan.leftovers[0];
    assert_eq!(
        (nb.kind, nb.id.as_str()),
        (Kind::NotebookInstance, notebook.as_str())
    );
    assert!(nb.blocks_vpc && nb.running, "{nb:?}");
    assert_eq!(nb.place, format!("subnet {subnet}"));
    let remove = format!(
        "aws sagemaker stop-notebook-instance --notebook-instance-name {notebook} --region \
         {REGION} && aws sagemaker wait notebook-instance-stopped --notebook-instance-name \
         {notebook} --region {REGION} && aws sagemaker delete-notebook-instance \
         --notebook-instance-name {notebook} --region {REGION}"
    );
    assert_eq!(nb.remove, remove);
    assert!(
        plan.lines(BucketChoice::Unspecified)
            .iter()
            .any(|l| l.starts_with(&format!(
                "NOT deleted: notebook instance {notebook} (InService"
            )))
    );

    // The library refuses with nothing deleted …
    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let e = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        common::FAST_POLL,
        &tx,
    )
    .await
    .unwrap_err();
    assert!(e.is_refusal(), "{e}");
    assert!(
        e.message()
            .contains(&format!("notebook instance {notebook}")),
        "{e}"
    );
    assert!(e.message().ends_with("nothing was deleted"), "{e}");
    assert!(e.fix().unwrap().contains(&remove), "{:?}", e.fix());
    // … and so does the command, with the refusals' exit code (as for a bucket that holds
    // data) and the notebook's removal command.
    let home = tempfile::tempdir().unwrap();
    let out = common::binary(home.path(), REGION)
        .args(["--plain", "destroy", "--project-name", &project, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(studio_tui::exit::USAGE));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("notebook instance {notebook}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "delete-notebook-instance --notebook-instance-name {notebook}"
        )),
        "{text}"
    );
    assert_eq!(
        emu.mutating_since(before, REGION),
        Vec::<String>::new(),
        "nothing was changed"
    );
    // Measured: the stack and its bucket are still there.
    common::wait_stack(&session, &project, "CREATE_COMPLETE").await;
    assert_eq!(
        session.bucket_state(&format!("{project}-data")).await,
        BucketState::Empty
    );

    // `status --json` lists it with its command.
    let out = common::binary(home.path(), REGION)
        .args(["--json", "status", "--project-name", &project])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["leftovers"][0]["kind"], "notebook_instance", "{doc:#}");
    assert_eq!(doc["leftovers"][0]["id"], notebook.as_str());
    assert_eq!(doc["leftovers"][0]["remove"], remove.as_str());

    // Removed as the message says, the teardown goes ahead.
    sm.stop_notebook_instance()
        .notebook_instance_name(&notebook)
        .send()
        .await
        .unwrap();
    sm.delete_notebook_instance()
        .notebook_instance_name(&notebook)
        .send()
        .await
        .unwrap();
    let report = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        common::FAST_POLL,
        &tx,
    )
    .await
    .unwrap();
    assert!(report.is_clean() && report.stack_deleted, "{report:#?}");
}

#[tokio::test]
async fn the_home_efs_a_deleted_domain_left_in_the_vpc_is_listed_and_stops_destroy() {
    use aws_sdk_sagemaker::types::{RetentionPolicy, RetentionType};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("efsleft");
    deployed(&session, &project).await;
    let sm = session.fixtures().sagemaker();
    // An earlier domain in the project's VPC, deleted by hand with its home volume retained.
    let (id, fs) = domain_in_vpc(&session, &project, &format!("{project}-old")).await;
    sm.delete_domain()
        .domain_id(&id)
        .retention_policy(
            RetentionPolicy::builder()
                .home_efs_file_system(RetentionType::Retain)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    let found = studio_tui::ops::leftovers::for_stack(&session, &stack, None)
        .await
        .unwrap();
    let efs: Vec<_> = found.iter().filter(|l| l.kind == Kind::HomeEfs).collect();
    assert_eq!(efs.len(), 1, "{found:#?}");
    assert_eq!(efs[0].id, fs);
    assert!(
        efs[0]
            .state
            .starts_with(&format!("left by deleted domain {id}")),
        "{:?}",
        efs[0]
    );
    assert!(efs[0].blocks_vpc);
    assert!(
        efs[0]
            .remove
            .contains(&format!("aws efs delete-file-system --file-system-id {fs}")),
        "{}",
        efs[0].remove
    );
    assert!(
        efs[0].cost.text().starts_with("cost unknown"),
        "never an invented price"
    );

    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let e = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        common::FAST_POLL,
        &tx,
    )
    .await
    .unwrap_err();
    assert!(
        e.message().contains(&format!("EFS file system {fs}")),
        "{e}"
    );
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());
    common::wait_stack(&session, &project, "CREATE_COMPLETE").await;
}

#[tokio::test]
async fn jobs_and_endpoints_in_the_subnets_stop_destroy_and_tracking_servers_are_only_listed() {
    use aws_sdk_sagemaker::types::{
        AlgorithmSpecification, AppSpecification, ContainerDefinition, NetworkConfig,
        OutputDataConfig, ProcessingClusterConfig, ProcessingInstanceType, ProcessingResources,
        ProductionVariant, ProductionVariantInstanceType, ResourceConfig, StoppingCondition,
        TrainingInputMode, TrainingInstanceType, VpcConfig,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("jobsleft");
    let (subnet, sg) = deployed(&session, &project).await;
    let sm = session.fixtures().sagemaker();
    let role = "arn:aws:iam::123456789012:role/someone";
    let vpc = VpcConfig::builder()
        .subnets(&subnet)
        .security_group_ids(&sg)
        .build();
    let train = format!("{project}-train");
    sm.create_training_job()
        .training_job_name(&train)
        .algorithm_specification(
            AlgorithmSpecification::builder()
                .training_image("img")
                .training_input_mode(TrainingInputMode::File)
                .build(),
        )
        .role_arn(role)
        .output_data_config(
            OutputDataConfig::builder()
                .s3_output_path("s3://b/out")
                .build(),
        )
        .resource_config(
            ResourceConfig::builder()
                .instance_type(TrainingInstanceType::MlM5Xlarge)
                .instance_count(2)
                .volume_size_in_gb(5)
                .build(),
        )
        .stopping_condition(
            StoppingCondition::builder()
                .max_runtime_in_seconds(3600)
                .build(),
        )
        .vpc_config(vpc.clone())
        .send()
        .await
        .expect("CreateTrainingJob");
    let proc_name = format!("{project}-proc");
    sm.create_processing_job()
        .processing_job_name(&proc_name)
        .processing_resources(
            ProcessingResources::builder()
                .cluster_config(
                    ProcessingClusterConfig::builder()
                        .instance_count(1)
                        .instance_type(ProcessingInstanceType::MlM5Xlarge)
                        .volume_size_in_gb(5)
                        .build(),
                )
                .build(),
        )
        .app_specification(AppSpecification::builder().image_uri("img").build())
        .role_arn(role)
        .network_config(NetworkConfig::builder().vpc_config(vpc.clone()).build())
        .send()
        .await
        .expect("CreateProcessingJob");
    let model = format!("{project}-model");
    sm.create_model()
        .model_name(&model)
        .execution_role_arn(role)
        .primary_container(ContainerDefinition::builder().image("img").build())
        .vpc_config(vpc)
        .send()
        .await
        .expect("CreateModel");
    let config = format!("{project}-cfg");
    sm.create_endpoint_config()
        .endpoint_config_name(&config)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("v")
                .model_name(&model)
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .initial_instance_count(1)
                .build(),
        )
        .send()
        .await
        .expect("CreateEndpointConfig");
    let endpoint = format!("{project}-ep");
    sm.create_endpoint()
        .endpoint_name(&endpoint)
        .endpoint_config_name(&config)
        .send()
        .await
        .expect("CreateEndpoint");
    let server = format!("{project}-mlflow");
    sm.create_mlflow_tracking_server()
        .tracking_server_name(&server)
        .artifact_store_uri("s3://b/mlflow")
        .role_arn(role)
        .send()
        .await
        .expect("CreateMlflowTrackingServer");

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    let ours: Vec<(Kind, &str)> = plan
        .leftovers
        .iter()
        .filter(|l| l.id.starts_with(&project))
        .map(|l| (l.kind, l.id.as_str()))
        .collect();
    assert_eq!(
        ours,
        vec![
            (Kind::Endpoint, endpoint.as_str()),
            (Kind::TrainingJob, train.as_str()),
            (Kind::ProcessingJob, proc_name.as_str()),
            (Kind::MlflowTrackingServer, server.as_str()),
        ],
        "{:#?}",
        plan.leftovers
    );
    let by = |k: Kind| {
        plan.leftovers
            .iter()
            .find(|l| l.kind == k && l.id.starts_with(&project))
            .unwrap()
    };
    assert!(by(Kind::TrainingJob).stops_teardown() && by(Kind::TrainingJob).running);
    assert_eq!(
        by(Kind::TrainingJob).remove,
        format!(
            "aws sagemaker stop-training-job --training-job-name {train} --region {REGION} && aws \
             sagemaker wait training-job-completed-or-stopped --training-job-name {train} \
             --region {REGION}"
        )
    );
    assert!(by(Kind::Endpoint).stops_teardown());
    // The emulator's price list has no eu-north-1 products, and the bundled table holds
    // Studio apps' hours only: an endpoint's hour is unknown, never a Studio app's price.
    assert_eq!(
        by(Kind::Endpoint).cost.text(),
        "cost unknown (no price for ml.m5.large)"
    );
    assert!(!by(Kind::MlflowTrackingServer).stops_teardown());
    assert_eq!(
        by(Kind::MlflowTrackingServer).place,
        "this account and region, not tied to the VPC"
    );

    let e = plan.refusal(BucketChoice::Unspecified).unwrap();
    for name in [&endpoint, &train, &proc_name] {
        assert!(e.message().contains(name.as_str()), "{e}");
    }
    assert!(
        !e.message().contains(&server),
        "a tracking server never refuses: {e}"
    );
    // Stopped and deleted as the message says. A job is Stopping for a while (SIGTERM, then
    // up to 120 seconds) and keeps its instances and interfaces meanwhile: still refused.
    {
        let _slow = emu.settings(json!({"pace": 1.0}));
        sm.stop_training_job()
            .training_job_name(&train)
            .send()
            .await
            .unwrap();
        sm.stop_processing_job()
            .processing_job_name(&proc_name)
            .send()
            .await
            .unwrap();
    }
    sm.delete_endpoint()
        .endpoint_name(&endpoint)
        .send()
        .await
        .unwrap();
    stopping_jobs_still_refuse(&session, &project, &train, &proc_name).await;
    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert!(
        plan.refusal(BucketChoice::Unspecified).is_none(),
        "{:#?}",
        plan.leftovers
    );
    assert!(plan.leftovers.iter().any(|l| l.id == server));
    sm.delete_mlflow_tracking_server()
        .tracking_server_name(&server)
        .send()
        .await
        .unwrap();
}

/// The jobs just stopped are Stopping: still listed, running, refusing the teardown, with the
/// command that waits for them; returns once the training job is Stopped.
async fn stopping_jobs_still_refuse(
    session: &Session,
    project: &str,
    train: &str,
    proc_name: &str,
) {
    let plan = destroy::plan(session, project, project).await.unwrap();
    let stopping: Vec<_> = plan
        .leftovers
        .iter()
        .filter(|l| l.id == train || l.id == proc_name)
        .collect();
    assert_eq!(stopping.len(), 2, "{:#?}", plan.leftovers);
    assert!(
        stopping
            .iter()
            .all(|l| l.state == "Stopping" && l.running && l.stops_teardown()),
        "{stopping:#?}"
    );
    assert_eq!(
        stopping[0].remove,
        format!(
            "aws sagemaker wait training-job-completed-or-stopped --training-job-name {train} \
             --region {REGION}"
        )
    );
    assert!(plan.refusal(BucketChoice::Unspecified).is_some());
    // Stopped: only the tracking server is left, listed.
    let mut waited = 0;
    while session
        .running_training_jobs()
        .await
        .unwrap()
        .iter()
        .any(|j| j.name == train)
    {
        waited += 1;
        assert!(waited < 200, "the training job never stopped");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A domain in the project's VPC, its home EFS there; returns (domain id, file system id).
async fn domain_in_vpc(session: &Session, project: &str, name: &str) -> (String, String) {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let stack = session.describe_stack(project).await.unwrap().unwrap();
    let arn = session
        .fixtures()
        .sagemaker()
        .create_domain()
        .domain_name(name)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id(stack.output("VpcId").unwrap())
        .subnet_ids(stack.output("SageMakerStudioSubnetId").unwrap())
        .default_user_settings(
            UserSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/x")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .domain_arn()
        .unwrap()
        .to_string();
    let id = arn.rsplit('/').next().unwrap().to_string();
    let fs = session
        .describe_domain(&id)
        .await
        .unwrap()
        .unwrap()
        .home_efs_id
        .unwrap();
    (id, fs)
}

#[tokio::test]
async fn a_live_domains_home_efs_is_never_a_leftover_even_when_the_studio_lookup_fails() {
    use aws_sdk_sagemaker::types::{RetentionPolicy, RetentionType};
    use std::sync::{Arc, Mutex};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("efslive");
    deployed(&session, &project).await;
    let (id, fs) = domain_in_vpc(&session, &project, &project).await;
    let home = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(
        studio_tui::state::Store::load(&studio_tui::config::Paths::under(home.path())).unwrap(),
    ));
    {
        // The studio half fails (its user listing is denied): the project's domain is not
        // known to the scan, but it exists, so its home folders are not offered for deletion.
        let _deny = emu.settings(json!({"deny": ["sagemaker:ListSpaces"]}));
        let status = studio_tui::ops::status::status(&session, &store, &project)
            .await
            .unwrap();
        assert!(status.studio.is_err(), "{:?}", status.studio);
        let found = status.leftovers.unwrap();
        assert!(
            found.iter().all(|l| l.kind != Kind::HomeEfs),
            "the live domain's volume was called a leftover: {found:#?}"
        );
    }
    // A re-run after an interrupted teardown: the domain is Deleting (its volume retained).
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    {
        // a domain's typical 279 s, paced to about 3 s
        let _slow = emu.settings(json!({"pace": 0.01}));
        session
            .fixtures()
            .sagemaker()
            .delete_domain()
            .domain_id(&id)
            .retention_policy(
                RetentionPolicy::builder()
                    .home_efs_file_system(RetentionType::Retain)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        session.describe_domain(&id).await.unwrap().unwrap().status,
        studio_tui::core::status::DomainStatus::Deleting
    );
    let found = studio_tui::ops::leftovers::for_stack(&session, &stack, None)
        .await
        .unwrap();
    assert!(
        found.iter().all(|l| l.kind != Kind::HomeEfs),
        "a Deleting domain's volume is still its own: {found:#?}"
    );
    // Once the domain is gone, the volume it left is a leftover.
    let mut waited = 0;
    while session.describe_domain(&id).await.unwrap().is_some() {
        waited += 1;
        assert!(waited < 400, "the domain was never deleted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let found = studio_tui::ops::leftovers::for_stack(&session, &stack, None)
        .await
        .unwrap();
    assert!(
        found.iter().any(|l| l.kind == Kind::HomeEfs && l.id == fs),
        "{found:#?}"
    );
}

#[tokio::test]
async fn a_notebook_started_after_the_plan_stops_destroy_before_the_stack_is_deleted() {
    use aws_sdk_sagemaker::types::InstanceType;
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("lateleft");
    let (subnet, sg) = deployed(&session, &project).await;
    let data = format!("{project}-data");
    session
        .fixtures()
        .s3()
        .put_object()
        .bucket(&data)
        .key("work.csv")
        .body(b"a,b".to_vec().into())
        .send()
        .await
        .unwrap();
    let notebook = format!("{project}-late");
    let before = emu.log_mark();
    let stall = emu.settings(json!({"stall": {REGION: ["DeleteObjects"]}}));
    let teardown = {
        let session = session.clone();
        let project = project.clone();
        tokio::spawn(async move {
            let (tx, _rx) = mpsc::unbounded_channel();
            destroy::destroy_with(
                &session,
                &project,
                &project,
                BucketChoice::Empty,
                common::FAST_POLL,
                &tx,
            )
            .await
        })
    };
    // The plan is done and the emptying under way (a DeleteObjects is held): someone starts a
    // notebook instance in the Studio subnet now.
    let mut waited = 0;
    while !emu
        .actions_since(before, REGION)
        .iter()
        .any(|a| a == "DeleteObjects")
    {
        waited += 1;
        assert!(waited < 3000, "no DeleteObjects reached the sandbox");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    session
        .fixtures()
        .sagemaker()
        .create_notebook_instance()
        .notebook_instance_name(&notebook)
        .instance_type(InstanceType::MlT3Medium)
        .role_arn("arn:aws:iam::123456789012:role/someone")
        .subnet_id(&subnet)
        .security_group_ids(&sg)
        .send()
        .await
        .unwrap();
    drop(stall);
    let report = teardown.await.unwrap().unwrap();
    let e = report.stopped.as_ref().expect("the teardown stopped");
    assert!(e.is_refusal(), "{e}");
    assert!(
        e.message()
            .contains(&format!("notebook instance {notebook}"))
            && e.message().contains("the stack and its VPC were kept"),
        "{e}"
    );
    assert!(
        e.fix().unwrap().contains(&format!(
            "delete-notebook-instance --notebook-instance-name {notebook}"
        )),
        "{e}"
    );
    assert!(!report.stack_deleted);
    let mutating = emu.mutating_since(before, REGION);
    assert!(!mutating.iter().any(|a| a == "DeleteStack"), "{mutating:?}");
    common::wait_stack(&session, &project, "CREATE_COMPLETE").await;
    let sm = session.fixtures().sagemaker();
    sm.stop_notebook_instance()
        .notebook_instance_name(&notebook)
        .send()
        .await
        .unwrap();
    sm.delete_notebook_instance()
        .notebook_instance_name(&notebook)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_endpoint_whose_config_was_deleted_is_listed_with_its_placement_unknown() {
    use aws_sdk_sagemaker::types::{
        ContainerDefinition, ProductionVariant, ProductionVariantInstanceType,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("epgone");
    deployed(&session, &project).await;
    let sm = session.fixtures().sagemaker();
    let model = format!("{project}-model");
    sm.create_model()
        .model_name(&model)
        .execution_role_arn("arn:aws:iam::123456789012:role/someone")
        .primary_container(ContainerDefinition::builder().image("img").build())
        .send()
        .await
        .unwrap();
    let config = format!("{project}-cfg");
    sm.create_endpoint_config()
        .endpoint_config_name(&config)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("v")
                .model_name(&model)
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .initial_instance_count(1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let endpoint = format!("{project}-ep");
    sm.create_endpoint()
        .endpoint_name(&endpoint)
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    // API_DeleteEndpointConfig: "If you delete the EndpointConfig of an endpoint that is
    // active … you may lose visibility into the instance type the endpoint is using. The
    // endpoint must be deleted in order to stop incurring charges."
    sm.delete_endpoint_config()
        .endpoint_config_name(&config)
        .send()
        .await
        .unwrap();
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    let found = studio_tui::ops::leftovers::for_stack(&session, &stack, None)
        .await
        .expect("a deleted endpoint config does not fail the scan");
    let ep = found
        .iter()
        .find(|l| l.id == endpoint)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(
        ep.place,
        "placement unknown (its endpoint config or model was deleted)"
    );
    assert!(ep.running && !ep.stops_teardown(), "{ep:?}");
    assert_eq!(
        ep.remove,
        format!("aws sagemaker delete-endpoint --endpoint-name {endpoint} --region {REGION}")
    );
    sm.delete_endpoint()
        .endpoint_name(&endpoint)
        .send()
        .await
        .unwrap();
}
