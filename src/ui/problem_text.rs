//! Refusals from the domain rules, said in the window's language.

use super::i18n::Texts;
use crate::domain::{Invalid, Problem};

/// What is wrong with a field, in words for the person at the desk.
#[must_use]
pub fn describe(texts: &Texts, invalid: &Invalid) -> String {
    match &invalid.problem {
        Problem::Empty => texts.get("problem.empty").to_owned(),
        Problem::TooLong { bytes, max } => {
            texts.fmt("problem.too_long", &[("bytes", bytes), ("max", max)])
        }
        Problem::Email(_) => texts.get("problem.email").to_owned(),
        Problem::Phone(error) => texts.fmt("problem.phone", &[("reason", error)]),
        Problem::UnknownField { .. } => texts.get("problem.unknown_field").to_owned(),
        Problem::WrongType { value, expected } => texts.fmt(
            "problem.wrong_type",
            &[("value", value), ("expected", expected)],
        ),
        Problem::Malformed { value, reason } => {
            texts.fmt("problem.malformed", &[("value", value), ("reason", reason)])
        }
    }
}
