//! Integration tests: the store on a real database file, and the `ringdesk`
//! binary as scripts use it, a real customer sheet, the window, the AMI
//! client against a test AMI server, the Kannel gateway against a real
//! Kannel, and the SMS provider gateway against a test provider. One binary,
//! one module per area.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::doc_markdown,
    missing_docs
)]

mod audit;
mod backup;
mod bulk_kill;
mod call_desk;
mod cli;
mod cli_bulk;
mod cli_history;
mod cli_user;
mod dial_cli;
mod export;
mod fixtures;
mod import_cli;
mod import_read;
mod kannel;
mod merge_cli;
mod pbx;
mod popup;
mod secrets;
mod sms;
mod sms_e2e;
mod sms_provider;
mod sms_ui;
mod store;
mod support;
mod ui;
mod ui_audit;
mod ui_b2b;
mod ui_batch_results;
mod ui_bulk_customers;
mod ui_bulk_excel;
mod ui_bulk_free;
mod ui_dial;
mod ui_history;
mod ui_import;
mod ui_merge;
mod ui_personal;
mod ui_sign_in;
mod ui_sms;
mod ui_sources;
mod ui_statuses;
mod ui_views;
