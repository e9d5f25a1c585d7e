//! Saved SMS texts (SMS문구): what an agent picks instead of typing the same
//! message again, in an order the team arranges.

use serde::Serialize;

use super::ids::{SenderNumberId, TemplateId};
use super::input;
use super::invalid::Invalid;
use super::time::Timestamp;

/// Most characters in a template's title.
pub const TEMPLATE_TITLE_MAX_CHARS: usize = 100;
/// Most characters in a stored subject (LMS/MMS 제목): a loose cap on what is
/// kept. What a gateway takes is stricter, 40 EUC-KR bytes (20 Hangul), and
/// is checked when a message is composed
/// (`crate::sms::text::SUBJECT_MAX_BYTES`); counting characters here keeps
/// the store free of the carriers' encoding.
pub const SUBJECT_MAX_CHARS: usize = 120;
/// Longest template or batch body, in UTF-8 bytes. A stop-gap: the real
/// limits are per message kind in EUC-KR bytes (an LMS takes 2,000 of them,
/// which is more Hangul than 2,000 UTF-8 bytes) and are checked by
/// `crate::sms::text` when a message is composed.
pub const BODY_MAX_BYTES: usize = 2000;

/// A template to be saved. The store calls [`NewTemplate::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    /// What the template list shows; required, at most 100 characters.
    pub title: String,
    /// Subject for LMS/MMS; may be empty, at most 120 characters.
    pub subject: String,
    /// The text; required, at most [`BODY_MAX_BYTES`]. Kept as typed.
    pub body: String,
    /// The sender number to use with it, if one is preferred.
    pub sender_number_id: Option<SenderNumberId>,
    /// An advertisement (광고): the advertising rules apply when it is sent.
    pub advertising: bool,
}

impl NewTemplate {
    /// The template with its title and subject trimmed.
    ///
    /// # Errors
    /// The first of `title`, `subject` or `body` that breaks its rule.
    pub fn check(&self) -> Result<Self, Invalid> {
        let title = input::required("title", &self.title, TEMPLATE_TITLE_MAX_CHARS)?;
        let subject = input::optional("subject", &self.subject, SUBJECT_MAX_CHARS)?;
        input::body("body", &self.body, BODY_MAX_BYTES)?;
        Ok(Self {
            title,
            subject,
            ..self.clone()
        })
    }
}

/// A template as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    /// Row id.
    pub id: TemplateId,
    /// Title.
    pub title: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Preferred sender number, if any.
    pub sender_number_id: Option<SenderNumberId>,
    /// An advertisement.
    pub advertising: bool,
    /// Place in the list, from 0.
    pub position: i64,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn template(title: &str, subject: &str, body: &str) -> NewTemplate {
        NewTemplate {
            title: title.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            sender_number_id: None,
            advertising: false,
        }
    }

    #[test]
    fn title_and_subject_are_trimmed_the_body_is_kept() {
        let checked = template(" 방문 안내 ", " 안내 ", "  내일 뵙겠습니다.\n")
            .check()
            .unwrap();
        assert_eq!(checked.title, "방문 안내");
        assert_eq!(checked.subject, "안내");
        assert_eq!(checked.body, "  내일 뵙겠습니다.\n");
    }

    #[rstest]
    #[case(template(" ", "", "본문"), "title")]
    #[case(template(&"가".repeat(101), "", "본문"), "title")]
    #[case(template("t", &"a".repeat(121), "본문"), "subject")]
    #[case(template("t", "", " \n"), "body")]
    #[case(template("t", "", &"가".repeat(667)), "body")]
    fn each_bad_field_is_named(#[case] template: NewTemplate, #[case] field: &str) {
        assert_eq!(template.check().unwrap_err().field, field);
    }

    #[test]
    fn limits_are_inclusive() {
        assert!(
            template(&"가".repeat(100), &"a".repeat(120), &"a".repeat(2000))
                .check()
                .is_ok()
        );
    }
}
