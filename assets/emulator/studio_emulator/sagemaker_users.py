"""SageMaker user profiles and spaces of the Studio extension (Create / Describe / List / Update /
Delete), and CreatePresignedDomainUrl for a user profile. The domain must be InService; a profile
with apps or a private space, and a space with apps, cannot be deleted.
"""

from __future__ import annotations

import secrets
from typing import Any

from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend

from .sagemaker_core import (
    LOCK,
    Lifecycle,
    StudioDomain,
    check_int_range,
    check_name,
    get_domain,
    list_summaries,
    merge_settings,
    present,
    require_domain_usable,
    studio_state,
    sweep,
    to_datetime,
    validation_error,
)

SPACE_APP_TYPES = {"JupyterLab", "CodeEditor"}


class UserProfile(Lifecycle):
    cfn_type = "AWS::SageMaker::UserProfile"

    def __init__(
        self,
        backend: SageMakerModelBackend,
        domain_id: str,
        name: str,
        settings: dict | None,
        tags: list | None,
        sso_id: str | None,
        sso_value: str | None,
        uid: int,
    ):
        self._init_lifecycle()
        self.domain_id = domain_id
        self.name = name
        self.user_settings = settings or {}
        self.tags = list(tags or [])
        self.sso_id = sso_id
        self.sso_value = sso_value
        self.uid = str(uid)
        self.arn = (
            f"arn:{backend.partition}:sagemaker:{backend.region_name}:"
            f"{backend.account_id}:user-profile/{domain_id}/{name}"
        )

    def describe(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "UserProfileArn": self.arn,
            "UserProfileName": self.name,
            "HomeEfsFileSystemUid": self.uid,
            "Status": self.current_status(),
            "LastModifiedTime": self.last_modified(),
            "CreationTime": to_datetime(self.created_at),
            "SingleSignOnUserIdentifier": self.sso_id,
            "SingleSignOnUserValue": self.sso_value,
            "UserSettings": self.user_settings or None,
        }
        return present(out)

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.name,
            "Status": self.current_status(),
            "CreationTime": to_datetime(self.created_at),
            "LastModifiedTime": self.last_modified(),
        }


class Space(Lifecycle):
    cfn_type = "AWS::SageMaker::Space"

    def __init__(
        self, backend: SageMakerModelBackend, domain: StudioDomain, name: str, params: dict[str, Any], uid: int
    ):
        self._init_lifecycle()
        self.domain_id = domain.id
        self.name = name
        self.settings = params.get("SpaceSettings") or {}
        self.ownership = params.get("OwnershipSettings")
        self.sharing = params.get("SpaceSharingSettings")
        self.display_name = params.get("SpaceDisplayName")
        self.tags = list(params.get("Tags") or [])
        self.uid = str(uid)
        self.url = f"https://{domain.id}.studio.{backend.region_name}.sagemaker.aws/spaces/{name}"
        self.arn = (
            f"arn:{backend.partition}:sagemaker:{backend.region_name}:{backend.account_id}:space/{domain.id}/{name}"
        )

    @property
    def owner(self) -> str | None:
        return (self.ownership or {}).get("OwnerUserProfileName")

    @property
    def sharing_type(self) -> str | None:
        return (self.sharing or {}).get("SharingType")

    def describe(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "SpaceArn": self.arn,
            "SpaceName": self.name,
            "HomeEfsFileSystemUid": self.uid,
            "Status": self.current_status(),
            "LastModifiedTime": to_datetime(self.modified_at),
            "CreationTime": to_datetime(self.created_at),
            "SpaceSettings": self.settings or None,
            "OwnershipSettings": self.ownership,
            "SpaceSharingSettings": self.sharing,
            "SpaceDisplayName": self.display_name,
            "Url": self.url,
        }
        return present(out)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "DomainId": self.domain_id,
            "SpaceName": self.name,
            "Status": self.current_status(),
            "CreationTime": to_datetime(self.created_at),
            "LastModifiedTime": to_datetime(self.modified_at),
            "SpaceDisplayName": self.display_name,
        }
        if self.settings:
            out["SpaceSettingsSummary"] = {
                k: v for k, v in self.settings.items() if k in ("AppType", "RemoteAccess", "SpaceStorageSettings")
            }
        if self.sharing:
            out["SpaceSharingSettingsSummary"] = {"SharingType": self.sharing_type}
        if self.ownership:
            out["OwnershipSettingsSummary"] = {"OwnerUserProfileName": self.owner}
        return present(out)


def _next_uid(st: dict) -> int:
    st["uid"] += 1
    return st["uid"]


def get_profile(backend: SageMakerModelBackend, domain_id: str | None, name: str | None) -> UserProfile:
    get_domain(backend, domain_id)
    prof = studio_state(backend)["profiles"].get((domain_id, name))
    if prof is None:
        raise ResourceNotFound(message=f"User profile {name} does not exist in domain {domain_id}.")
    return prof


def get_space(backend: SageMakerModelBackend, domain_id: str | None, name: str | None) -> Space:
    get_domain(backend, domain_id)
    space = studio_state(backend)["spaces"].get((domain_id, name))
    if space is None:
        raise ResourceNotFound(message=f"Space {name} does not exist in domain {domain_id}.")
    return space


def _admit(
    be: SageMakerModelBackend, p: dict[str, Any], kind: str, name_key: str, attribute: str, noun: str
) -> tuple[str, str, StudioDomain, dict[str, Any]]:
    """What CreateUserProfile and CreateSpace check first: a valid name, a usable domain and no
    resource of the kind with that name in it. Returns (domain id, name, domain, state)."""
    name = check_name(p.get(name_key), attribute)
    dom = get_domain(be, p.get("DomainId"))
    require_domain_usable(dom)
    st = studio_state(be)
    if (dom.id, name) in st[kind]:
        raise ResourceInUseException(
            message=f"Resource Already Exists: {noun} with name {name} already exists. Choose a different name."
        )
    return dom.id, name, dom, st


def r_create_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        domain_id, name, _, st = _admit(be, p, "profiles", "UserProfileName", "userProfileName", "UserProfile")
        prof = UserProfile(
            be,
            domain_id,
            name,
            p.get("UserSettings"),
            p.get("Tags"),
            p.get("SingleSignOnUserIdentifier"),
            p.get("SingleSignOnUserValue"),
            _next_uid(st),
        )
        st["profiles"][(domain_id, name)] = prof
        return {"UserProfileArn": prof.arn}


def r_describe_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        return get_profile(be, p.get("DomainId"), p.get("UserProfileName")).describe()


def r_list_user_profiles(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    filters = {"DomainIdEquals": ("domain_id", False), "UserProfileNameContains": ("name", True)}
    return list_summaries(be, "profiles", p, "UserProfiles", filters, p.get("SortBy"))


def r_update_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        prof = get_profile(be, p.get("DomainId"), p.get("UserProfileName"))
        if prof.current_status() != "InService":
            raise ResourceInUseException(
                message=f"User profile {prof.name} is in {prof.current_status()} status and cannot be updated."
            )
        if p.get("UserSettings"):
            prof.user_settings = merge_settings(prof.user_settings, p["UserSettings"])
        prof.start_update()
        return {"UserProfileArn": prof.arn}


def r_delete_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        prof = get_profile(be, p.get("DomainId"), p.get("UserProfileName"))
        st = studio_state(be)
        if prof.current_status() == "Deleting":
            raise ResourceInUseException(message=f"User profile {prof.name} is already being deleted.")
        live_apps = [
            a
            for a in st["apps"].values()
            if a.domain_id == prof.domain_id
            and a.user_profile_name == prof.name
            and not a.space_name
            and a.current_status() != "Deleted"
        ]
        if live_apps:
            raise ResourceInUseException(
                message=f"Cannot delete user profile {prof.name} as it has "
                f"{len(live_apps)} app(s) that are not Deleted: "
                + ", ".join(f"{a.app_type}/{a.name} ({a.current_status()})" for a in live_apps)
            )
        private = [
            s
            for s in st["spaces"].values()
            if s.domain_id == prof.domain_id and s.owner == prof.name and s.sharing_type == "Private"
        ]
        if private:
            raise ResourceInUseException(
                message=f"Cannot delete user profile {prof.name} as it owns private space(s): "
                + ", ".join(s.name for s in private)
            )
        prof.start_delete()
        sweep(be)
        return None


def r_create_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        domain_id, name, dom, st = _admit(be, p, "spaces", "SpaceName", "spaceName", "Space")
        own, share = p.get("OwnershipSettings"), p.get("SpaceSharingSettings")
        if bool(own) != bool(share):
            raise ValidationError(message="OwnershipSettings and SpaceSharingSettings must be specified together.")
        if own and share:
            owner = own.get("OwnerUserProfileName")
            check_name(owner, "ownershipSettings.ownerUserProfileName")
            prof = st["profiles"].get((domain_id, owner))
            if prof is None or prof.current_status() == "Deleting":
                raise ResourceNotFound(message=f"User profile {owner} does not exist in domain {domain_id}.")
            if share.get("SharingType") not in ("Private", "Shared"):
                raise validation_error(
                    share.get("SharingType"),
                    "spaceSharingSettings.sharingType",
                    "Member must satisfy enum value set: [Private, Shared]",
                )
        app_type = (p.get("SpaceSettings") or {}).get("AppType")
        if app_type is not None and app_type not in SPACE_APP_TYPES:
            raise validation_error(
                app_type, "spaceSettings.appType", "Member must satisfy enum value set: [JupyterLab, CodeEditor]"
            )
        space = Space(be, dom, name, p, _next_uid(st))
        st["spaces"][(domain_id, name)] = space
        return {"SpaceArn": space.arn}


def r_update_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    """UpdateSpace: the members of ``SpaceSettings`` given replace the space's, the others stay."""
    with LOCK:
        space = get_space(be, p.get("DomainId"), p.get("SpaceName"))
        if space.current_status() == "Deleting":
            raise ResourceInUseException(message=f"Space {space.name} is being deleted.")
        app_type = (p.get("SpaceSettings") or {}).get("AppType")
        if app_type is not None and app_type not in SPACE_APP_TYPES:
            raise validation_error(
                app_type, "spaceSettings.appType", "Member must satisfy enum value set: [JupyterLab, CodeEditor]"
            )
        space.settings = {**(space.settings or {}), **(p.get("SpaceSettings") or {})}
        if p.get("SpaceDisplayName") is not None:
            space.display_name = p["SpaceDisplayName"]
        return {"SpaceArn": space.arn}


def r_describe_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        return get_space(be, p.get("DomainId"), p.get("SpaceName")).describe()


def r_list_spaces(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    filters = {"DomainIdEquals": ("domain_id", False), "SpaceNameContains": ("name", True)}
    return list_summaries(be, "spaces", p, "Spaces", filters, p.get("SortBy"))


def r_delete_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        space = get_space(be, p.get("DomainId"), p.get("SpaceName"))
        st = studio_state(be)
        if space.current_status() == "Deleting":
            raise ResourceInUseException(message=f"Space {space.name} is already being deleted.")
        live = [
            a
            for a in st["apps"].values()
            if a.domain_id == space.domain_id and a.space_name == space.name and a.current_status() != "Deleted"
        ]
        if live:
            raise ResourceInUseException(
                message=f"Cannot delete space {space.name} as it has {len(live)} app(s) that are not Deleted."
            )
        space.start_delete()
        sweep(be)
        return None


def r_create_presigned_domain_url(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        check_int_range(p.get("ExpiresInSeconds"), "expiresInSeconds", 5, 300)
        check_int_range(p.get("SessionExpirationDurationInSeconds"), "sessionExpirationDurationInSeconds", 1800, 43200)
        domain_id = p.get("DomainId")
        check_name(p.get("UserProfileName"), "userProfileName")
        dom = get_domain(be, domain_id)
        prof = get_profile(be, domain_id, p["UserProfileName"])
        if prof.current_status() == "Deleting":
            raise ResourceNotFound(message=f"User profile {prof.name} does not exist in domain {domain_id}.")
        if p.get("SpaceName"):
            get_space(be, domain_id, p["SpaceName"])
        token = secrets.token_urlsafe(48)
        url = f"https://{dom.id}.studio.{be.region_name}.sagemaker.aws/auth?token={token}"
        return {"AuthorizedUrl": url}
