"""Deleting objects from a versioning-suspended bucket the way S3 does (moto 5.2.5 does not).

moto treats a suspended bucket as unversioned: a DELETE without a version id pops the key with
every one of its versions, and a DELETE with a version id does the same. S3 user guide,
"Deleting objects from versioning-suspended buckets"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html):

    If versioning is suspended for a bucket, a DELETE request:
    - Can only remove an object whose version ID is null.
    - Doesn't remove anything if there isn't a null version of the object in the bucket.
    - Inserts a delete marker into the bucket.

    ... a simple DELETE removes a null version and Amazon S3 inserts a delete marker in its place
    instead with a null version ID.

    Even in a versioning-suspended bucket, the bucket owner can permanently delete a specified
    version by including the version ID in the DELETE request.

So here, in a suspended bucket: a DELETE without a version id removes the key's null version
(object or marker), keeps every other version, and adds a delete marker whose version id is
``null``; a DELETE with a version id removes that version only. DeleteObjects goes through the
same path (moto's ``delete_objects`` calls ``delete_object`` per key). Enabled buckets are
moto's own (a DELETE without a version id adds a marker and keeps every version, the null one
included: "Deleting object versions from a versioning-enabled bucket").
"""

from __future__ import annotations

from typing import Any

from .patching import install_once, patch


@install_once
def install() -> None:
    from moto.s3.models import FakeDeleteMarker, S3Backend

    original = S3Backend.delete_object

    def delete_object(
        self: Any,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        if getattr(bucket, "versioning_status", None) != "Suspended":
            return original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
        if version_id is not None:
            # One named version only, exactly as moto does it in an enabled bucket.
            bucket.versioning_status = "Enabled"
            try:
                return original(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
            finally:
                bucket.versioning_status = "Suspended"
        versions = bucket.keys.getlist(key_name, [])
        if not versions:
            return True, {}
        marker = FakeDeleteMarker(key=versions[-1])
        marker._version_id = "null"
        kept = [v for v in versions if str(v.version_id) != "null"]
        bucket.keys.setlist(key_name, [*kept, marker])
        return True, {"version-id": "null", "delete-marker": "true"}

    patch(S3Backend, delete_object=delete_object)
