//! The thread that owns the store and answers commands in order.

use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use super::{Command, Event, Waker};
use crate::domain::Region;
use crate::domain::search::SearchQuery;
use crate::store::{Page, Store};

/// Sends events and wakes the window after each one.
pub(super) struct EventSender {
    events: std_mpsc::Sender<Event>,
    waker: Waker,
}

impl EventSender {
    pub(super) fn new(events: std_mpsc::Sender<Event>, waker: Waker) -> Self {
        Self { events, waker }
    }

    /// False when the window is gone.
    fn send(&self, event: Event) -> bool {
        let delivered = self.events.send(event).is_ok();
        (self.waker)();
        delivered
    }
}

/// Answers commands until `Shutdown`, a closed channel or a closed window.
pub(super) fn run(
    store: &Store,
    region: Region,
    mut commands: mpsc::Receiver<Command>,
    events: &EventSender,
) {
    while let Some(mut command) = commands.blocking_recv() {
        // Search as you type queues a search per keystroke: run only the newest.
        while matches!(command, Command::SearchCustomers { .. }) {
            match commands.try_recv() {
                Ok(newer @ Command::SearchCustomers { .. }) => command = newer,
                Ok(other) => {
                    if !handle(store, region, command, events) {
                        return;
                    }
                    command = other;
                }
                Err(_) => break,
            }
        }
        if !handle(store, region, command, events) {
            return;
        }
    }
}

/// Runs one command; false when the loop should stop.
fn handle(store: &Store, region: Region, command: Command, events: &EventSender) -> bool {
    let event = match command {
        Command::Shutdown => return false,
        Command::CountCustomers => match store.count_customers() {
            Ok(count) => Event::CustomerCount(count),
            Err(error) => failed("count customers", &error),
        },
        Command::SearchCustomers {
            query_id,
            text,
            offset,
            limit,
        } => {
            let query = SearchQuery::parse(&text, region);
            match store.search_customers(&query, Page { offset, limit }) {
                Ok(page) => Event::SearchResults {
                    query_id,
                    hits: page.hits,
                    has_more: page.has_more,
                },
                Err(error) => failed("search", &error),
            }
        }
        Command::LoadCustomer { id } => match store.customer(id) {
            Ok(customer) => Event::Customer(Box::new(customer)),
            Err(error) => failed("load customer", &error),
        },
    };
    events.send(event)
}

fn failed(action: &'static str, error: &crate::store::Error) -> Event {
    tracing::error!("{action} failed: {error:#}");
    Event::Failed {
        action,
        message: error.to_string(),
    }
}
