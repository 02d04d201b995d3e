//! `--guided`: the wizard's questions in line mode (SAM-style), with the same validation as the
//! form and preflight. Each prompt starts with the current answer (saved, `--config`, flags or
//! the seed default); Enter keeps it. The answers are saved before anything is deployed.

use std::io::IsTerminal;

use inquire::validator::Validation;
use inquire::{InquireError, Text};

use crate::core::field::Field;
use crate::core::params::{ParamsDraft, parse_user_list};
use crate::ops::studio::validate_user_names;
use crate::{exit, plain};

/// What to do when the user stops answering.
fn stopped(e: InquireError) -> i32 {
    match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => {
            plain::say("Stopped: nothing was deployed and no answer was saved.");
            exit::FAILED
        }
        other => {
            plain::say(format_args!("error: cannot ask: {other}"));
            exit::FAILED
        }
    }
}

/// Ask every parameter, then the Studio users. Err(exit code) when there is no terminal or the
/// user stops (Esc, Ctrl-C).
pub fn ask(initial: &ParamsDraft, users: &[String]) -> Result<(ParamsDraft, Vec<String>), i32> {
    if !std::io::stdin().is_terminal() {
        plain::say(format_args!(
            "error: --guided asks questions and needs a terminal; without one, pass the values \
             as flags or with --config FILE"
        ));
        return Err(exit::USAGE);
    }
    plain::say("Guided setup: each answer starts with the current value; Enter keeps it.");
    plain::say("Esc or Ctrl-C stops without deploying anything.");
    plain::say(format_args!(
        "Studio sign-in: {}.\n",
        crate::ops::studio::IDENTITY_NOTE
    ));
    let mut params = initial.clone();
    let mut fields: Vec<Field> = Field::ALL.to_vec();
    let mut users = users.to_vec();
    loop {
        for field in fields {
            let answer = ask_field(&params, field, users.len() as u32).map_err(stopped)?;
            params.set(field, &answer);
        }
        let joined = users.join(", ");
        let answer = Text::new("Studio users (comma-separated, may be empty):")
            .with_initial_value(&joined)
            .with_help_message(
                "user profile names: letters, digits and hyphens, at most 63 characters",
            )
            .with_validator(|input: &str| {
                let names = parse_user_list(input);
                if names.is_empty() {
                    return Ok(Validation::Valid);
                }
                Ok(
                    match validate_user_names(names.iter().map(String::as_str)) {
                        Ok(()) => Validation::Valid,
                        Err(e) => Validation::Invalid(e.message().into()),
                    },
                )
            })
            .prompt()
            .map_err(stopped)?;
        users = parse_user_list(&answer);
        // Checks across fields (subnets inside the VPC, sized for the users) may fail only now:
        // ask again the fields they name, keeping every other answer.
        let errors = params.field_errors(users.len() as u32);
        if errors.is_empty() {
            return Ok((params, users));
        }
        plain::say("");
        for (field, message) in &errors {
            plain::say(format_args!("✘ {}: {message}", field.label()));
        }
        plain::say("Asking those again.\n");
        fields = errors.keys().copied().collect();
    }
}

fn ask_field(params: &ParamsDraft, field: Field, users: u32) -> Result<String, InquireError> {
    let current = params.value(field);
    let base = params.clone();
    let label = format!("{}:", field.label());
    Text::new(&label)
        .with_initial_value(&current)
        .with_help_message(field.help())
        .with_validator(move |input: &str| {
            let mut candidate = base.clone();
            candidate.set(field, input);
            Ok(match candidate.field_errors(users).remove(&field) {
                Some(message) => Validation::Invalid(message.into()),
                None => Validation::Valid,
            })
        })
        .prompt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_split_and_trimmed() {
        assert_eq!(parse_user_list(" a, b,,c "), ["a", "b", "c"]);
        assert!(parse_user_list("  ").is_empty());
    }
}
