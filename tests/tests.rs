#![allow(clippy::unwrap_used, clippy::expect_used, clippy::doc_markdown, missing_docs)]
//! Integration tests: the store on a real database file, and the `ringdesk`
//! binary as scripts use it. One binary, one module per area.

mod cli;
mod fixtures;
mod store;
mod support;
mod ui;
