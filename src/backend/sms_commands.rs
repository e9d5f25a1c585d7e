//! The store thread's SMS commands: send (check and queue), the message log,
//! resending a failed message, and reading a picture for an MMS. Sending
//! itself happens on the SMS thread ([`super::sms_thread`]); the store
//! thread only queues and tells that thread to look at the outbox.

use std::path::PathBuf;

use super::store_thread::{EventSender, Service, answer, failed};
use super::{Event, QueryId, local_time};
use crate::domain::{CustomerId, LoggedMessage, MessageFilter, MessageId, MessageState};
use crate::sms::compose::Draft;
use crate::sms::picture_file::{PictureFileError, read_picture};
use crate::sms::queue::{Queued, queue_draft};
use crate::sms::rules::check_ad_recipient;
use crate::store::{self, Page};

/// [`super::Command::LoadPicture`], read on a thread of its own: a picture
/// on a slow network drive holds up neither the store nor the window.
pub(super) fn load_picture(request: QueryId, path: PathBuf, events: &EventSender) {
    let sender = events.clone();
    let asked = path.clone();
    let spawned = std::thread::Builder::new()
        .name("ringdesk-picture".to_owned())
        .spawn(move || {
            let event = match read_picture(&asked) {
                Ok(picture) => Event::PictureLoaded {
                    request,
                    path: asked,
                    picture,
                },
                Err(error) => Event::PictureRefused { request, error },
            };
            sender.send(event);
        });
    if let Err(error) = spawned {
        events.send(Event::PictureRefused {
            request,
            error: PictureFileError::Unreadable {
                path,
                reason: error.to_string(),
            },
        });
    }
}

impl Service {
    /// [`super::Command::SendSms`]. Sends its events itself, in the order
    /// the window must see them: the answer, the queued message, and only
    /// then the SMS thread's news of it.
    pub(super) fn send_sms(&mut self, request: QueryId, draft: &Draft, events: &EventSender) {
        // The sender's own log lists it as theirs.
        let sender = self.store.actor().and_then(|actor| actor.id);
        let queued = queue_draft(
            &mut self.store,
            &self.settings,
            draft,
            sender,
            local_time::now_time(),
        );
        match queued {
            Ok(Queued::Queued(id)) => {
                events.send(Event::SmsQueued { request, id });
                self.queued(id, events);
            }
            Ok(Queued::Refused(problems)) => {
                events.send(Event::SmsRefused { request, problems });
            }
            Err(error) => {
                events.send(failed("send message", &error));
            }
        }
    }

    /// [`super::Command::ListMessages`]: the total and one page, read
    /// together so they agree.
    pub(super) fn message_page(
        &self,
        request: QueryId,
        filter: &MessageFilter,
        offset: u32,
        limit: u32,
    ) -> Event {
        let page = || -> store::Result<_> {
            let total = self.store.count_message_log(filter)?;
            let rows = self.store.message_log(filter, Page { offset, limit })?;
            let mut ids: Vec<CustomerId> = rows
                .iter()
                .filter_map(|row| match row {
                    LoggedMessage::Sent(message) => message.customer_id,
                    LoggedMessage::Received(_) => None,
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let customers = self.store.customer_names(&ids)?;
            Ok((total, rows, customers))
        };
        answer("list messages", page(), |(total, rows, customers)| {
            Event::MessagePage {
                request,
                offset,
                total,
                rows,
                customers,
            }
        })
    }

    /// [`super::Command::ResendMessage`]; sends its events itself, as
    /// [`Self::send_sms`] does.
    pub(super) fn resend_message(&mut self, id: MessageId, events: &EventSender) {
        let event = self.resend(id);
        let copy = match &event {
            Event::MessageResent { id, .. } => Some(*id),
            _ => None,
        };
        events.send(event);
        if let Some(copy) = copy {
            self.queued(copy, events);
        }
    }

    fn resend(&mut self, id: MessageId) -> Event {
        let failed_message = match self.store.message(id) {
            Ok(message) => message,
            Err(error) => return failed("resend message", &error),
        };
        if failed_message.state == MessageState::Failed && failed_message.advertising {
            // Consent may have changed since it was first sent, and the
            // night rule is about when it goes now.
            if let Some(customer) = failed_message.customer_id {
                let customer = match self.store.customer(customer) {
                    Ok(customer) => customer,
                    Err(error) => return failed("resend message", &error),
                };
                if let Some(problem) = check_ad_recipient(
                    customer.ad_opt_out_at.is_some(),
                    customer.ad_night_consent,
                    local_time::now_time(),
                )
                .first()
                {
                    return Event::Failed {
                        action: "resend message",
                        message: problem.to_string(),
                    };
                }
            }
        }
        match self.store.resend_message(id, failed_message.user_id) {
            Ok(copy) => Event::MessageResent {
                original: id,
                id: copy,
            },
            Err(error) => failed("resend message", &error),
        }
    }

    /// Shows a newly queued message, then wakes the outbox (so the window
    /// hears "queued" before "sending").
    fn queued(&self, id: MessageId, events: &EventSender) {
        match self.store.message(id) {
            Ok(message) => {
                events.send(Event::MessageChanged(Box::new(message)));
            }
            Err(error) => {
                events.send(failed("show message", &error));
            }
        }
        self.wake_outbox();
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::backend::test_support::{self, wait_for};
    use crate::backend::{Backend, Command};
    use crate::config::Settings;
    use crate::domain::{LoggedMessage, NewSenderNumber, PhoneNumber, Region, Timestamp};
    use crate::sms::Field;
    use crate::store::Store;

    fn with_sender(mut store: Store) -> Store {
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        store
    }

    fn spawn(store: Store) -> Backend {
        test_support::spawn(store, Settings::default())
    }

    fn draft(to: &str, text: &str) -> Box<Draft> {
        Box::new(Draft {
            to: to.to_owned(),
            text: text.to_owned(),
            ..Draft::default()
        })
    }

    #[test]
    fn a_draft_is_refused_with_its_fields_or_queued_and_listed() {
        let backend = spawn(with_sender(Store::open_in_memory().unwrap()));
        backend
            .send(Command::SendSms {
                request: QueryId(1),
                draft: draft("02-2299-7000", ""),
            })
            .unwrap();
        let problems = wait_for(&backend, |event| match event {
            Event::SmsRefused {
                request: QueryId(1),
                problems,
            } => Some(problems),
            _ => None,
        });
        let fields: Vec<Field> = problems.iter().map(|problem| problem.field).collect();
        assert_eq!(fields, [Field::To, Field::Body], "{problems:?}");

        backend
            .send(Command::SendSms {
                request: QueryId(2),
                draft: draft("010-1234-5678", "내일 오전 방문 예정입니다."),
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::SmsQueued {
                request: QueryId(2),
                id,
            } => Some(id),
            _ => None,
        });
        backend
            .send(Command::ListMessages {
                request: QueryId(3),
                filter: MessageFilter::period(Timestamp(0), Timestamp(i64::MAX)),
                offset: 0,
                limit: 10,
            })
            .unwrap();
        let (total, rows) = wait_for(&backend, |event| match event {
            Event::MessagePage { total, rows, .. } => Some((total, rows)),
            _ => None,
        });
        assert_eq!(total, 1);
        assert!(matches!(&rows[0], LoggedMessage::Sent(message) if message.id == id));
        // Only a failed message can be sent again.
        backend.send(Command::ResendMessage(id)).unwrap();
        wait_for(&backend, |event| match event {
            Event::Failed {
                action: "resend message",
                message,
            } => Some(message),
            _ => None,
        });
    }

    #[test]
    fn a_queued_message_is_sent_by_the_sms_thread() {
        let folder = tempfile::tempdir().unwrap();
        let store = with_sender(Store::open(&folder.path().join("ringdesk.db")).unwrap());
        let backend = spawn(store);
        let name = wait_for(&backend, |event| match event {
            Event::SmsGateway { name, problem, .. } => {
                assert_eq!(problem, None);
                Some(name)
            }
            _ => None,
        });
        assert_eq!(name, "dry-run");
        backend
            .send(Command::SendSms {
                request: QueryId(1),
                draft: draft("010-1234-5678", "안녕하세요"),
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::SmsQueued { id, .. } => Some(id),
            _ => None,
        });
        let delivered = wait_for(&backend, |event| match event {
            Event::MessageChanged(message)
                if message.id == id && message.state == MessageState::Delivered =>
            {
                Some(message)
            }
            _ => None,
        });
        assert!(delivered.gateway_ref.is_some());

        // A picture read off the window's thread goes out as an MMS.
        let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg");
        backend
            .send(Command::LoadPicture {
                request: QueryId(2),
                path: tiny.clone(),
            })
            .unwrap();
        let picture = wait_for(&backend, |event| match event {
            Event::PictureLoaded {
                request: QueryId(2),
                path,
                picture,
            } => {
                assert_eq!(path, tiny);
                Some(picture)
            }
            _ => None,
        });
        assert_eq!(picture.bytes(), std::fs::read(&tiny).unwrap());
        let mut mms = draft("010-1234-5678", "매장 약도입니다");
        mms.image = Some(picture.clone());
        backend
            .send(Command::SendSms {
                request: QueryId(3),
                draft: mms,
            })
            .unwrap();
        let id = wait_for(&backend, |event| match event {
            Event::SmsQueued { id, .. } => Some(id),
            _ => None,
        });
        let delivered = wait_for(&backend, |event| match event {
            Event::MessageChanged(message)
                if message.id == id && message.state == MessageState::Delivered =>
            {
                Some(message)
            }
            _ => None,
        });
        assert_eq!(delivered.kind, crate::domain::MessageKind::Mms);
        assert_eq!(
            delivered.image.map(|image| image.size_bytes),
            Some(picture.size_bytes())
        );

        // Anything else is refused, naming the file.
        let text = folder.path().join("memo.txt");
        std::fs::write(&text, "not a picture").unwrap();
        backend
            .send(Command::LoadPicture {
                request: QueryId(4),
                path: text.clone(),
            })
            .unwrap();
        let error = wait_for(&backend, |event| match event {
            Event::PictureRefused {
                request: QueryId(4),
                error,
            } => Some(error),
            _ => None,
        });
        assert_eq!(error.path(), text);
    }
}
