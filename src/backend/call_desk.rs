//! From the PBX's events to what the window shows: the tracker picks this
//! agent's calls out of the feed, the caller's number finds the customer,
//! and every call lands in the call log.
//!
//! Synchronous and without threads of its own, so the PBX thread, the
//! `pbx watch` command, the tests and the benchmark all drive the same code.
//! The pop-up's data goes out before the call is written: the write is
//! small, but the agent is waiting for the card, not for the log.

use std::collections::HashMap;

use super::event::{CallPopup, Event, PopupMatch};
use crate::config::Settings;
use crate::domain::{
    CallId, CallRecord, Customer, CustomerId, CustomerSummary, Direction, PhoneNumber, Region,
};
use crate::pbx::caller_number::caller_number;
use crate::pbx::tracker::{CallChange, CallUpdate, TrackedCall, Tracker};
use crate::pbx::{FeedEvent, OriginateOutcome, RequestId};
use crate::store::{self, Page, Store};

/// Most customers offered when several share the caller's number.
const MOST_MATCHES: usize = 8;

/// The agent's calls, from feed events to window events.
pub struct CallDesk {
    store: Store,
    tracker: Tracker,
    region: Region,
    outbound_prefix: String,
    extension: String,
    /// Click-to-call requests waiting for their outcome: the number dialled.
    dialling: HashMap<RequestId, String>,
    /// The customer of each call in progress, found when it started ringing.
    customers: HashMap<String, Option<CustomerSummary>>,
}

impl CallDesk {
    /// A desk writing to `store` for the extension and rules in `settings`.
    #[must_use]
    pub fn new(store: Store, settings: &Settings) -> Self {
        Self {
            store,
            tracker: Tracker::new(&settings.pbx.extension),
            region: settings.phone.default_region,
            outbound_prefix: settings.pbx.outbound_prefix.clone(),
            extension: settings.pbx.extension.clone(),
            dialling: HashMap::new(),
            customers: HashMap::new(),
        }
    }

    /// Follows changed settings (a new extension, region or prefix).
    pub fn set_settings(&mut self, settings: &Settings) {
        if settings.pbx.extension != self.extension {
            self.extension.clone_from(&settings.pbx.extension);
            self.tracker.set_extension(&self.extension);
        }
        self.region = settings.phone.default_region;
        self.outbound_prefix
            .clone_from(&settings.pbx.outbound_prefix);
    }

    /// Remembers that click-to-call request `id` dials `number`, so its
    /// outcome can name it.
    pub fn dialling(&mut self, id: RequestId, number: String) {
        self.dialling.insert(id, number);
    }

    /// Tells `out` what the window should hear about `event`, in order,
    /// each as soon as it is known: a pop-up goes out before its call is
    /// written to the log.
    pub fn handle(&mut self, event: FeedEvent, out: &mut dyn FnMut(Event)) {
        match event {
            FeedEvent::Link(state) => out(Event::PbxLink(state)),
            FeedEvent::Channel { at, event } => {
                for update in self.tracker.handle(at, &event) {
                    self.update(update, out);
                }
            }
            FeedEvent::Snapshot { at, channels } => {
                for update in self.tracker.resync(at, &channels) {
                    self.update(update, out);
                }
            }
            FeedEvent::Originated { id, outcome } => {
                let number = self.dialling.remove(&id).unwrap_or_default();
                out(Event::Dialled { number, outcome });
            }
        }
    }

    /// [`CallDesk::handle`] collected into a list (tests, the command line).
    pub fn events(&mut self, event: FeedEvent) -> Vec<Event> {
        let mut events = Vec::new();
        self.handle(event, &mut |event| events.push(event));
        events
    }

    /// Does once what the first call would otherwise wait for: the phone
    /// number tables and the lookup statements are made ready here, at start,
    /// not while the first caller's phone rings.
    pub fn warm_up(&self) {
        for number in ["010-0000-0000", "02-0000-0000", "+81 3-0000-0000"] {
            let number = caller_number(number, &self.outbound_prefix, self.region);
            if let Err(error) = self.matches(&number) {
                tracing::warn!("warming up the caller lookup: {error:#}");
            }
        }
    }

    /// The name to show on the agent's phone while click-to-call rings it:
    /// the customer's, when the number belongs to one.
    #[must_use]
    pub fn caller_name(&self, number: &PhoneNumber) -> String {
        if number.is_withheld() {
            return String::new();
        }
        self.store
            .customers_with_number(number)
            .ok()
            .and_then(|found| found.into_iter().next())
            .map(|customer| customer.name)
            .unwrap_or_default()
    }

    /// A click-to-call that could not even be asked for.
    #[must_use]
    pub fn not_connected(number: String) -> Event {
        Event::Dialled {
            number,
            outcome: OriginateOutcome::NotConnected,
        }
    }

    fn update(&mut self, update: CallUpdate, out: &mut dyn FnMut(Event)) {
        let number = caller_number(&update.call.number, &self.outbound_prefix, self.region);
        if !self.customers.contains_key(&update.call.linked_id) {
            let customer = match self.matches(&number) {
                Ok(matches) => {
                    let customer = match matches.as_slice() {
                        [only] => Some(summary(&only.customer)),
                        _ => None,
                    };
                    if update.call.direction != Direction::Out {
                        out(Event::CallRinging(Box::new(CallPopup {
                            call: update.call.clone(),
                            number: number.clone(),
                            matches,
                        })));
                    }
                    customer
                }
                Err(error) => {
                    tracing::error!("looking up caller {}: {error:#}", number.raw());
                    None
                }
            };
            self.customers
                .insert(update.call.linked_id.clone(), customer);
        }
        let customer = if update.change == CallChange::Ended {
            self.customers.remove(&update.call.linked_id).flatten()
        } else {
            self.customers
                .get(&update.call.linked_id)
                .cloned()
                .flatten()
        };
        let customer_id = customer.as_ref().map(|customer| customer.id);
        let id = match self.record(&update.call, &number, customer_id) {
            Ok(id) => Some(id),
            Err(error) => {
                tracing::error!("logging call {}: {error:#}", update.call.linked_id);
                out(Event::Failed {
                    action: "log call",
                    message: error.to_string(),
                });
                None
            }
        };
        out(Event::CallChanged {
            change: update.change,
            call: Box::new(update.call),
            id,
            customer,
        });
    }

    /// The customers `number` belongs to, each with what the pop-up shows.
    fn matches(&self, number: &PhoneNumber) -> store::Result<Vec<PopupMatch>> {
        if number.is_withheld() {
            return Ok(Vec::new());
        }
        let found = self.store.customers_with_number(number)?;
        found
            .iter()
            .take(MOST_MATCHES)
            .map(|summary| self.popup_match(summary.id))
            .collect()
    }

    fn popup_match(&self, id: CustomerId) -> store::Result<PopupMatch> {
        Ok(PopupMatch {
            customer: self.store.customer(id)?,
            last_call: self
                .store
                .calls_of_customer(id, Page::first(1))?
                .into_iter()
                .next(),
            latest_note: self.store.notes(id)?.into_iter().next(),
        })
    }

    fn record(
        &mut self,
        call: &TrackedCall,
        number: &PhoneNumber,
        customer: Option<CustomerId>,
    ) -> store::Result<CallId> {
        self.store.record_call(&CallRecord {
            direction: call.direction,
            pbx_call_id: call.linked_id.clone(),
            number: number.clone(),
            customer_id: customer,
            user_id: None,
            extension: call.extension.clone(),
            line: call.line.clone(),
            started_at: call.ringing_at,
            answered_at: call.answered_at,
            ended_at: call.ended_at,
            outcome: call.outcome,
            cause: call.cause,
            cause_text: call.cause_text.clone(),
        })
    }
}

/// The short form of a customer, for call lists and the command line.
fn summary(customer: &Customer) -> CustomerSummary {
    CustomerSummary {
        id: customer.id,
        name: customer.name.clone(),
        company: customer.company.clone(),
        phone: customer.phones.first().map(|phone| phone.display.clone()),
        updated_at: customer.updated_at,
    }
}
