//! The composer's whole check, shared by the window and `ringdesk sms send`:
//! a [`Draft`] as typed, checked against the settings, the registered
//! sender numbers, the recipient and the advertising law, gives the live
//! counter ([`Measure`]) and every problem, each naming the field to point
//! at; a clean draft becomes the [`NewMessage`] the store queues.
//!
//! Pure like the rest of [`crate::sms`]: the caller passes the customer,
//! the senders, the user-defined fields and the local time, so the window
//! can run it on every keystroke and the command line gets the same answer.
//! Nothing is queued unless this check passes.

use jiff::civil::Time;

use super::Field;
use super::gateway::{NoPictures, pictures_allowed};
use super::picture_file::PictureFileError;
use super::rules::{AdProblem, AdRules, check_advertising};
use super::template;
use super::text::{
    Attachment, Destination, ImageProblem, Limits, Measure, MessageText, TextProblem,
};
use crate::config::SmsSettings;
use crate::domain::{
    Customer, CustomerId, FieldDef, Invalid, NewMessage, PhoneError, PhoneNumber, Picture, Region,
    SenderNumber, TemplateId, UserId,
};

/// A message as the agent typed it; nothing is checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The recipient's number as typed or picked from a card.
    pub to: String,
    /// The customer it goes to, when it was written from a card.
    pub customer: Option<CustomerId>,
    /// The sender number as shown or typed (any layout); empty picks the
    /// only enabled sender number when there is exactly one.
    pub from: String,
    /// The text, placeholders (`#{이름}`) and all.
    pub text: String,
    /// The LMS/MMS subject; may be empty.
    pub subject: String,
    /// An advertisement (광고): the advertising rules apply.
    pub advertising: bool,
    /// A JPEG picture, which makes it an MMS. Shared, not copied: the
    /// window clones the draft for every check and send.
    pub image: Option<Picture>,
    /// The saved text it was started from, if any.
    pub template: Option<TemplateId>,
}

/// What the check needs besides the draft.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The `[sms]` settings: byte limits, the sender's name, the opt-out number.
    pub settings: &'a SmsSettings,
    /// How a number without a country code is read.
    pub region: Region,
    /// The registered sender numbers.
    pub senders: &'a [SenderNumber],
    /// The user-defined fields, for placeholders.
    pub fields: &'a [FieldDef],
    /// The customer it goes to (the draft's, or the one customer the number
    /// belongs to), for placeholders and their advertising consent.
    pub customer: Option<&'a Customer>,
    /// The local time it would go out, for the night rule.
    pub local_time: Time,
}

/// One thing that keeps a draft from being sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DraftProblem {
    /// The part of the composer it is about.
    #[serde(serialize_with = "field_name")]
    pub field: Field,
    /// What is wrong, typed so the window can say it in its own language;
    /// its English words go to the command line and to JSON as `message`.
    #[serde(rename = "message", serialize_with = "issue_words")]
    pub issue: Issue,
}

impl DraftProblem {
    /// `issue`, pointing at `field`.
    #[must_use]
    pub fn new(field: Field, issue: Issue) -> Self {
        Self { field, issue }
    }
}

impl std::fmt::Display for DraftProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.issue)
    }
}

/// What is wrong with a draft. The English words (Display) are for the
/// command line; the window says each in its own language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Issue {
    /// The length, characters or subject of the text.
    #[error(transparent)]
    Text(TextProblem),
    /// The advertising law.
    #[error(transparent)]
    Ad(AdProblem),
    /// The attached picture.
    #[error(transparent)]
    Image(ImageProblem),
    /// No recipient typed.
    #[error("enter the number to send to")]
    NoRecipient,
    /// The recipient is not a phone number at all.
    #[error("{number}: {reason}")]
    UnreadableNumber {
        /// As typed.
        number: String,
        /// Why it is not a number.
        reason: PhoneError,
    },
    /// The recipient looks like a number but no such number exists.
    #[error("{number} is not a valid phone number")]
    InvalidNumber {
        /// As typed.
        number: String,
    },
    /// A Korean number that is not a mobile one.
    #[error("{number} is not a mobile number; text messages go to mobile numbers (010…) only")]
    NotMobile {
        /// As displayed.
        number: String,
    },
    /// No sender number is registered and enabled.
    #[error("no sender number is registered; register one (발신번호) before sending")]
    NoSender,
    /// Several sender numbers and none chosen.
    #[error("choose the sender number to send from")]
    ChooseSender,
    /// The chosen sender number is not a phone number at all.
    #[error("{number}: {reason}")]
    UnreadableSender {
        /// As typed.
        number: String,
        /// Why it is not a number.
        reason: PhoneError,
    },
    /// The chosen sender number is registered but switched off.
    #[error("{number} is switched off; switch it on or pick another sender number")]
    SenderOff {
        /// As typed.
        number: String,
    },
    /// The chosen sender number is not registered.
    #[error("{number} is not a registered sender number (발신번호); register it first")]
    UnregisteredSender {
        /// As typed.
        number: String,
    },
    /// A placeholder no field answers to.
    #[error("#{{{name}}} is not a detail ringdesk can fill in; correct or remove it")]
    UnknownPlaceholder {
        /// The name between the braces.
        name: String,
    },
    /// Placeholders with no customer to fill them.
    #[error(
        "{placeholders} can only be filled in for a customer; send from a customer's card or remove it"
    )]
    NoCustomer {
        /// The placeholders, `#{이름}, #{회사}`.
        placeholders: String,
    },
    /// A placeholder the customer has no value for.
    #[error("#{{{name}}} is empty for {customer}; fill it in on the card or remove it")]
    EmptyPlaceholder {
        /// The name between the braces.
        name: String,
        /// The customer's name.
        customer: String,
    },
    /// A picture, and a gateway that carries text only.
    #[error(transparent)]
    NoPictures(NoPictures),
    /// A picture file that cannot be attached.
    #[error(transparent)]
    PictureFile(PictureFileError),
    /// The store refused the message (a sender switched off since the check).
    #[error(transparent)]
    Invalid(Invalid),
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's serialize_with hands over a reference"
)]
fn field_name<S: serde::Serializer>(field: &Field, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(field.as_str())
}

fn issue_words<S: serde::Serializer>(issue: &Issue, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(issue)
}

/// The draft as the composer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The text with the customer's details filled in (as typed without one).
    pub text: String,
    /// The subject likewise, trimmed.
    pub subject: String,
    /// Bytes or segments, and the kind it goes as.
    pub measure: Measure,
    /// The recipient, parsed, when it is a number a message can go to.
    pub to: Option<PhoneNumber>,
    /// The sender number it goes out from, when one is registered and enabled.
    pub sender: Option<SenderNumber>,
    /// Everything that keeps it from being sent, in the composer's order
    /// (recipient, sender, text, advertising); empty when it may go.
    pub problems: Vec<DraftProblem>,
}

impl Checked {
    /// Whether the draft may be queued as it is.
    #[must_use]
    pub fn is_sendable(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems about one field.
    pub fn problems_of(&self, field: Field) -> impl Iterator<Item = &DraftProblem> {
        self.problems
            .iter()
            .filter(move |problem| problem.field == field)
    }
}

/// Checks `draft` in `context`.
#[must_use]
pub fn check(draft: &Draft, context: &Context<'_>) -> Checked {
    let mut problems = Vec::new();
    let mut problem = |field: Field, issue: Issue| problems.push(DraftProblem::new(field, issue));

    let to = recipient(&draft.to, context.region).map_err(|issue| problem(Field::To, issue));
    let sender = sender(&draft.from, context).map_err(|issue| problem(Field::From, issue));

    let text = fill(&draft.text, Field::Body, context, &mut problem);
    let subject = fill(draft.subject.trim(), Field::Subject, context, &mut problem);
    let image = draft.image.as_ref().and_then(|picture| {
        if let Some(issue) = picture_issue(picture, context.settings) {
            problem(Field::Image, issue);
        }
        // A picture the gateway cannot carry still counts as one for the
        // kind and the subject.
        Attachment::jpeg(picture.bytes()).ok()
    });
    let destination = to.as_ref().map_or(Destination::Korea, Destination::of);
    let measure = MessageText {
        body: &text,
        subject: &subject,
        image,
        destination,
    }
    .measure(Limits::from(context.settings));
    for text_problem in &measure.problems {
        problem(text_problem.field(), Issue::Text(text_problem.clone()));
    }

    let (opted_out, night_consent) = context.customer.map_or((false, false), |customer| {
        (customer.ad_opt_out_at.is_some(), customer.ad_night_consent)
    });
    let contact = sender.as_ref().map_or("", |sender| sender.raw.as_str());
    let rules = AdRules::from_settings(context.settings, contact);
    for ad_problem in check_advertising(
        &text,
        draft.advertising,
        &rules,
        opted_out,
        night_consent,
        context.local_time,
    ) {
        problem(ad_problem.field(), Issue::Ad(ad_problem));
    }
    Checked {
        text,
        subject,
        measure,
        to: to.ok(),
        sender: sender.ok(),
        problems,
    }
}

/// Why `picture` cannot go as an MMS through the gateway `settings` name:
/// not a JPEG small enough for a carrier, or a gateway that carries text
/// only (it would drop the picture or refuse the message once queued; the
/// agent hears it before). The composer checks every draft with it; a bulk
/// send is refused with it before it is stored.
///
/// Only the size and the first bytes are looked at: this runs on every
/// keystroke, and a picture is up to 300 KB.
#[must_use]
pub fn picture_issue(picture: &Picture, settings: &SmsSettings) -> Option<Issue> {
    match Attachment::jpeg(picture.bytes()) {
        Err(problem) => Some(Issue::Image(problem)),
        Ok(_) => pictures_allowed(settings).err().map(Issue::NoPictures),
    }
}

/// The message to queue for a clean draft, sent by `user`.
///
/// # Errors
/// Every problem [`check`] finds, when there is one.
pub fn to_message(
    draft: &Draft,
    context: &Context<'_>,
    user: Option<UserId>,
) -> Result<NewMessage, Vec<DraftProblem>> {
    let checked = check(draft, context);
    match checked {
        Checked {
            text,
            subject,
            measure,
            to: Some(to),
            sender: Some(sender),
            problems,
        } if problems.is_empty() => Ok(NewMessage {
            batch_id: None,
            customer_id: context.customer.map(|customer| customer.id),
            user_id: user,
            to,
            from_key: sender.key,
            kind: measure.kind,
            subject,
            body: text,
            advertising: draft.advertising,
            image: draft.image.clone(),
        }),
        Checked { problems, .. } => Err(problems),
    }
}

/// The recipient, or why no message can go to it: a real number, and a
/// mobile one when it is Korean.
pub(crate) fn recipient(to: &str, region: Region) -> Result<PhoneNumber, Issue> {
    let typed = to.trim();
    if typed.is_empty() {
        return Err(Issue::NoRecipient);
    }
    let number = PhoneNumber::parse(to, region).map_err(|reason| Issue::UnreadableNumber {
        number: typed.to_owned(),
        reason,
    })?;
    if !number.is_verified() {
        return Err(Issue::InvalidNumber {
            number: typed.to_owned(),
        });
    }
    if Destination::of(&number) == Destination::Korea && !number.is_mobile() {
        return Err(Issue::NotMobile {
            number: number.display().to_owned(),
        });
    }
    Ok(number)
}

/// The registered, enabled sender number `from` names, or the only one.
fn sender(from: &str, context: &Context<'_>) -> Result<SenderNumber, Issue> {
    let enabled = || context.senders.iter().filter(|sender| sender.enabled);
    let typed = from.trim();
    if typed.is_empty() {
        let mut senders = enabled();
        return match (senders.next(), senders.next()) {
            (Some(only), None) => Ok(only.clone()),
            (None, _) => Err(Issue::NoSender),
            (Some(_), Some(_)) => Err(Issue::ChooseSender),
        };
    }
    let key = PhoneNumber::parse(from, context.region)
        .map(|number| number.key().to_owned())
        .map_err(|reason| Issue::UnreadableSender {
            number: typed.to_owned(),
            reason,
        })?;
    let number = typed.to_owned();
    match context.senders.iter().find(|sender| sender.key == key) {
        Some(sender) if sender.enabled => Ok(sender.clone()),
        Some(_) => Err(Issue::SenderOff { number }),
        None => Err(Issue::UnregisteredSender { number }),
    }
}

/// The text with the customer's details in place of its placeholders; a
/// placeholder that is unknown, empty for the customer, or has no customer
/// to fill it is a problem on the body.
fn fill(
    text: &str,
    field: Field,
    context: &Context<'_>,
    problem: &mut impl FnMut(Field, Issue),
) -> String {
    for unknown in template::unknown(text, context.fields) {
        problem(field, Issue::UnknownPlaceholder { name: unknown.name });
    }
    let placeholders = template::placeholders(text);
    if placeholders.is_empty() {
        return text.to_owned();
    }
    let Some(customer) = context.customer else {
        let known: Vec<String> = placeholders
            .iter()
            .filter(|placeholder| template::is_known(&placeholder.name, context.fields))
            .map(|placeholder| format!("#{{{}}}", placeholder.name))
            .collect();
        if !known.is_empty() {
            problem(
                field,
                Issue::NoCustomer {
                    placeholders: known.join(", "),
                },
            );
        }
        return text.to_owned();
    };
    let (filled, empty) = template::fill(text, customer, context.fields);
    for name in empty {
        problem(
            field,
            Issue::EmptyPlaceholder {
                name,
                customer: customer.name.clone(),
            },
        );
    }
    filled
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::domain::{CustomerPhone, SenderNumberId, Timestamp};

    const NOON: Time = Time::constant(12, 0, 0, 0);
    const NIGHT: Time = Time::constant(22, 30, 0, 0);

    fn settings() -> SmsSettings {
        SmsSettings {
            sender_name: "링데스크".to_owned(),
            optout_number: "080-123-4567".to_owned(),
            ..SmsSettings::default()
        }
    }

    fn senders() -> Vec<SenderNumber> {
        vec![SenderNumber {
            id: SenderNumberId(1),
            key: "+8215881234".to_owned(),
            raw: "1588-1234".to_owned(),
            label: String::new(),
            enabled: true,
            created_at: Timestamp(0),
        }]
    }

    fn customer() -> Customer {
        Customer {
            id: CustomerId(7),
            name: "홍길동".to_owned(),
            company: String::new(),
            email: None,
            address: String::new(),
            country: None,
            status: None,
            source: String::new(),
            assignee_id: None,
            memo: String::new(),
            phones: Vec::<CustomerPhone>::new(),
            groups: Vec::new(),
            tags: Vec::new(),
            fields: Vec::new(),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            deleted_at: None,
            ad_opt_out_at: None,
            ad_night_consent: false,
            ad_consent_at: None,
            ad_consent_channel: None,
        }
    }

    fn draft(text: &str) -> Draft {
        Draft {
            to: "010-1234-5678".to_owned(),
            text: text.to_owned(),
            ..Draft::default()
        }
    }

    fn run(draft: &Draft, customer: Option<&Customer>, at: Time) -> Checked {
        let settings = settings();
        let senders = senders();
        check(
            draft,
            &Context {
                settings: &settings,
                region: Region::KOREA,
                senders: &senders,
                fields: &[],
                customer,
                local_time: at,
            },
        )
    }

    fn fields(checked: &Checked) -> Vec<&'static str> {
        checked
            .problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect()
    }

    #[test]
    fn a_clean_draft_becomes_a_message_from_the_only_sender() {
        let customer = customer();
        let draft = draft("#{이름}님, 내일 방문 예정입니다.");
        let checked = run(&draft, Some(&customer), NOON);
        assert!(checked.is_sendable(), "{:?}", checked.problems);
        assert_eq!(checked.text, "홍길동님, 내일 방문 예정입니다.");
        let settings = settings();
        let senders = senders();
        let context = Context {
            settings: &settings,
            region: Region::KOREA,
            senders: &senders,
            fields: &[],
            customer: Some(&customer),
            local_time: NOON,
        };
        let message = to_message(&draft, &context, None).unwrap();
        assert_eq!(message.from_key, "+8215881234");
        assert_eq!(message.to.key(), "+821012345678");
        assert_eq!(message.customer_id, Some(CustomerId(7)));
        assert_eq!(message.kind, crate::domain::MessageKind::Sms);
        assert_eq!(message.body, "홍길동님, 내일 방문 예정입니다.");
    }

    #[rstest]
    #[case::empty_text("010-1234-5678", "", "", &["body"])]
    #[case::no_recipient("", "", "안녕하세요", &["to"])]
    #[case::not_a_number("홍길동", "", "안녕하세요", &["to"])]
    #[case::landline("02-2299-7000", "", "안녕하세요", &["to"])]
    #[case::unregistered_sender("010-1234-5678", "02-777-7777", "안녕하세요", &["from"])]
    #[case::unknown_placeholder("010-1234-5678", "", "#{직급}님 안녕하세요", &["body"])]
    #[case::placeholder_without_customer("010-1234-5678", "", "#{이름}님 안녕하세요", &["body"])]
    fn bad_input_names_its_field(
        #[case] to: &str,
        #[case] from: &str,
        #[case] text: &str,
        #[case] expected: &[&str],
    ) {
        let draft = Draft {
            to: to.to_owned(),
            from: from.to_owned(),
            text: text.to_owned(),
            ..Draft::default()
        };
        let checked = run(&draft, None, NOON);
        assert_eq!(fields(&checked), expected, "{:?}", checked.problems);
    }

    #[test]
    fn over_long_text_is_refused_and_counted() {
        let checked = run(&draft(&"가".repeat(1001)), None, NOON);
        assert_eq!(fields(&checked), ["body"]);
        assert!(
            checked.problems[0].issue.to_string().contains("2002 bytes"),
            "{:?}",
            checked.problems
        );
    }

    #[test]
    fn the_subject_is_filled_in_too() {
        let customer = customer();
        let mut draft = draft("내일 오전 방문 예정입니다.");
        draft.subject = " #{이름}님 방문 안내 ".to_owned();
        let checked = run(&draft, Some(&customer), NOON);
        assert!(checked.is_sendable(), "{:?}", checked.problems);
        assert_eq!(checked.subject, "홍길동님 방문 안내");
        assert_eq!(checked.measure.kind, crate::domain::MessageKind::Lms);
        draft.subject = "#{직급} 안내".to_owned();
        assert_eq!(fields(&run(&draft, Some(&customer), NOON)), ["subject"]);
    }

    #[test]
    fn an_empty_detail_is_a_hole_in_the_text() {
        let customer = customer();
        let checked = run(&draft("#{회사} 담당자님께"), Some(&customer), NOON);
        assert_eq!(fields(&checked), ["body"]);
        assert!(checked.problems[0].issue.to_string().contains("#{회사}"));
    }

    #[test]
    fn advertising_follows_the_law_and_the_recipient() {
        let mut customer = customer();
        let lawful = "(광고) 링데스크 1588-1234\n봄맞이 할인\n무료수신거부 080-123-4567";
        let mut ad = draft(lawful);
        ad.advertising = true;
        assert!(run(&ad, Some(&customer), NOON).is_sendable());
        assert_eq!(fields(&run(&ad, Some(&customer), NIGHT)), ["send_at"]);
        customer.ad_night_consent = true;
        assert!(run(&ad, Some(&customer), NIGHT).is_sendable());
        customer.ad_opt_out_at = Some(Timestamp(1));
        assert_eq!(fields(&run(&ad, Some(&customer), NOON)), ["to"]);
        let mut unmarked = draft("봄맞이 할인");
        unmarked.advertising = true;
        assert!(fields(&run(&unmarked, None, NOON)).contains(&"body"));
    }

    #[rstest]
    #[case::exact("(광고)봄맞이 할인")]
    #[case::square_brackets("[광고] 봄맞이 할인")]
    #[case::spaced(" ( 광고 ) 봄맞이 할인")]
    fn a_marked_text_must_go_as_advertising(#[case] text: &str) {
        let checked = run(&draft(text), None, NIGHT);
        assert_eq!(fields(&checked), ["body"]);
        assert_eq!(checked.problems[0].issue, Issue::Ad(AdProblem::NotSentAsAd));
        // Not marked at its start: an ordinary message that mentions 광고.
        assert!(run(&draft("광고 문의 감사합니다 (광고)"), None, NIGHT).is_sendable());
    }

    #[test]
    fn problems_serialise_with_their_field_and_english_words() {
        let checked = run(&draft(""), None, NOON);
        let json = serde_json::to_value(&checked.problems).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{ "field": "body", "message": "the message is empty" }])
        );
    }

    /// The smallest thing that passes for a JPEG: its markers and a little more.
    fn jpeg() -> Picture {
        Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'])
    }

    #[rstest]
    #[case::dry_run(crate::config::GatewayKind::DryRun, "", None)]
    #[case::kannel(crate::config::GatewayKind::Kannel, "image", Some("Kannel"))]
    #[case::http_without_field(crate::config::GatewayKind::Http, "", Some("sms.http.image_field"))]
    #[case::http_with_field(crate::config::GatewayKind::Http, "image", None)]
    fn a_picture_goes_where_the_gateway_carries_it(
        #[case] gateway: crate::config::GatewayKind,
        #[case] image_field: &str,
        #[case] refusal: Option<&str>,
    ) {
        let mut settings = settings();
        settings.gateway = gateway;
        image_field.clone_into(&mut settings.http.image_field);
        let senders = senders();
        let context = Context {
            settings: &settings,
            region: Region::KOREA,
            senders: &senders,
            fields: &[],
            customer: None,
            local_time: NOON,
        };
        let mut draft = draft("매장 약도입니다.");
        draft.image = Some(jpeg());
        let checked = check(&draft, &context);
        assert_eq!(checked.measure.kind, crate::domain::MessageKind::Mms);
        match refusal {
            None => {
                assert!(checked.is_sendable(), "{:?}", checked.problems);
                let message = to_message(&draft, &context, None).unwrap();
                assert_eq!(message.kind, crate::domain::MessageKind::Mms);
                // The draft's own copy, not a copy of its bytes.
                assert!(
                    message
                        .image
                        .unwrap()
                        .is_same_copy(draft.image.as_ref().unwrap())
                );
            }
            Some(named) => {
                assert_eq!(fields(&checked), ["image"]);
                assert!(
                    checked.problems[0].issue.to_string().contains(named),
                    "{:?}",
                    checked.problems
                );
            }
        }
    }

    #[test]
    fn a_picture_that_is_no_jpeg_or_too_large_is_refused() {
        let mut png = draft("사진");
        png.image = Some(Picture::new(b"\x89PNG\r\n".to_vec()));
        let checked = run(&png, None, NOON);
        assert_eq!(fields(&checked), ["image"]);
        assert!(checked.problems[0].issue.to_string().contains("JPEG"));
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(300_001, 0);
        let mut large = draft("사진");
        large.image = Some(Picture::new(big));
        assert_eq!(fields(&run(&large, None, NOON)), ["image"]);
    }

    #[test]
    fn several_senders_need_a_choice_and_a_switched_off_one_is_refused() {
        let settings = settings();
        let mut senders = senders();
        senders.push(SenderNumber {
            id: SenderNumberId(2),
            key: "+82222997000".to_owned(),
            raw: "02-2299-7000".to_owned(),
            label: String::new(),
            enabled: false,
            created_at: Timestamp(0),
        });
        let context = Context {
            settings: &settings,
            region: Region::KOREA,
            senders: &senders,
            fields: &[],
            customer: None,
            local_time: NOON,
        };
        // One enabled sender is still the only choice.
        assert!(check(&draft("안녕하세요"), &context).is_sendable());
        let mut off = draft("안녕하세요");
        off.from = "02-2299-7000".to_owned();
        let checked = check(&off, &context);
        assert_eq!(fields(&checked), ["from"]);
        assert_eq!(
            checked.problems[0].issue,
            Issue::SenderOff {
                number: "02-2299-7000".to_owned()
            }
        );
        senders[1].enabled = true;
        let context = Context {
            settings: &settings,
            region: Region::KOREA,
            senders: &senders,
            fields: &[],
            customer: None,
            local_time: NOON,
        };
        assert_eq!(fields(&check(&draft("안녕하세요"), &context)), ["from"]);
    }
}
