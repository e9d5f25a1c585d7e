//! Helpers for the store's unit tests.

use super::Store;
use crate::domain::{CustomerDraft, CustomerId, NewCustomer, PhoneDraft, Region};

/// A fresh in-memory store.
pub fn store() -> Store {
    Store::open_in_memory().unwrap()
}

/// A checked customer with these numbers (read in Korea).
pub fn customer(name: &str, numbers: &[&str]) -> NewCustomer {
    CustomerDraft {
        name: name.to_owned(),
        phones: numbers
            .iter()
            .map(|number| PhoneDraft {
                label: String::new(),
                number: (*number).to_owned(),
            })
            .collect(),
        ..CustomerDraft::default()
    }
    .check(Region::KOREA, &[])
    .unwrap()
}

/// Adds a customer and returns its id.
pub fn add(store: &mut Store, name: &str, numbers: &[&str]) -> CustomerId {
    store.create_customer(&customer(name, numbers)).unwrap()
}

/// The names on the first page (50) of a search for `text`, read in Korea.
pub fn names_found(store: &Store, text: &str) -> Vec<String> {
    let query = crate::domain::search::SearchQuery::parse(text, Region::KOREA);
    store
        .search_customers(&query, crate::store::Page::first(50))
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.name)
        .collect()
}
