"""What bills in a project's VPC without being the project's: SageMaker notebook instances and
MLflow tracking servers, as AWS has them (moto 5.2.5 keeps a notebook instance's SubnetId but
makes no network interface for it, and has no MLflow tracking servers).

* A notebook instance created with a ``SubnetId`` gets a network interface in that subnet (its
  ``NetworkInterfaceId``, "The network interface IDs that SageMaker AI created at the time of
  creating the instance", API_DescribeNotebookInstance), with the instance's security groups;
  the interface stays while the instance exists (stopped too) and goes with DeleteNotebookInstance,
  so ``ec2_deps`` refuses deleting the subnet or the VPC meanwhile (DependencyViolation).
  A subnet that does not exist is refused, as CreateNotebookInstance does.
* MLflow tracking servers (Create / Describe / List / Stop / Delete): account- and Region-level
  resources with no VPC or subnet in their API (API_CreateMlflowTrackingServer has none),
  ``Created`` at once, ``Stopped`` by StopMlflowTrackingServer, gone after DeleteMlflowTrackingServer.
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeSagemakerNotebookInstance, SageMakerModelBackend

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
