//! 중복 고객 찾기 and 병합 for the window: the duplicate sets with what
//! the finder shows of each customer, the plan of a merge, the merge and
//! its undo, all run by the store thread ([`crate::store`]'s merges).

use std::collections::BTreeMap;

use super::store_thread::{EventSender, Service};
use super::{Event, QueryId};
use crate::domain::{CustomerId, Timestamp};
use crate::store::{self, DuplicateReason, Side};

/// Sets sent to the window at most; the rest are counted. A book with more
/// is cleaned a page at a time, each merge asking again.
const MOST_SETS: usize = 500;

/// A customer as the finder lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateMember {
    /// The customer.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Numbers as shown.
    pub phones: Vec<String>,
    /// E-mail (empty when none).
    pub email: String,
    /// When the customer was entered.
    pub created_at: Timestamp,
}

/// Customers who look like one person, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateGroup {
    /// Every reason found between them.
    pub reasons: Vec<DuplicateReason>,
    /// The customers, oldest first.
    pub members: Vec<DuplicateMember>,
}

impl Service {
    /// [`super::Command::FindDuplicates`].
    pub(super) fn find_duplicates(&self, request: QueryId) -> Event {
        match self.duplicate_groups() {
            Ok((sets, more, last_merge)) => Event::DuplicatesFound {
                request,
                sets,
                more,
                last_merge,
            },
            Err(error) => Event::MergeRefused {
                request,
                message: error.to_string(),
            },
        }
    }

    fn duplicate_groups(
        &self,
    ) -> store::Result<(Vec<DuplicateGroup>, usize, Option<store::MergeRecord>)> {
        let sets = self.store.duplicate_sets()?;
        let more = sets.len().saturating_sub(MOST_SETS);
        let mut groups = Vec::with_capacity(sets.len().min(MOST_SETS));
        for set in sets.into_iter().take(MOST_SETS) {
            let members = set
                .customers
                .iter()
                .map(|id| {
                    let card = self.store.customer(*id)?;
                    Ok(DuplicateMember {
                        id: card.id,
                        name: card.name,
                        company: card.company,
                        phones: card.phones.into_iter().map(|phone| phone.display).collect(),
                        email: card.email.unwrap_or_default(),
                        created_at: card.created_at,
                    })
                })
                .collect::<store::Result<_>>()?;
            groups.push(DuplicateGroup {
                reasons: set.reasons,
                members,
            });
        }
        Ok((groups, more, self.store.last_merge()?))
    }

    /// [`super::Command::PlanMerge`].
    pub(super) fn plan_merge(
        &self,
        request: QueryId,
        keep: CustomerId,
        other: CustomerId,
    ) -> Event {
        match self.store.merge_plan(keep, other) {
            Ok(plan) => Event::MergePlanned {
                request,
                plan: Box::new(plan),
            },
            Err(error) => Event::MergeRefused {
                request,
                message: error.to_string(),
            },
        }
    }

    /// [`super::Command::MergeCustomers`].
    pub(super) fn merge(
        &mut self,
        request: QueryId,
        keep: CustomerId,
        other: CustomerId,
        choices: &BTreeMap<String, Side>,
        events: &EventSender,
    ) -> Event {
        match self.store.merge_customers(keep, other, choices) {
            Ok(record) => {
                tracing::info!(merge = record.id, "customer {other} merged into {keep}");
                events.send(Event::Merged { request, record });
                self.refresh_counts(events)
            }
            Err(error) => Event::MergeRefused {
                request,
                message: error.to_string(),
            },
        }
    }

    /// [`super::Command::UndoMerge`].
    pub(super) fn undo_merge(&mut self, request: QueryId, events: &EventSender) -> Event {
        match self.store.undo_merge(None) {
            Ok(record) => {
                tracing::info!(merge = record.id, "merge undone");
                events.send(Event::MergeUndone { request, record });
                self.refresh_counts(events)
            }
            Err(error) => Event::MergeRefused {
                request,
                message: error.to_string(),
            },
        }
    }
}
