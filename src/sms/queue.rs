//! A draft into the outbox: what the window's send button and `ringdesk sms
//! send` both do. The customer, the registered senders and the
//! user-defined fields are read from the store, the draft is checked with
//! [`compose::check`] at the local time of sending, and only a clean draft
//! is written. A refusal names every problem's field; nothing is queued.

use jiff::civil::Time;

use super::Field;
use super::compose::{self, Draft, DraftProblem};
use super::rules::AdProblem;
use crate::config::Settings;
use crate::domain::{Customer, MessageId, PhoneNumber, UserId};
use crate::store::{self, Store};

/// How queueing a draft ended when the store worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queued {
    /// In the outbox.
    Queued(MessageId),
    /// Not queued, for these reasons.
    Refused(Vec<DraftProblem>),
}

/// The customer a draft goes to: the one it names, or else the one live
/// customer its number belongs to (so that an opt-out recorded on a card
/// holds for a number typed by hand). None for a stranger or a number
/// several customers share.
///
/// # Errors
/// On a database failure, or [`store::Error::NotFound`] for a named
/// customer that does not exist.
pub fn customer_of(
    store: &Store,
    draft: &Draft,
    settings: &Settings,
) -> store::Result<Option<Customer>> {
    if let Some(id) = draft.customer {
        return store.customer(id).map(Some);
    }
    let Ok(number) = PhoneNumber::parse(&draft.to, settings.phone.default_region) else {
        return Ok(None);
    };
    match store.customers_with_number(&number)?.as_slice() {
        [one] => store.customer(one.id).map(Some),
        _ => Ok(None),
    }
}

/// Whether any live customer with the draft's number opted out of
/// advertising.
fn shared_number_opted_out(
    store: &Store,
    draft: &Draft,
    settings: &Settings,
) -> store::Result<bool> {
    match PhoneNumber::parse(&draft.to, settings.phone.default_region) {
        Ok(number) => store.number_opted_out(&number),
        Err(_) => Ok(false),
    }
}

fn opted_out() -> DraftProblem {
    DraftProblem::new(Field::To, compose::Issue::Ad(AdProblem::OptedOut))
}

/// Checks `draft` as of local time `at` and queues it, sent by `user`.
///
/// # Errors
/// On a database failure (a refusal is [`Queued::Refused`], not an error).
pub fn queue_draft(
    store: &mut Store,
    settings: &Settings,
    draft: &Draft,
    user: Option<UserId>,
    at: Time,
) -> store::Result<Queued> {
    let customer = customer_of(store, draft, settings)?;
    let senders = store.sender_numbers()?;
    let fields = store.field_defs()?;
    let context = compose::Context {
        settings: &settings.sms,
        region: settings.phone.default_region,
        senders: &senders,
        fields: &fields,
        customer: customer.as_ref(),
        local_time: at,
    };
    // The check knows one customer at most; an opt-out by any of several
    // customers sharing the number holds too. (At night the check already
    // refuses advertising to a number without its one customer's consent.)
    let shared_opt_out =
        draft.advertising && customer.is_none() && shared_number_opted_out(store, draft, settings)?;
    let message = match compose::to_message(draft, &context, user) {
        Ok(_) if shared_opt_out => return Ok(Queued::Refused(vec![opted_out()])),
        Ok(message) => message,
        Err(mut problems) => {
            if shared_opt_out {
                problems.push(opted_out());
            }
            return Ok(Queued::Refused(problems));
        }
    };
    match store.enqueue_message(&message) {
        Ok(id) => Ok(Queued::Queued(id)),
        // The sender was switched off between the check and the write.
        Err(store::Error::Invalid(invalid)) => Ok(Queued::Refused(vec![DraftProblem::new(
            Field::from_name(&invalid.field),
            compose::Issue::Invalid(invalid),
        )])),
        Err(error) => Err(error),
    }
}
