//! What the window asks the backend to do.

use crate::domain::CustomerId;

/// Identifies one search-as-you-type or list request; results carry it back
/// so the window can drop answers to questions it no longer asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueryId(pub u64);

/// A request from the window. Every variant is answered by one or more
/// [`super::Event`]s, or by [`super::Event::Failed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Count the live customers; answered by [`super::Event::CustomerCount`].
    CountCustomers,
    /// Search customers (the search box). Queued searches are coalesced: only
    /// the newest runs. Answered by [`super::Event::SearchResults`].
    SearchCustomers {
        /// Echoed in the answer.
        query_id: QueryId,
        /// What was typed.
        text: String,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// The whole card of one customer; answered by [`super::Event::Customer`].
    LoadCustomer {
        /// Which customer.
        id: CustomerId,
    },
    /// Stop all work and close the store.
    Shutdown,
}
