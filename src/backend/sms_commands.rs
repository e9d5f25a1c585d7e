//! The store thread's SMS commands: send (check and queue), the message log,
//! and resending a failed message. Sending itself happens on the SMS thread
//! ([`super::sms_thread`]); the store thread only queues and tells that
//! thread to look at the outbox.

use super::store_thread::{EventSender, Service, answer, failed};
use super::{Event, QueryId, local_time};
use crate::domain::{MessageFilter, MessageId, MessageState};
use crate::sms::compose::Draft;
use crate::sms::queue::{Queued, queue_draft};
use crate::sms::rules::check_ad_recipient;
use crate::store::{self, Page};

impl Service {
    /// [`super::Command::SendSms`].
    pub(super) fn send_sms(
        &mut self,
        request: QueryId,
        draft: &Draft,
        events: &EventSender,
    ) -> Event {
        let queued = queue_draft(
            &mut self.store,
            &self.settings,
            draft,
            None,
            local_time::now_time(),
        );
        match queued {
            Ok(Queued::Queued(id)) => {
                self.queued(id, events);
                Event::SmsQueued { request, id }
            }
            Ok(Queued::Refused(problems)) => Event::SmsRefused { request, problems },
            Err(error) => failed("send message", &error),
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
            Ok((
                self.store.count_message_log(filter)?,
                self.store.message_log(filter, Page { offset, limit })?,
            ))
        };
        answer("list messages", page(), |(total, rows)| {
            Event::MessagePage {
                request,
                offset,
                total,
                rows,
            }
        })
    }

    /// [`super::Command::ResendMessage`].
    pub(super) fn resend_message(&mut self, id: MessageId, events: &EventSender) -> Event {
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
            Ok(copy) => {
                self.queued(copy, events);
                Event::MessageResent {
                    original: id,
                    id: copy,
                }
            }
            Err(error) => failed("resend message", &error),
        }
    }

    /// Shows a newly queued message and wakes the outbox.
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
