//! The names a person gives: the project's (the prefix of every resource name, see the
//! module docs of [`super`]), a Studio user profile's, an availability zone's.

use super::{FieldError, show_char};
use crate::core::finding::FindingCode;

/// Shortest project name accepted: long enough to be recognisable in a
/// globally shared bucket namespace.
pub const PROJECT_NAME_MIN: usize = 3;
/// Longest project name: `<name>-notebook-role` must fit IAM's 64 characters.
pub const PROJECT_NAME_MAX: usize = 64 - ROLE_SUFFIX.len();
/// Suffix of the Studio execution role's name.
pub const ROLE_SUFFIX: &str = "-notebook-role";
/// Longest SageMaker user profile name.
pub const USER_PROFILE_MAX: usize = 63;

/// Checks a project name against every resource name it becomes (see the
/// module docs for the derivation), so a deploy never fails half-way on a
/// name AWS refuses.
pub fn validate_project_name(name: &str) -> Result<(), FieldError> {
    const CODE_CHAR: FindingCode = FindingCode::ProjectNameBadChar;
    if name.is_empty() {
        return Err(FieldError::new(
            FindingCode::ProjectNameEmpty,
            "the project name is empty".into(),
            "enter a name like sagemaker-studio-vpc".into(),
        ));
    }
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            continue;
        }
        let pos = i + 1;
        let err = if c.is_ascii_uppercase() {
            FieldError::new(
                FindingCode::ProjectNameUppercase,
                format!(
                    "`{name}` has an uppercase {} at position {pos}; S3 bucket names must be lowercase",
                    show_char(c)
                ),
                format!("use `{}`", name.to_ascii_lowercase()),
            )
        } else if matches!(c, '_' | '.' | ' ') {
            FieldError::new(
                CODE_CHAR,
                format!(
                    "`{name}` has {} at position {pos}; only lowercase letters, digits and hyphens are allowed",
                    show_char(c)
                ),
                format!(
                    "use a hyphen instead, e.g. `{}`",
                    name.replace(['_', '.', ' '], "-")
                ),
            )
        } else {
            FieldError::new(
                CODE_CHAR,
                format!(
                    "`{name}` has {} at position {pos}; only lowercase letters, digits and hyphens are allowed",
                    show_char(c)
                ),
                "remove it".into(),
            )
        };
        return Err(err.at(i));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(FieldError::new(
            FindingCode::ProjectNameBadStart,
            format!(
                "`{name}` starts with `{}`; CloudFormation stack names must start with a letter",
                &name[..1]
            ),
            format!(
                "start it with a letter, e.g. `studio-{}`",
                name.trim_start_matches('-')
            ),
        )
        .at(0));
    }
    if name.ends_with('-') {
        return Err(FieldError::new(
            FindingCode::ProjectNameBadEnd,
            format!("`{name}` ends with a hyphen; S3 bucket and SageMaker domain names must end with a letter or digit"),
            format!("use `{}`", name.trim_end_matches('-')),
        )
        .at(name.len() - 1));
    }
    let len = name.len();
    if len < PROJECT_NAME_MIN {
        return Err(FieldError::new(
            FindingCode::ProjectNameTooShort,
            format!(
                "`{name}` is {len} characters; the project name needs at least {PROJECT_NAME_MIN}"
            ),
            "use a longer, more distinctive name: bucket names are shared by every AWS account"
                .into(),
        ));
    }
    if len > PROJECT_NAME_MAX {
        return Err(FieldError::new(
            FindingCode::ProjectNameTooLong,
            format!(
                "`{name}` is {len} characters; at most {PROJECT_NAME_MAX} fit, because the IAM role `<name>{ROLE_SUFFIX}` is limited to 64"
            ),
            format!("shorten it by {} characters", len - PROJECT_NAME_MAX),
        )
        .at(PROJECT_NAME_MAX));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(FieldError::new(
                FindingCode::ProjectNameReservedPrefix,
                format!(
                    "`{name}` starts with `{prefix}`, which S3 reserves for its own bucket names"
                ),
                "choose a name that does not start with xn--, sthree- or amzn-s3-demo-".into(),
            )
            .at(0));
        }
    }
    Ok(())
}

/// Checks a SageMaker user profile name (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
/// at most 63 characters) before calling CreateUserProfile.
pub fn validate_user_profile_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() {
        return Err(FieldError::new(
            FindingCode::ProfileNameEmpty,
            "the user profile name is empty".into(),
            "enter a name like data-scientist-1".into(),
        ));
    }
    if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        let fix = if matches!(c, '_' | '.' | ' ' | '@') {
            format!(
                "use a hyphen instead, e.g. `{}`",
                name.replace(['_', '.', ' ', '@'], "-")
            )
        } else {
            "remove it".to_owned()
        };
        return Err(FieldError::new(
            FindingCode::ProfileNameBadChar,
            format!(
                "`{name}` has {} at position {}; user profile names allow only letters, digits and hyphens",
                show_char(c),
                i + 1
            ),
            fix,
        )
        .at(i));
    }
    if name.starts_with('-') {
        return Err(FieldError::new(
            FindingCode::ProfileNameBadStart,
            format!(
                "`{name}` starts with a hyphen; user profile names start with a letter or digit"
            ),
            format!("use `{}`", name.trim_start_matches('-')),
        )
        .at(0));
    }
    if name.ends_with('-') {
        return Err(FieldError::new(
            FindingCode::ProfileNameBadEnd,
            format!("`{name}` ends with a hyphen; user profile names end with a letter or digit"),
            format!("use `{}`", name.trim_end_matches('-')),
        )
        .at(name.len() - 1));
    }
    if name.len() > USER_PROFILE_MAX {
        return Err(FieldError::new(
            FindingCode::ProfileNameTooLong,
            format!(
                "`{name}` is {} characters; SageMaker allows at most {USER_PROFILE_MAX}",
                name.len()
            ),
            format!("shorten it by {} characters", name.len() - USER_PROFILE_MAX),
        )
        .at(USER_PROFILE_MAX));
    }
    Ok(())
}

/// "a, b,,c " → ["a", "b", "c"]: a comma-separated list of user profile names.
pub fn parse_user_list(input: &str) -> Vec<String> {
    input
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks an availability zone *name* (`us-east-1a`); AZ ids (`use1-az1`)
/// are refused with a hint, because the template's subnets take names.
pub fn validate_availability_zone(zone: &str) -> Result<(), FieldError> {
    if zone.is_empty() {
        return Ok(());
    }
    if zone.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(FieldError::new(
            FindingCode::AzUppercase,
            format!("`{zone}` has uppercase letters; zone names are lowercase"),
            format!("use `{}`", zone.to_ascii_lowercase()),
        ));
    }
    let is_id = zone.split_once("-az").is_some_and(|(a, b)| {
        !a.contains('-') && !b.is_empty() && b.bytes().all(|x| x.is_ascii_digit())
    });
    if is_id {
        return Err(FieldError::new(
            FindingCode::AzIsId,
            format!("`{zone}` is an availability zone id, not a zone name"),
            "give the zone name, like us-east-1a (aws ec2 describe-availability-zones shows both)"
                .into(),
        ));
    }
    let chars_ok = zone
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let shape_ok = zone.len() >= 6
        && zone.as_bytes()[..2].iter().all(u8::is_ascii_lowercase)
        && zone.as_bytes()[2] == b'-'
        && zone.bytes().any(|b| b.is_ascii_digit())
        && zone.bytes().last().is_some_and(|b| b.is_ascii_lowercase())
        && !zone.contains("--");
    if !chars_ok || !shape_ok {
        return Err(FieldError::new(
            FindingCode::AzNotAZone,
            format!("`{zone}` is not an availability zone name"),
            "give a zone of the deploy region, like us-east-1a, or leave it empty".into(),
        ));
    }
    Ok(())
}

checked_text!(
    /// A project name that passed [`validate_project_name`].
    ProjectName
);

impl ProjectName {
    /// The name, when [`validate_project_name`] accepts it.
    pub fn parse(text: &str) -> Result<ProjectName, FieldError> {
        validate_project_name(text).map(|()| ProjectName(text.to_owned()))
    }
}

checked_text!(
    /// An availability zone name that passed [`validate_availability_zone`] (never empty: no
    /// zone is `None`).
    AvailabilityZone
);

impl AvailabilityZone {
    /// The zone, when [`validate_availability_zone`] accepts it.
    pub fn parse(text: &str) -> Result<AvailabilityZone, FieldError> {
        validate_availability_zone(text).map(|()| AvailabilityZone(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<(), FieldError>) -> FieldError {
        r.expect_err("expected an error")
    }

    // ---- project name ----

    #[test]
    fn project_name_accepts_good_names() {
        for ok in [
            "sagemaker-studio-vpc",
            "abc",
            "a1b",
            "my--project",
            &"a".repeat(50),
        ] {
            assert_eq!(validate_project_name(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn project_name_empty_short_long() {
        assert_eq!(
            err(validate_project_name("")).code,
            FindingCode::ProjectNameEmpty
        );
        let e = err(validate_project_name("ab"));
        assert_eq!(
            e.to_string(),
            "`ab` is 2 characters; the project name needs at least 3; use a longer, more distinctive name: bucket names are shared by every AWS account"
        );
        let long = "a".repeat(57);
        let e = err(validate_project_name(&long));
        assert_eq!(e.code, FindingCode::ProjectNameTooLong);
        assert!(e.message.ends_with(
            "at most 50 fit, because the IAM role `<name>-notebook-role` is limited to 64"
        ));
        assert_eq!(e.fix, "shorten it by 7 characters");
        assert_eq!(e.position, Some(50));
    }

    #[test]
    fn project_name_bad_characters_name_the_position() {
        let e = err(validate_project_name("MyProject"));
        assert_eq!(e.code, FindingCode::ProjectNameUppercase);
        assert_eq!(
            e.to_string(),
            "`MyProject` has an uppercase `M` at position 1; S3 bucket names must be lowercase; use `myproject`"
        );
        assert_eq!(e.position, Some(0));
        let e = err(validate_project_name("my_project"));
        assert_eq!(
            e.to_string(),
            "`my_project` has `_` at position 3; only lowercase letters, digits and hyphens are allowed; use a hyphen instead, e.g. `my-project`"
        );
        let e = err(validate_project_name("my project"));
        assert!(e.message.contains("has a space at position 3"));
        let e = err(validate_project_name("proj€ct"));
        assert_eq!(e.position, Some(4));
        assert_eq!(e.fix, "remove it");
        let e = err(validate_project_name("my.project"));
        assert_eq!(e.code, FindingCode::ProjectNameBadChar);
    }

    #[test]
    fn project_name_start_end_and_reserved() {
        let e = err(validate_project_name("1project"));
        assert_eq!(
            e.to_string(),
            "`1project` starts with `1`; CloudFormation stack names must start with a letter; start it with a letter, e.g. `studio-1project`"
        );
        assert_eq!(
            err(validate_project_name("-proj")).code,
            FindingCode::ProjectNameBadStart
        );
        let e = err(validate_project_name("project-"));
        assert_eq!(e.code, FindingCode::ProjectNameBadEnd);
        assert_eq!(e.fix, "use `project`");
        for reserved in ["xn--project", "sthree-data", "amzn-s3-demo-x"] {
            let e = err(validate_project_name(reserved));
            assert_eq!(e.code, FindingCode::ProjectNameReservedPrefix, "{reserved}");
        }
    }

    // ---- user profile ----

    #[test]
    fn user_profile_names() {
        for ok in ["alice", "Data-Scientist-1", "a", "a--b", &"x".repeat(63)] {
            assert_eq!(validate_user_profile_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            err(validate_user_profile_name("")).code,
            FindingCode::ProfileNameEmpty
        );
        let e = err(validate_user_profile_name("alice.smith"));
        assert_eq!(
            e.to_string(),
            "`alice.smith` has `.` at position 6; user profile names allow only letters, digits and hyphens; use a hyphen instead, e.g. `alice-smith`"
        );
        assert_eq!(
            err(validate_user_profile_name("-alice")).code,
            FindingCode::ProfileNameBadStart
        );
        assert_eq!(
            err(validate_user_profile_name("alice-")).code,
            FindingCode::ProfileNameBadEnd
        );
        let e = err(validate_user_profile_name(&"x".repeat(64)));
        assert_eq!(e.code, FindingCode::ProfileNameTooLong);
        assert_eq!(e.fix, "shorten it by 1 characters");
    }

    // ---- availability zone ----

    #[test]
    fn availability_zones() {
        for ok in [
            "",
            "us-east-1a",
            "eu-central-2b",
            "us-west-2-lax-1a",
            "ap-southeast-3c",
        ] {
            assert_eq!(validate_availability_zone(ok), Ok(()), "{ok}");
        }
        let e = err(validate_availability_zone("use1-az1"));
        assert_eq!(e.code, FindingCode::AzIsId);
        assert!(e.fix.starts_with("give the zone name, like us-east-1a"));
        assert_eq!(
            err(validate_availability_zone("US-EAST-1A")).fix,
            "use `us-east-1a`"
        );
        for bad in ["us-east-1", "useast1a", "us east-1a", "a"] {
            assert_eq!(
                err(validate_availability_zone(bad)).code,
                FindingCode::AzNotAZone,
                "{bad}"
            );
        }
    }
}
