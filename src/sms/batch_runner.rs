//! A running bulk send turned into messages, a chunk at a time.
//!
//! Each recipient is checked when its turn comes, with the composer's own
//! rules ([`compose::to_message`]) at the local time of that moment: a
//! customer who opted out of advertising since the list was made is left
//! out, with the reason. An advertisement whose turn comes between 21:00
//! and 08:00 to a recipient without night consent (and nothing else
//! against it) stops the chunk there; the batch waits for the morning. The chunk's messages and what became of
//! each recipient are written in one transaction
//! ([`Store::settle_recipients`]), so a crash between chunks resumes at the
//! first recipient not yet settled: none sent twice, none skipped. When no
//! recipient is left the batch is done (its messages go on through the
//! outbox).

use jiff::civil::Time;

use super::compose::{self, Draft, DraftProblem, Issue};
use super::rules::AdProblem;
use super::template;
use super::text::TextProblem;
use crate::config::Settings;
use crate::domain::{
    Batch, BatchId, BatchRecipient, BatchState, Customer, Picture, RecipientOutcome, Skip,
    SkipReason, UserId,
};
use crate::store::{self, Store};

/// What one step of a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Messages queued.
    pub queued: u32,
    /// Recipients left out.
    pub skipped: u32,
    /// Recipients still to come.
    pub pending: u32,
    /// The advertising night stopped it: it goes on at 08:00.
    pub held_for_night: bool,
}

/// Turns up to `chunk` recipients of `batch` into messages, as of local
/// time `at`, sent by `user`. A batch that is not running is left alone
/// (nothing queued).
///
/// # Errors
/// On a database failure, or [`store::Error::NotFound`] for an unknown
/// batch.
pub fn run_chunk(
    store: &mut Store,
    settings: &Settings,
    batch_id: BatchId,
    user: Option<UserId>,
    at: Time,
    chunk: u32,
) -> store::Result<Step> {
    let batch = store.batch(batch_id)?;
    if batch.state != BatchState::Running {
        return Ok(Step {
            queued: 0,
            skipped: 0,
            pending: store.pending_recipient_count(batch_id)?,
            held_for_night: false,
        });
    }
    let pending = store.pending_recipients(batch_id, chunk)?;
    let senders = store.sender_numbers()?;
    let fields = store.field_defs()?;
    // Read once a chunk; every message of it shares these bytes, so the
    // store hashes them once and names the batch's stored copy.
    let picture = batch
        .image
        .map(|image| store.picture(image.id))
        .transpose()?;
    let from = batch
        .sender_number_id
        .and_then(|id| senders.iter().find(|sender| sender.id == id))
        .map(|sender| sender.raw.clone())
        .unwrap_or_default();
    let mut outcomes = Vec::with_capacity(pending.len());
    let mut held_for_night = false;
    for recipient in pending {
        let customer = match recipient.customer_id {
            Some(id) => match store.customer(id) {
                Ok(customer) if customer.deleted_at.is_none() => Some(customer),
                Ok(_) | Err(store::Error::NotFound { .. }) => None,
                Err(error) => return Err(error),
            },
            None => None,
        };
        let draft = draft_for(
            &batch,
            picture.as_ref(),
            &recipient,
            customer.as_ref(),
            &from,
        );
        let context = compose::Context {
            settings: &settings.sms,
            region: settings.phone.default_region,
            senders: &senders,
            fields: &fields,
            customer: customer.as_ref(),
            local_time: at,
        };
        let result = compose::to_message(&draft, &context, user);
        // The check knows the one customer of the list; an opt-out recorded
        // on any card with the number holds too (numbers typed in, sheets).
        let result = match result {
            Ok(message) if batch.advertising && store.number_opted_out(&message.to)? => {
                Err(vec![compose::DraftProblem::new(
                    super::Field::To,
                    Issue::Ad(AdProblem::OptedOut),
                )])
            }
            other => other,
        };
        match result {
            Ok(mut message) => {
                message.batch_id = Some(batch_id);
                outcomes.push((recipient.seq, RecipientOutcome::Message(Box::new(message))));
            }
            // Only the hour is wrong: it goes in the morning. Anything else
            // would keep it out at any hour.
            Err(problems)
                if problems.iter().all(|problem| {
                    matches!(problem.issue, Issue::Ad(AdProblem::NightTime { .. }))
                }) =>
            {
                held_for_night = true;
                break;
            }
            Err(problems) => {
                outcomes.push((recipient.seq, RecipientOutcome::Skipped(skip(&problems))));
            }
        }
    }
    let queued = outcomes
        .iter()
        .filter(|(_, outcome)| matches!(outcome, RecipientOutcome::Message(_)))
        .count();
    let skipped = outcomes.len() - queued;
    if !outcomes.is_empty() {
        store.settle_recipients(batch_id, &outcomes)?;
    }
    let left = store.pending_recipient_count(batch_id)?;
    if left == 0 {
        store.set_batch_state(batch_id, BatchState::Done)?;
    }
    Ok(Step {
        queued: u32::try_from(queued).unwrap_or(u32::MAX),
        skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
        pending: left,
        held_for_night,
    })
}

/// Why a recipient is left out, as a code the windows translate, with the
/// composer's refusals in English: the code is the first problem's that is
/// not the advertising night (which alone would only hold the batch).
fn skip(problems: &[DraftProblem]) -> Skip {
    let night =
        |problem: &&DraftProblem| matches!(problem.issue, Issue::Ad(AdProblem::NightTime { .. }));
    let reason = problems
        .iter()
        .find(|problem| !night(problem))
        .or_else(|| problems.first())
        .map_or(SkipReason::Refused, |problem| skip_reason(&problem.issue));
    let detail = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    Skip { reason, detail }
}

/// The code of one of the composer's refusals.
fn skip_reason(issue: &Issue) -> SkipReason {
    match issue {
        Issue::Ad(AdProblem::OptedOut) => SkipReason::OptedOut,
        Issue::Ad(AdProblem::NightTime { .. }) => SkipReason::Night,
        Issue::Ad(_) => SkipReason::AdRules,
        Issue::Text(TextProblem::EmptyBody) => SkipReason::EmptyText,
        Issue::Text(
            TextProblem::BodyTooLong { .. }
            | TextProblem::SubjectTooLong { .. }
            | TextProblem::TooManySegments { .. },
        ) => SkipReason::TextTooLong,
        Issue::Text(TextProblem::Unsupported { .. }) => SkipReason::UnsupportedCharacters,
        Issue::Text(TextProblem::SubjectAbroad | TextProblem::ImageAbroad) => SkipReason::Abroad,
        Issue::Image(_) | Issue::NoPictures(_) | Issue::PictureFile(_) => SkipReason::Picture,
        Issue::NoRecipient => SkipReason::NoNumber,
        Issue::UnreadableNumber { .. } | Issue::InvalidNumber { .. } => SkipReason::InvalidNumber,
        Issue::NotMobile { .. } => SkipReason::NotMobile,
        Issue::NoSender
        | Issue::ChooseSender
        | Issue::UnreadableSender { .. }
        | Issue::SenderOff { .. }
        | Issue::UnregisteredSender { .. } => SkipReason::Sender,
        Issue::EmptyPlaceholder { .. } => SkipReason::EmptyPlaceholder,
        Issue::UnknownPlaceholder { .. } | Issue::NoCustomer { .. } => {
            SkipReason::UnknownPlaceholder
        }
        Issue::Invalid(_) => SkipReason::Refused,
    }
}

/// The message to `recipient` as the composer would see it: the batch's
/// text with a sheet row's own columns filled in first (what they do not
/// name is left for the customer's details) and the batch's picture, so an
/// MMS is checked by the composer's own rules (a gateway without pictures
/// keeps it from going).
fn draft_for(
    batch: &Batch,
    picture: Option<&Picture>,
    recipient: &BatchRecipient,
    customer: Option<&Customer>,
    from: &str,
) -> Draft {
    let fill = |text: &str| template::fill_columns(text, &recipient.values);
    Draft {
        to: recipient.to_raw.clone(),
        customer: customer.map(|customer| customer.id),
        from: from.to_owned(),
        text: fill(&batch.body_template),
        subject: fill(&batch.subject),
        advertising: batch.advertising,
        image: picture.cloned(),
        template: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        BatchKind, CustomerDraft, NewBatch, NewRecipient, NewSenderNumber, PhoneDraft, PhoneNumber,
        Region,
    };

    const NOON: Time = Time::constant(12, 0, 0, 0);
    const NIGHT: Time = Time::constant(22, 0, 0, 0);
    const AD: &str = "(광고)링데스크 1588-1234\n#{이름}님 봄 할인\n무료수신거부 080-123-4567";

    fn settings() -> Settings {
        let mut settings = Settings::default();
        "링데스크".clone_into(&mut settings.sms.sender_name);
        "080-123-4567".clone_into(&mut settings.sms.optout_number);
        settings
    }

    fn customer(store: &mut Store, name: &str, number: &str, opted_out: bool) -> NewRecipient {
        let draft = CustomerDraft {
            name: name.to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: number.to_owned(),
            }],
            ad_opt_out: opted_out,
            ..CustomerDraft::default()
        };
        let id = store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
        NewRecipient {
            customer_id: Some(id),
            ..NewRecipient::to(&PhoneNumber::parse(number, Region::KOREA).unwrap())
        }
    }

    /// A running advertising batch to 홍길동 (opted out), 김민준 and a
    /// sheet row for 박서연.
    fn running_batch(store: &mut Store) -> BatchId {
        let sender = store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let recipients = [
            customer(store, "홍길동", "010-1111-2222", true),
            customer(store, "김민준", "010-3333-4444", false),
            NewRecipient {
                source_row: Some(4),
                values: vec![("이름".to_owned(), "박서연".to_owned())],
                ..NewRecipient::to(&PhoneNumber::parse("010-5555-6666", Region::KOREA).unwrap())
            },
        ];
        let id = store
            .create_batch_send(
                &NewBatch {
                    kind: BatchKind::Bulk,
                    title: String::new(),
                    created_by: None,
                    sender_number_id: Some(sender),
                    subject: String::new(),
                    body_template: AD.to_owned(),
                    advertising: true,
                    scheduled_at: None,
                    image: None,
                },
                &recipients,
            )
            .unwrap();
        store.set_batch_state(id, BatchState::Running).unwrap();
        id
    }

    /// A running batch of a notice with a picture to two typed numbers.
    fn running_picture_batch(store: &mut Store) -> BatchId {
        let sender = store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let recipients: Vec<NewRecipient> = ["010-1111-2222", "010-3333-4444"]
            .iter()
            .map(|number| NewRecipient::to(&PhoneNumber::parse(number, Region::KOREA).unwrap()))
            .collect();
        let id = store
            .create_batch_send(
                &NewBatch {
                    kind: BatchKind::Free,
                    title: String::new(),
                    created_by: None,
                    sender_number_id: Some(sender),
                    subject: "5월 행사".to_owned(),
                    body_template: "행사 안내입니다.".to_owned(),
                    advertising: false,
                    scheduled_at: None,
                    image: Some(crate::domain::Picture::new(vec![
                        0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F',
                    ])),
                },
                &recipients,
            )
            .unwrap();
        store.set_batch_state(id, BatchState::Running).unwrap();
        id
    }

    #[test]
    fn a_batch_with_a_picture_queues_mms_naming_its_stored_picture() {
        let mut store = Store::open_in_memory().unwrap();
        let id = running_picture_batch(&mut store);
        let image = store.batch(id).unwrap().image.unwrap();
        // Two chunks, so the picture is read and named again.
        for _ in 0..2 {
            run_chunk(&mut store, &settings(), id, None, NOON, 1).unwrap();
        }
        let messages = store
            .messages_of_batch(id, crate::store::Page::first(10))
            .unwrap();
        assert_eq!(messages.len(), 2);
        for message in &messages {
            assert_eq!(message.kind, crate::domain::MessageKind::Mms);
            assert_eq!(message.image, Some(image));
            assert_eq!(message.subject, "5월 행사");
        }
        let stored: i64 = store
            .conn_for_tests()
            .query_row("SELECT count(*) FROM message_images", [], |row| row.get(0))
            .unwrap();
        assert_eq!(stored, 1);
    }

    #[test]
    fn a_gateway_without_pictures_leaves_each_recipient_out_saying_why() {
        let mut store = Store::open_in_memory().unwrap();
        let id = running_picture_batch(&mut store);
        // The gateway changed to Kannel after the batch was stored.
        let mut settings = settings();
        settings.sms.gateway = crate::config::GatewayKind::Kannel;
        let step = run_chunk(&mut store, &settings, id, None, NOON, 10).unwrap();
        assert_eq!((step.queued, step.skipped, step.pending), (0, 2, 0));
        let left_out = store.batch_recipient(id, 1).unwrap().unwrap();
        assert!(
            left_out.skipped.as_deref().unwrap().contains("Kannel"),
            "{left_out:?}"
        );
    }

    #[test]
    fn recipients_become_messages_chunk_by_chunk_and_the_batch_ends_done() {
        let mut store = Store::open_in_memory().unwrap();
        let id = running_batch(&mut store);
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 2).unwrap();
        assert_eq!(
            step,
            Step {
                queued: 1,
                skipped: 1,
                pending: 1,
                held_for_night: false
            }
        );
        let skipped = store.batch_recipient(id, 1).unwrap().unwrap();
        let (reason, detail) = SkipReason::read(skipped.skipped.as_deref().unwrap()).unwrap();
        assert_eq!(reason, SkipReason::OptedOut);
        assert!(detail.contains("opted out"), "{skipped:?}");
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 2).unwrap();
        assert_eq!((step.queued, step.pending), (1, 0));
        assert_eq!(store.batch(id).unwrap().state, BatchState::Done);
        let texts: Vec<String> = store
            .messages_of_batch(id, crate::store::Page::first(10))
            .unwrap()
            .into_iter()
            .map(|message| message.body)
            .collect();
        assert!(texts.iter().any(|text| text.contains("김민준님 봄 할인")));
        assert!(
            texts.iter().any(|text| text.contains("박서연님 봄 할인")),
            "{texts:?}"
        );
        // Done: nothing more.
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 2).unwrap();
        assert_eq!((step.queued, step.pending), (0, 0));
    }

    #[test]
    fn an_opt_out_on_any_card_with_the_number_holds_for_a_typed_number() {
        let mut store = Store::open_in_memory().unwrap();
        let id = running_batch(&mut store);
        // 박서연's sheet row names no customer, but a card with the number
        // says no to advertising.
        customer(&mut store, "박서연", "010-5555-6666", true);
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 10).unwrap();
        assert_eq!((step.queued, step.skipped, step.pending), (1, 2, 0));
        let third = store.batch_recipient(id, 3).unwrap().unwrap();
        let (reason, _) = SkipReason::read(third.skipped.as_deref().unwrap()).unwrap();
        assert_eq!(reason, SkipReason::OptedOut);
    }

    #[test]
    fn advertising_waits_for_the_morning_and_a_paused_batch_for_its_resume() {
        let mut store = Store::open_in_memory().unwrap();
        let id = running_batch(&mut store);
        // 홍길동 opted out (left out at any hour); 김민준 has no night consent.
        let step = run_chunk(&mut store, &settings(), id, None, NIGHT, 10).unwrap();
        assert!(step.held_for_night);
        assert_eq!((step.queued, step.skipped, step.pending), (0, 1, 2));
        // Left out for the opt-out, though the night is against it too.
        let first = store.batch_recipient(id, 1).unwrap().unwrap();
        let (reason, detail) = SkipReason::read(first.skipped.as_deref().unwrap()).unwrap();
        assert_eq!(reason, SkipReason::OptedOut);
        assert!(detail.contains("21:00"), "{detail}");
        store.set_batch_state(id, BatchState::Paused).unwrap();
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 10).unwrap();
        assert_eq!((step.queued, step.pending), (0, 2));
        store.set_batch_state(id, BatchState::Running).unwrap();
        let step = run_chunk(&mut store, &settings(), id, None, NOON, 10).unwrap();
        assert_eq!((step.queued, step.pending), (2, 0));
    }

    #[rstest::rstest]
    #[case(Issue::NotMobile { number: "02-555-1234".to_owned() }, SkipReason::NotMobile)]
    #[case(Issue::InvalidNumber { number: "12345".to_owned() }, SkipReason::InvalidNumber)]
    #[case(
        Issue::EmptyPlaceholder { name: "회사".to_owned(), customer: "홍길동".to_owned() },
        SkipReason::EmptyPlaceholder
    )]
    #[case(
        Issue::Text(TextProblem::BodyTooLong { bytes: 2100, max: 2000 }),
        SkipReason::TextTooLong
    )]
    #[case(Issue::Ad(AdProblem::MissingMark), SkipReason::AdRules)]
    #[case(Issue::SenderOff { number: "1588-1234".to_owned() }, SkipReason::Sender)]
    fn a_refusal_is_stored_as_its_code_with_the_words(
        #[case] issue: Issue,
        #[case] reason: SkipReason,
    ) {
        let words = issue.to_string();
        let night = DraftProblem::new(
            super::super::Field::SendAt,
            Issue::Ad(AdProblem::NightTime { at: NIGHT }),
        );
        let skip = skip(&[night, DraftProblem::new(super::super::Field::To, issue)]);
        assert_eq!(skip.reason, reason);
        assert!(skip.detail.contains(&words), "{skip:?}");
        assert!(skip.detail.contains("21:00"), "{skip:?}");
    }
}
