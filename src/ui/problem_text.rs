//! Refusals from the domain rules, said in the window's language.

use super::i18n::Texts;
use crate::backend::{AdProblem, ImageProblem, Issue, NoPictures, ReadError, TextProblem};
use crate::domain::{Invalid, Problem};

/// What is wrong with a field, in words for the person at the desk.
#[must_use]
pub fn describe(texts: &Texts, invalid: &Invalid) -> String {
    match &invalid.problem {
        Problem::Empty => texts.get("problem.empty").to_owned(),
        Problem::Mismatch => texts.get("problem.mismatch").to_owned(),
        Problem::TooShort { chars, min } => {
            texts.fmt("problem.too_short", &[("chars", chars), ("min", min)])
        }
        Problem::TooLong { bytes, max } => {
            texts.fmt("problem.too_long", &[("bytes", bytes), ("max", max)])
        }
        Problem::Email(_) => texts.get("problem.email").to_owned(),
        Problem::Phone(error) => texts.fmt("problem.phone", &[("reason", error)]),
        Problem::Link(error) => texts.fmt("problem.phone", &[("reason", error)]),
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

/// Why a draft cannot be sent, in the window's language.
#[must_use]
pub fn describe_issue(texts: &Texts, issue: &Issue) -> String {
    match issue {
        Issue::Text(problem) => describe_text(texts, problem),
        Issue::Ad(problem) => describe_ad(texts, problem),
        Issue::Image(problem) => describe_image(texts, *problem),
        Issue::NoRecipient => texts.get("composer.no_recipient").to_owned(),
        Issue::UnreadableNumber { number, reason } | Issue::UnreadableSender { number, reason } => {
            texts.fmt(
                "composer.unreadable_number",
                &[("number", number), ("reason", reason)],
            )
        }
        Issue::InvalidNumber { number } => {
            texts.fmt("composer.invalid_number", &[("number", number)])
        }
        Issue::NotMobile { number } => texts.fmt("composer.not_mobile", &[("number", number)]),
        Issue::NoSender => texts.get("composer.no_sender").to_owned(),
        Issue::ChooseSender => texts.get("composer.choose_sender").to_owned(),
        Issue::SenderOff { number } => texts.fmt("composer.sender_off", &[("number", number)]),
        Issue::UnregisteredSender { number } => {
            texts.fmt("composer.sender_unregistered", &[("number", number)])
        }
        Issue::UnknownPlaceholder { name } => {
            texts.fmt("composer.unknown_placeholder", &[("name", name)])
        }
        Issue::NoCustomer { placeholders } => {
            texts.fmt("composer.no_customer", &[("placeholders", placeholders)])
        }
        Issue::EmptyPlaceholder { name, customer } => texts.fmt(
            "composer.empty_placeholder",
            &[("name", name), ("customer", customer)],
        ),
        Issue::NoPictures(NoPictures::Kannel) => {
            texts.get("composer.no_pictures_kannel").to_owned()
        }
        Issue::NoPictures(NoPictures::HttpWithoutField) => {
            texts.get("composer.no_pictures_http").to_owned()
        }
        Issue::PictureFile(error) => super::sms_picture::refusal_text(texts, error),
        Issue::Invalid(invalid) => describe(texts, invalid),
    }
}

/// Why a file cannot be read as a sheet, in the window's language, naming
/// the file.
#[must_use]
pub fn describe_read_error(texts: &Texts, error: &ReadError) -> String {
    let file = |path: &std::path::Path| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    };
    match error {
        ReadError::Unreadable { path, reason } => texts.fmt(
            "read_error.unreadable",
            &[("file", &file(path)), ("reason", reason)],
        ),
        ReadError::Cancelled { path } => {
            texts.fmt("read_error.cancelled", &[("file", &file(path))])
        }
        ReadError::Empty { path } => texts.fmt("read_error.empty", &[("file", &file(path))]),
        ReadError::NotAWorkbook { path, text: true } => {
            texts.fmt("read_error.text_not_workbook", &[("file", &file(path))])
        }
        ReadError::NotAWorkbook { path, text: false } => {
            texts.fmt("read_error.not_workbook", &[("file", &file(path))])
        }
        ReadError::Damaged { path, reason } => texts.fmt(
            "read_error.damaged",
            &[("file", &file(path)), ("reason", reason)],
        ),
        ReadError::UnknownKind { path } => {
            texts.fmt("read_error.unknown_kind", &[("file", &file(path))])
        }
        ReadError::BadText { path, line, reason } => texts.fmt(
            "read_error.bad_text",
            &[("file", &file(path)), ("line", line), ("reason", reason)],
        ),
    }
}

/// A length, character or subject problem of a text, in the window's
/// language. Characters EUC-KR cannot carry are listed as they are; the
/// composer names their places itself.
#[must_use]
pub fn describe_text(texts: &Texts, problem: &TextProblem) -> String {
    match problem {
        TextProblem::EmptyBody => texts.get("problem.empty").to_owned(),
        TextProblem::BodyTooLong { bytes, max } => {
            texts.fmt("templates.too_long", &[("bytes", bytes), ("max", max)])
        }
        TextProblem::SubjectTooLong { bytes, max } => texts.fmt(
            "templates.subject_too_long",
            &[("bytes", bytes), ("max", max)],
        ),
        TextProblem::Unsupported { chars, .. } => {
            let chars: String = chars.iter().map(|at| at.ch).collect();
            texts.fmt("templates.unsupported", &[("chars", &chars)])
        }
        TextProblem::TooManySegments { segments, max } => texts.fmt(
            "composer.too_many_segments",
            &[("segments", segments), ("max", max)],
        ),
        TextProblem::SubjectAbroad => texts.get("composer.subject_abroad").to_owned(),
        TextProblem::ImageAbroad => texts.get("composer.image_abroad").to_owned(),
    }
}

/// An advertising problem in the window's language.
#[must_use]
pub fn describe_ad(texts: &Texts, problem: &AdProblem) -> String {
    match problem {
        AdProblem::MissingMark => texts.get("composer.ad_mark").to_owned(),
        AdProblem::NoSenderName => texts.get("composer.ad_no_name").to_owned(),
        AdProblem::MissingSenderName { name } => texts.fmt("composer.ad_name", &[("name", name)]),
        AdProblem::NoSenderContact => texts.get("composer.ad_no_contact").to_owned(),
        AdProblem::MissingSenderContact { contact } => {
            texts.fmt("composer.ad_contact", &[("contact", contact)])
        }
        AdProblem::NoOptOutNumber => texts.get("composer.ad_no_optout").to_owned(),
        AdProblem::MissingOptOut { line } => texts.fmt("composer.ad_optout", &[("line", line)]),
        AdProblem::WrongOptOutNumber { found, expected } => texts.fmt(
            "composer.ad_wrong_optout",
            &[("found", found), ("expected", expected)],
        ),
        AdProblem::NightTime { at } => texts.fmt(
            "composer.ad_night",
            &[("time", &format!("{:02}:{:02}", at.hour(), at.minute()))],
        ),
        AdProblem::OptedOut => texts.get("composer.ad_opted_out").to_owned(),
        AdProblem::NotSentAsAd => texts.get("composer.ad_not_sent_as_ad").to_owned(),
    }
}

/// Why a picture cannot go, in the window's language.
#[must_use]
pub fn describe_image(texts: &Texts, problem: ImageProblem) -> String {
    match problem {
        ImageProblem::NotJpeg => texts.get("composer.image_not_jpeg").to_owned(),
        ImageProblem::TooLarge { bytes, max } => texts.fmt(
            "composer.image_too_large",
            &[("bytes", &bytes), ("max", &max)],
        ),
    }
}
