//! What the backend tells the window.

use super::command::QueryId;
use crate::domain::{Customer, CustomerSummary};

/// News from the backend. The window drains these each frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The number of live customers.
    CustomerCount(u64),
    /// One page of search results for `query_id`.
    SearchResults {
        /// The request these answer.
        query_id: QueryId,
        /// Results, best first.
        hits: Vec<CustomerSummary>,
        /// True when a further page has results.
        has_more: bool,
    },
    /// A customer's whole card.
    Customer(Box<Customer>),
    /// A request failed; `message` is for the person at the desk.
    Failed {
        /// What was being done ("search", "load customer"…).
        action: &'static str,
        /// Why, in words.
        message: String,
    },
}
