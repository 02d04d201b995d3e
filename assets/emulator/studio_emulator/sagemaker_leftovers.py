"""What bills in a project's VPC without being the project's: SageMaker notebook instances and
MLflow tracking servers, as AWS has them (moto 5.2.5 keeps a notebook instance's SubnetId but
makes no network interface for it, and has no MLflow tracking servers).

* A notebook instance created with a ``SubnetId`` gets a network interface in that subnet (its
  ``NetworkInterfaceId``, "The network interface IDs that SageMaker AI created at the time of
  creating the instance", API_DescribeNotebookInstance), with the instance's security groups;
  the interface stays while the instance exists (stopped too) and goes with DeleteNotebookInstance,
  so ``ec2_deps`` refuses deleting the subnet or the VPC meanwhile (DependencyViolation).
  A subnet that does not exist is refused, as CreateNotebookInstance does.
* Training and processing jobs run: ``InProgress`` from creation until their stopping condition's
  ``MaxRuntimeInSeconds`` (AWS's default, one day, when none is given), then ``Completed``;
  StopTrainingJob / StopProcessingJob make them ``Stopping``, then ``Stopped`` after a paced
  delay ("SageMaker changes the status of the job to Stopping. After SageMaker stops the job, it
  sets the status to Stopped", API_StopTrainingJob; the algorithm gets SIGTERM and up to 120
  seconds), their interfaces kept until then (moto completes them at once and has no
  StopTrainingJob). A training job with ``ResourceConfig.KeepAlivePeriodInSeconds`` keeps a warm
  pool (``WarmPoolStatus``: ``InUse`` while it runs, ``Available`` for the keep-alive period after
  it ends, then ``Terminated``), "a billable resource", with its interfaces until the pool ends;
  ListTrainingJobs filters on ``WarmPoolStatusEquals`` (moto ignores it and lists every job). While one runs with a VpcConfig it holds a network interface in each of
  its subnets (the developer guide's "Give SageMaker Training Jobs Access to Resources in Your
  Amazon VPC" describes the interfaces SageMaker puts in them), so ``ec2_deps`` refuses deleting
  those subnets meanwhile.
* An endpoint whose models have a VpcConfig holds a network interface in each of their subnets
  until DeleteEndpoint ("Give SageMaker Hosted Endpoints Access to Resources in Your Amazon VPC").
* MLflow tracking servers (Create / Describe / List / Stop / Delete): account- and Region-level
  resources with no VPC or subnet in their API (API_CreateMlflowTrackingServer has none),
  ``Created`` at once, ``Stopped`` by StopMlflowTrackingServer, gone after DeleteMlflowTrackingServer.
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeSagemakerNotebookInstance, SageMakerModelBackend

from .config import SETTINGS
from .patching import install_once, patch
from .sagemaker_core import LOCK, current_time, paginate, present, studio_state, to_datetime

_ORIG: dict[str, Any] = {}

SIZES = ("Small", "Medium", "Large")


def _ec2(backend: SageMakerModelBackend) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[backend.account_id][backend.region_name]


def create_notebook_instance(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
    subnet_id = kwargs.get("subnet_id")
    ec2 = _ec2(self)
    if subnet_id:
        try:
            ec2.get_subnet(subnet_id)
        except Exception:  # noqa: BLE001 - moto raises its InvalidSubnetIdError
            raise ValidationError(message=f"The subnet ID '{subnet_id}' does not exist") from None
    nb = _ORIG["create_notebook_instance"](self, *args, **kwargs)
    if subnet_id:
        groups = list(kwargs.get("security_group_ids") or [])
        eni = ec2.create_network_interface(subnet_id, [], group_ids=groups)
        eni.description = f"SageMaker notebook instance {nb.notebook_instance_name}"
        eni.requester_managed = True
        patch(nb, network_interface_id=eni.id)
    return nb


def delete_notebook_instance(self: SageMakerModelBackend, notebook_instance_name: str) -> None:
    nb = self.get_notebook_instance(notebook_instance_name)
    _ORIG["delete_notebook_instance"](self, notebook_instance_name)
    eni_id = getattr(nb, "network_interface_id", None)
    if eni_id:
        _ec2(self).enis.pop(eni_id, None)


def notebook_to_dict(self: FakeSagemakerNotebookInstance) -> dict[str, Any]:
    out: dict[str, Any] = _ORIG["notebook_to_dict"](self)
    eni_id = getattr(self, "network_interface_id", None)
    if eni_id:
        out["NetworkInterfaceId"] = eni_id
    return out


# Training and processing jobs -------------------------------------------------------------------

DEFAULT_MAX_RUNTIME = 86400


def _runs(backend: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    """The run of each job this extension started, by ARN: its status attribute, when its
    stopping condition ends it, and the network interfaces it holds (kept beside moto's job,
    whose every attribute would be answered by Describe*Job)."""
    runs: dict[str, dict[str, Any]] = studio_state(backend).setdefault("job_runs", {})
    return runs


def _start_job(
    backend: SageMakerModelBackend,
    job: Any,
    status_attr: str,
    vpc: dict[str, Any] | None,
    limit: Any,
    keep_alive: Any = None,
) -> None:
    setattr(job, status_attr, "InProgress")
    if status_attr == "training_job_status":
        patch(job, secondary_status="Training")
    seconds = int((limit or {}).get("MaxRuntimeInSeconds") or DEFAULT_MAX_RUNTIME)
    run: dict[str, Any] = {
        "attr": status_attr,
        "ends_at": current_time() + seconds,
        "enis": [],
        "stops_at": None,
        "keep_alive": int(keep_alive or 0),
        "pool_until": None,
    }
    ec2 = _ec2(backend)
    name = getattr(job, "training_job_name", None) or getattr(job, "processing_job_name", "")
    for subnet_id in (vpc or {}).get("Subnets") or []:
        eni = ec2.create_network_interface(subnet_id, [], group_ids=list((vpc or {}).get("SecurityGroupIds") or []))
        eni.description = f"SageMaker job {name}"
        eni.requester_managed = True
        run["enis"].append(eni.id)
    _runs(backend)[job.arn] = run


def _end_job(backend: SageMakerModelBackend, job: Any, status: str) -> None:
    run = _runs(backend)[job.arn]
    setattr(job, run["attr"], status)
    if run["attr"] == "training_job_status":
        patch(job, secondary_status=status)
    if run["keep_alive"] > 0:
        # the warm pool keeps the instances (and their interfaces) for the keep-alive period
        run["pool_until"] = current_time() + run["keep_alive"]
        return
    _release(backend, run)


def _release(backend: SageMakerModelBackend, run: dict[str, Any]) -> None:
    ec2 = _ec2(backend)
    for eni_id in run["enis"]:
        ec2.enis.pop(eni_id, None)
    run["enis"] = []


def _status(backend: SageMakerModelBackend, job: Any) -> str | None:
    run = _runs(backend).get(job.arn)
    return None if run is None else str(getattr(job, run["attr"]))


def _refresh_jobs(backend: SageMakerModelBackend) -> None:
    """Jobs whose run time is over are Completed, Stopping ones whose stop is done are Stopped
    (their interfaces go, unless a warm pool keeps them); warm pools past their keep-alive end."""
    jobs: list[Any] = [*backend.training_jobs.values(), *backend.processing_jobs.values()]
    now = current_time()
    for job in jobs:
        run = _runs(backend).get(job.arn)
        if not run:
            continue
        status = _status(backend, job)
        if status == "InProgress" and now >= run["ends_at"]:
            _end_job(backend, job, "Completed")
        elif status == "Stopping" and now >= run["stops_at"]:
            _end_job(backend, job, "Stopped")
        if run["pool_until"] is not None and now >= run["pool_until"] and run["enis"]:
            _release(backend, run)


def _warm_pool(backend: SageMakerModelBackend, job: Any) -> str | None:
    """The WarmPoolStatus of a training job kept alive, or None."""
    run = _runs(backend).get(job.arn)
    if not run or run["keep_alive"] <= 0:
        return None
    if run["pool_until"] is None:
        return "InUse"
    return "Available" if current_time() < run["pool_until"] else "Terminated"


def create_training_job(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
    job = _ORIG["create_training_job"](self, *args, **kwargs)
    keep_alive = (kwargs.get("resource_config") or {}).get("KeepAlivePeriodInSeconds")
    _start_job(self, job, "training_job_status", kwargs.get("vpc_config"), kwargs.get("stopping_condition"), keep_alive)
    return job


def create_processing_job(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
    job = _ORIG["create_processing_job"](self, *args, **kwargs)
    vpc = (kwargs.get("network_config") or {}).get("VpcConfig")
    _start_job(self, job, "processing_job_status", vpc, kwargs.get("stopping_condition"))
    return job


def _refreshing(name: str) -> Any:
    def method(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        _refresh_jobs(self)
        return _ORIG[name](self, *args, **kwargs)

    method.__name__ = name
    return method


def _stop(be: SageMakerModelBackend, jobs: dict[str, Any], name: str, kind: str) -> None:
    job = jobs.get(name)
    if job is None:
        raise ValidationError(message=f"Could not find {kind} '{name}'.")
    _refresh_jobs(be)
    if _status(be, job) != "InProgress":
        raise ValidationError(message=f"The {kind} {name} is not in progress.")
    run = _runs(be)[job.arn]
    setattr(job, run["attr"], "Stopping")
    if run["attr"] == "training_job_status":
        patch(job, secondary_status="Stopping")
    # SIGTERM, then up to 120 seconds before the job is Stopped: paced like the rest
    run["stops_at"] = current_time() + SETTINGS.duration("AWS::SageMaker::StopJob")


def r_stop_training_job(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        _stop(be, be.training_jobs, p.get("TrainingJobName") or "", "training job")
    return None


def r_stop_processing_job(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        _stop(be, be.processing_jobs, p.get("ProcessingJobName") or "", "processing job")
    return None


def describe_training_job(self: SageMakerModelBackend, training_job_name: str) -> Any:
    _refresh_jobs(self)
    out = dict(_ORIG["describe_training_job"](self, training_job_name))
    pool = _warm_pool(self, self.training_jobs[training_job_name])
    if pool is not None:
        run = _runs(self)[self.training_jobs[training_job_name].arn]
        out["WarmPoolStatus"] = {"Status": pool}
        out.setdefault("ResourceConfig", {})["KeepAlivePeriodInSeconds"] = run["keep_alive"]
    return out


TRAINING_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
WARM_POOL_STATUSES = ("Available", "Terminated", "Reused", "InUse")


def r_list_training_jobs(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    """ListTrainingJobs with its StatusEquals, NameContains and WarmPoolStatusEquals filters
    (newest first), each summary with its WarmPoolStatus when the job keeps a warm pool."""
    status = p.get("StatusEquals")
    pool = p.get("WarmPoolStatusEquals")
    if status is not None and status not in TRAINING_STATUSES:
        raise ValidationError(
            message=f"Value '{status}' at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(TRAINING_STATUSES)}]"
        )
    if pool is not None and pool not in WARM_POOL_STATUSES:
        raise ValidationError(
            message=f"Value '{pool}' at 'warmPoolStatusEquals' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(WARM_POOL_STATUSES)}]"
        )
    with LOCK:
        _refresh_jobs(be)
        out = []
        for job in sorted(be.training_jobs.values(), key=lambda j: j.creation_time, reverse=True):
            job_pool = _warm_pool(be, job)
            if status is not None and job.training_job_status != status:
                continue
            if pool is not None and job_pool != pool:
                continue
            if p.get("NameContains") and p["NameContains"] not in job.training_job_name:
                continue
            summary: dict[str, Any] = {
                "TrainingJobName": job.training_job_name,
                "TrainingJobArn": job.arn,
                "CreationTime": job.creation_time,
                "TrainingJobStatus": job.training_job_status,
            }
            if job_pool is not None:
                summary["WarmPoolStatus"] = {"Status": job_pool}
            out.append(summary)
        chunk, nxt = paginate(out, p.get("NextToken"), p.get("MaxResults"))
        return present({"TrainingJobSummaries": chunk, "NextToken": nxt})


# Endpoints --------------------------------------------------------------------------------------


def create_endpoint(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
    ep = _ORIG["create_endpoint"](self, *args, **kwargs)
    ec2 = _ec2(self)
    enis: list[str] = []
    config = self.endpoint_configs.get(ep.endpoint_config_name)
    for variant in getattr(config, "production_variants", None) or []:
        model = self._models.get(variant.get("ModelName") or "")
        vpc = getattr(model, "vpc_config", None) or {}
        for subnet_id in vpc.get("Subnets") or []:
            eni = ec2.create_network_interface(subnet_id, [], group_ids=list(vpc.get("SecurityGroupIds") or []))
            eni.description = f"SageMaker endpoint {ep.endpoint_name}"
            eni.requester_managed = True
            enis.append(eni.id)
    studio_state(self).setdefault("endpoint_enis", {})[ep.endpoint_name] = enis
    return ep


def delete_endpoint(self: SageMakerModelBackend, endpoint_name: str) -> None:
    _ORIG["delete_endpoint"](self, endpoint_name)
    ec2 = _ec2(self)
    for eni_id in studio_state(self).setdefault("endpoint_enis", {}).pop(endpoint_name, []):
        ec2.enis.pop(eni_id, None)


# MLflow tracking servers -----------------------------------------------------------------------


def _servers(be: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    st = studio_state(be)
    servers: dict[str, dict[str, Any]] = st.setdefault("mlflow", {})
    return servers


def _server(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any]:
    name = p.get("TrackingServerName") or ""
    server = _servers(be).get(name)
    if server is None:
        raise ResourceNotFound(message=f"Tracking server {name} does not exist.")
    return server


def r_create_mlflow_tracking_server(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    name = p.get("TrackingServerName") or ""
    for field in ("TrackingServerName", "ArtifactStoreUri", "RoleArn"):
        if not p.get(field):
            raise ValidationError(
                message=f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
            )
    size = p.get("TrackingServerSize") or "Small"
    if size not in SIZES:
        raise ValidationError(
            message=f"Value '{size}' at 'trackingServerSize' failed to satisfy constraint: Member must satisfy enum value set: [Small, Medium, Large]"
        )
    with LOCK:
        servers = _servers(be)
        if name in servers:
            raise ValidationError(message=f"Tracking server {name} already exists.")
        now = to_datetime(current_time())
        arn = f"arn:{be.partition}:sagemaker:{be.region_name}:{be.account_id}:mlflow-tracking-server/{name}"
        servers[name] = {
            "TrackingServerArn": arn,
            "TrackingServerName": name,
            "ArtifactStoreUri": p["ArtifactStoreUri"],
            "TrackingServerSize": size,
            "MlflowVersion": p.get("MlflowVersion") or "2.16.2",
            "RoleArn": p["RoleArn"],
            "TrackingServerStatus": "Created",
            "IsActive": "Active",
            "TrackingServerUrl": f"https://{name}.{be.region_name}.experiments.sagemaker.aws",
            "CreationTime": now,
            "LastModifiedTime": now,
        }
        return {"TrackingServerArn": arn}


def r_describe_mlflow_tracking_server(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        return present(dict(_server(be, p)))


def r_list_mlflow_tracking_servers(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    keys = (
        "TrackingServerArn",
        "TrackingServerName",
        "CreationTime",
        "LastModifiedTime",
        "TrackingServerStatus",
        "IsActive",
        "MlflowVersion",
    )
    with LOCK:
        items = sorted(_servers(be).values(), key=lambda s: s["CreationTime"], reverse=True)
        status = p.get("TrackingServerStatus")
        if status:
            items = [s for s in items if s["TrackingServerStatus"] == status]
        chunk, nxt = paginate(items, p.get("NextToken"), p.get("MaxResults"))
        return present({"TrackingServerSummaries": [{k: s[k] for k in keys} for s in chunk], "NextToken": nxt})


def r_stop_mlflow_tracking_server(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        server = _server(be, p)
        server["TrackingServerStatus"] = "Stopped"
        server["IsActive"] = "Inactive"
        return {"TrackingServerArn": server["TrackingServerArn"]}


def r_delete_mlflow_tracking_server(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        server = _server(be, p)
        del _servers(be)[server["TrackingServerName"]]
        return {"TrackingServerArn": server["TrackingServerArn"]}


ACTIONS: dict[str, Any] = {
    "CreateMlflowTrackingServer": r_create_mlflow_tracking_server,
    "DescribeMlflowTrackingServer": r_describe_mlflow_tracking_server,
    "ListMlflowTrackingServers": r_list_mlflow_tracking_servers,
    "StopMlflowTrackingServer": r_stop_mlflow_tracking_server,
    "DeleteMlflowTrackingServer": r_delete_mlflow_tracking_server,
    "StopTrainingJob": r_stop_training_job,
    "StopProcessingJob": r_stop_processing_job,
    "ListTrainingJobs": r_list_training_jobs,
}


@install_once
def install() -> None:
    _ORIG["create_notebook_instance"] = SageMakerModelBackend.create_notebook_instance
    _ORIG["delete_notebook_instance"] = SageMakerModelBackend.delete_notebook_instance
    _ORIG["notebook_to_dict"] = FakeSagemakerNotebookInstance.to_dict
    patch(
        SageMakerModelBackend,
        create_notebook_instance=create_notebook_instance,
        delete_notebook_instance=delete_notebook_instance,
    )
    patch(FakeSagemakerNotebookInstance, to_dict=notebook_to_dict)
    for name in ("create_endpoint", "delete_endpoint"):
        _ORIG[name] = getattr(SageMakerModelBackend, name)
    patch(SageMakerModelBackend, create_endpoint=create_endpoint, delete_endpoint=delete_endpoint)
    for name in ("create_training_job", "create_processing_job"):
        _ORIG[name] = getattr(SageMakerModelBackend, name)
    patch(SageMakerModelBackend, create_training_job=create_training_job, create_processing_job=create_processing_job)
    for name in ("list_training_jobs", "describe_processing_job", "list_processing_jobs"):
        _ORIG[name] = getattr(SageMakerModelBackend, name)
        patch(SageMakerModelBackend, **{name: _refreshing(name)})
    _ORIG["describe_training_job"] = SageMakerModelBackend.describe_training_job
    patch(SageMakerModelBackend, describe_training_job=describe_training_job)
