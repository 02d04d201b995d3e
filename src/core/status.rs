//! The statuses AWS reports, as the project's own types: compared as variants instead of text,
//! written back exactly as AWS wrote them (`as_str`, `Display`, JSON), and a status this version
//! does not know yet is kept as `Unknown(text)` instead of failing. There is deliberately no
//! `PartialEq<&str>`: `stack.status == "ROLLBACK_FAILED"` does not compile, so a misspelt status
//! cannot hide in a comparison (tests that check AWS's text say `.as_str()`). The phases of a
//! Studio workflow's progress ([`DomainPhase`], [`UserPhase`]) are typed the same way: the
//! workflow's own steps next to the status SageMaker reported.

/// One enum per status field: each variant with the exact text AWS uses for it.
macro_rules! aws_status {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident = $text:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = $text]
                $variant,
            )+
            /// A status this version does not know (AWS added one), as AWS wrote it.
            Unknown(String),
        }

        impl $name {
            /// The status AWS wrote; an unknown text is kept, never refused.
            pub fn from_aws_str(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(other.to_string()),
                }
            }

            /// The text AWS uses for this status.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(s) => s,
                }
            }
        }

        /// As the text AWS wrote, quoted: debug output and logs read as they did with a `String`.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:?}", self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // `pad`, so widths and alignment (`{:<20}`) apply as they do to the text. An
                // unknown status is AWS's text: shown escaped, like every foreign value.
                f.pad(&crate::core::shown::shown_max(self.as_str(), 64))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_aws_str(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::from_aws_str(&s)
            }
        }

        /// No status read yet: empty text, as the `String` it replaces defaulted to.
        impl Default for $name {
            fn default() -> Self {
                Self::Unknown(String::new())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

    };
}

aws_status! {
    /// A CloudFormation stack's status (`StackStatus`).
    StackStatus {
        CreateInProgress = "CREATE_IN_PROGRESS",
        CreateFailed = "CREATE_FAILED",
        CreateComplete = "CREATE_COMPLETE",
        RollbackInProgress = "ROLLBACK_IN_PROGRESS",
        RollbackFailed = "ROLLBACK_FAILED",
        RollbackComplete = "ROLLBACK_COMPLETE",
        DeleteInProgress = "DELETE_IN_PROGRESS",
        DeleteFailed = "DELETE_FAILED",
        DeleteComplete = "DELETE_COMPLETE",
        UpdateInProgress = "UPDATE_IN_PROGRESS",
        UpdateCompleteCleanupInProgress = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        UpdateComplete = "UPDATE_COMPLETE",
        UpdateFailed = "UPDATE_FAILED",
        UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS",
        UpdateRollbackFailed = "UPDATE_ROLLBACK_FAILED",
        UpdateRollbackCompleteCleanupInProgress = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        UpdateRollbackComplete = "UPDATE_ROLLBACK_COMPLETE",
        ReviewInProgress = "REVIEW_IN_PROGRESS",
        ImportInProgress = "IMPORT_IN_PROGRESS",
        ImportComplete = "IMPORT_COMPLETE",
        ImportRollbackInProgress = "IMPORT_ROLLBACK_IN_PROGRESS",
        ImportRollbackFailed = "IMPORT_ROLLBACK_FAILED",
        ImportRollbackComplete = "IMPORT_ROLLBACK_COMPLETE",
    }
}

aws_status! {
    /// A CloudFormation stack event's status (`ResourceStatus`): a resource's, or, on the
    /// stack's own events, the stack's (whose extra values, such as
    /// `UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`, are kept as `Unknown` and still classified by
    /// their suffix).
    ResourceStatus {
        CreateInProgress = "CREATE_IN_PROGRESS",
        CreateFailed = "CREATE_FAILED",
        CreateComplete = "CREATE_COMPLETE",
        DeleteInProgress = "DELETE_IN_PROGRESS",
        DeleteFailed = "DELETE_FAILED",
        DeleteComplete = "DELETE_COMPLETE",
        DeleteSkipped = "DELETE_SKIPPED",
        UpdateInProgress = "UPDATE_IN_PROGRESS",
        UpdateFailed = "UPDATE_FAILED",
        UpdateComplete = "UPDATE_COMPLETE",
        ImportFailed = "IMPORT_FAILED",
        ImportComplete = "IMPORT_COMPLETE",
        ImportInProgress = "IMPORT_IN_PROGRESS",
        ImportRollbackInProgress = "IMPORT_ROLLBACK_IN_PROGRESS",
        ImportRollbackFailed = "IMPORT_ROLLBACK_FAILED",
        ImportRollbackComplete = "IMPORT_ROLLBACK_COMPLETE",
        ExportFailed = "EXPORT_FAILED",
        ExportComplete = "EXPORT_COMPLETE",
        ExportInProgress = "EXPORT_IN_PROGRESS",
        ExportRollbackInProgress = "EXPORT_ROLLBACK_IN_PROGRESS",
        ExportRollbackFailed = "EXPORT_ROLLBACK_FAILED",
        ExportRollbackComplete = "EXPORT_ROLLBACK_COMPLETE",
        UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS",
        UpdateRollbackComplete = "UPDATE_ROLLBACK_COMPLETE",
        UpdateRollbackFailed = "UPDATE_ROLLBACK_FAILED",
        RollbackInProgress = "ROLLBACK_IN_PROGRESS",
        RollbackComplete = "ROLLBACK_COMPLETE",
        RollbackFailed = "ROLLBACK_FAILED",
    }
}

impl ResourceStatus {
    /// Something is being done to it (`*_IN_PROGRESS`, a stack's extra ones included).
    pub fn is_in_progress(&self) -> bool {
        self.as_str().ends_with("_IN_PROGRESS")
    }

    /// The last step failed (`*_FAILED`).
    pub fn is_failed(&self) -> bool {
        self.as_str().ends_with("_FAILED")
    }

    /// The last step finished (`*_COMPLETE`; `DELETE_COMPLETE` included).
    pub fn is_complete(&self) -> bool {
        self.as_str().ends_with("_COMPLETE")
    }
}

aws_status! {
    /// Where a drift detection is (`StackDriftDetectionStatus`).
    DriftDetectionStatus {
        InProgress = "DETECTION_IN_PROGRESS",
        Complete = "DETECTION_COMPLETE",
        Failed = "DETECTION_FAILED",
    }
}

aws_status! {
    /// A stack's drift (`StackDriftStatus`); UNKNOWN when the detection could not decide.
    StackDriftStatus {
        Drifted = "DRIFTED",
        InSync = "IN_SYNC",
        NotChecked = "NOT_CHECKED",
        Undetermined = "UNKNOWN",
    }
}

aws_status! {
    /// A resource's drift (`StackResourceDriftStatus`, and a drift-aware change set's
    /// `ResourceDriftStatus`).
    ResourceDriftStatus {
        InSync = "IN_SYNC",
        Modified = "MODIFIED",
        Deleted = "DELETED",
        NotChecked = "NOT_CHECKED",
        Undetermined = "UNKNOWN",
        Unsupported = "UNSUPPORTED",
    }
}

aws_status! {
    /// A CloudFormation change set's status (`ChangeSetStatus`).
    ChangeSetStatus {
        CreatePending = "CREATE_PENDING",
        CreateInProgress = "CREATE_IN_PROGRESS",
        CreateComplete = "CREATE_COMPLETE",
        DeletePending = "DELETE_PENDING",
        DeleteInProgress = "DELETE_IN_PROGRESS",
        DeleteComplete = "DELETE_COMPLETE",
        DeleteFailed = "DELETE_FAILED",
        Failed = "FAILED",
    }
}

impl ChangeSetStatus {
    /// CloudFormation is done with the change set: created, failed, or deleted.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            ChangeSetStatus::CreateComplete
                | ChangeSetStatus::Failed
                | ChangeSetStatus::DeleteComplete
                | ChangeSetStatus::DeleteFailed
        )
    }
}

aws_status! {
    /// A SageMaker Studio domain's status (`DomainStatus`).
    DomainStatus {
        Pending = "Pending",
        InService = "InService",
        Updating = "Updating",
        Deleting = "Deleting",
        Failed = "Failed",
        UpdateFailed = "Update_Failed",
        DeleteFailed = "Delete_Failed",
    }
}

aws_status! {
    /// A SageMaker user profile's status (`UserProfileStatus`).
    UserProfileStatus {
        Pending = "Pending",
        InService = "InService",
        Updating = "Updating",
        Deleting = "Deleting",
        Failed = "Failed",
        UpdateFailed = "Update_Failed",
        DeleteFailed = "Delete_Failed",
    }
}

aws_status! {
    /// A SageMaker space's status (`SpaceStatus`).
    SpaceStatus {
        Pending = "Pending",
        InService = "InService",
        Updating = "Updating",
        Deleting = "Deleting",
        Failed = "Failed",
        UpdateFailed = "Update_Failed",
        DeleteFailed = "Delete_Failed",
    }
}

aws_status! {
    /// A SageMaker app's status (`AppStatus`).
    AppStatus {
        Pending = "Pending",
        InService = "InService",
        Deleting = "Deleting",
        Deleted = "Deleted",
        Failed = "Failed",
    }
}

impl DomainStatus {
    /// Creation or an update failed (`Failed`, `Update_Failed`, `Delete_Failed`).
    pub fn is_failed(&self) -> bool {
        matches!(
            self,
            DomainStatus::Failed | DomainStatus::UpdateFailed | DomainStatus::DeleteFailed
        )
    }
}

impl AppStatus {
    /// Billed now: its instance is being created (`Pending`) or runs (`InService`). AWS
    /// meters from the instance's creation until the app on it is shut down.
    pub fn bills(&self) -> bool {
        matches!(self, AppStatus::Pending | AppStatus::InService)
    }
}

impl UserProfileStatus {
    /// Creation or an update failed (`Failed`, `Update_Failed`, `Delete_Failed`).
    pub fn is_failed(&self) -> bool {
        matches!(
            self,
            UserProfileStatus::Failed
                | UserProfileStatus::UpdateFailed
                | UserProfileStatus::DeleteFailed
        )
    }
}

/// One enum per phase of a Studio workflow's progress: the workflow's own steps, each with the
/// word the progress has always used for it, and `Aws(status)` for the status SageMaker reported
/// (written as AWS wrote it).
macro_rules! studio_phase {
    (
        $(#[$meta:meta])*
        $name:ident($aws:ident) { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// The status SageMaker reported.
            Aws($aws),
        }

        impl $name {
            /// The word the progress shows for this phase.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Aws(s) => s.as_str(),
                }
            }
        }

        impl From<$aws> for $name {
            fn from(s: $aws) -> Self {
                Self::Aws(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&crate::core::shown::shown_max(self.as_str(), 64))
            }
        }

        /// As its word: the JSON lines read as they did with a `String`.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

studio_phase! {
    /// Where a Studio workflow is with the domain (`StudioMsg::Domain`).
    DomainPhase(DomainStatus) {
        /// CreateDomain is next.
        Creating = "creating",
        /// The project's domain exists: it is used, not created again.
        Adopted = "adopted",
        /// UpdateDomain gives an adopted domain its DefaultSpaceSettings (studio-tui's word, not
        /// AWS's `Updating`, which comes after it).
        Updating = "updating",
        /// DeleteDomain finished: DescribeDomain no longer finds it.
        Deleted = "deleted",
    }
}

studio_phase! {
    /// Where a Studio workflow is with one user profile (`StudioMsg::User`).
    UserPhase(UserProfileStatus) {
        /// CreateUserProfile is next.
        Creating = "creating",
        /// The profile exists (or a concurrent run made it): it is not created again.
        AlreadyExists = "already exists",
        /// Adding or removing it ended in an error (studio-tui's word, not AWS's `Failed`).
        Failed = "failed",
        /// Its apps are being deleted.
        DeletingApps = "deleting apps",
        /// Its private spaces are being deleted.
        DeletingSpaces = "deleting spaces",
        /// DeleteUserProfile is next (studio-tui's word, not AWS's `Deleting`).
        Deleting = "deleting",
        /// DeleteUserProfile finished: the profile is gone.
        Deleted = "deleted",
        /// There was no such profile to remove.
        NotFound = "not found",
    }
}

impl StackStatus {
    /// An operation is running: nothing else can start (every `*_IN_PROGRESS`, an unknown one
    /// included).
    pub fn is_in_progress(&self) -> bool {
        self.as_str().ends_with("_IN_PROGRESS")
    }

    /// The last operation failed and nothing runs (`*_FAILED`, an unknown one included).
    pub fn is_failed(&self) -> bool {
        self.as_str().ends_with("_FAILED")
    }

    /// The stack is usable as it is (its outputs are valid).
    pub fn is_complete(&self) -> bool {
        matches!(
            self,
            StackStatus::CreateComplete
                | StackStatus::UpdateComplete
                | StackStatus::UpdateRollbackComplete
                | StackStatus::ImportComplete
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_reads_back_as_written() {
        for text in [
            "CREATE_COMPLETE",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            "REVIEW_IN_PROGRESS",
            "IMPORT_ROLLBACK_FAILED",
        ] {
            let s = StackStatus::from_aws_str(text);
            assert!(!matches!(s, StackStatus::Unknown(_)), "{text}");
            assert_eq!(s.as_str(), text);
            assert_eq!(s.to_string(), text);
        }
        assert_eq!(
            StackStatus::from_aws_str("CREATE_COMPLETE"),
            StackStatus::CreateComplete
        );
    }

    #[test]
    fn an_unknown_status_is_kept_not_refused() {
        let s = StackStatus::from_aws_str("SOMETHING_NEW_IN_PROGRESS");
        assert_eq!(s, StackStatus::Unknown("SOMETHING_NEW_IN_PROGRESS".into()));
        assert_eq!(s.as_str(), "SOMETHING_NEW_IN_PROGRESS");
        assert!(s.is_in_progress());
        assert!(!s.is_complete());
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            "\"SOMETHING_NEW_IN_PROGRESS\""
        );
    }

    #[test]
    fn sagemaker_statuses_keep_their_spelling() {
        assert_eq!(
            DomainStatus::from_aws_str("Update_Failed"),
            DomainStatus::UpdateFailed
        );
        assert!(DomainStatus::UpdateFailed.is_failed());
        assert_eq!(AppStatus::Deleted.as_str(), "Deleted");
        assert_eq!(UserProfileStatus::default().as_str(), "");
        assert_eq!(
            SpaceStatus::from_aws_str("Archived"),
            SpaceStatus::Unknown("Archived".into())
        );
    }

    #[test]
    fn studio_phases_read_as_the_progress_wrote_them() {
        assert_eq!(DomainPhase::Adopted.to_string(), "adopted");
        assert_eq!(
            DomainPhase::Aws(DomainStatus::InService).to_string(),
            "InService"
        );
        assert_eq!(
            DomainPhase::from(DomainStatus::UpdateFailed).as_str(),
            "Update_Failed"
        );
        assert_eq!(UserPhase::AlreadyExists.as_str(), "already exists");
        assert_eq!(UserPhase::Aws(UserProfileStatus::Failed).as_str(), "Failed");
        assert_ne!(UserPhase::Failed, UserPhase::Aws(UserProfileStatus::Failed));
        assert_eq!(format!("[{:<10}]", UserPhase::Deleting), "[deleting  ]");
        assert_eq!(
            serde_json::to_string(&UserPhase::DeletingApps).unwrap(),
            "\"deleting apps\""
        );
        assert_eq!(
            serde_json::to_string(&DomainPhase::Aws(DomainStatus::Pending)).unwrap(),
            "\"Pending\""
        );
    }

    #[test]
    fn display_pads_like_the_text() {
        assert_eq!(
            format!("[{:<18}]", StackStatus::CreateComplete),
            "[CREATE_COMPLETE   ]"
        );
        assert_eq!(
            serde_json::to_string(&StackStatus::RollbackComplete).unwrap(),
            "\"ROLLBACK_COMPLETE\""
        );
        assert_eq!(
            format!("{:?}", StackStatus::CreateComplete),
            "\"CREATE_COMPLETE\""
        );
        assert!(StackStatus::UpdateRollbackComplete.is_complete());
        assert!(StackStatus::DeleteInProgress.is_in_progress());
    }
}
