//! ringdesk: a desktop companion for a call-centre agent's phone.
//!
//! | module | responsible for |
//! |---|---|
//! | [`domain`] | plain types and rules, no I/O: phone numbers, customers, fields, search terms |
//! | [`backend`] | the window's only door to the rest: commands in, events out, the store's thread |
//! | [`store`] | the SQLite customer book: schema, migrations, one file per aggregate, search |
//! | [`config`] | data folders and the settings file |
//! | [`pbx`] | the phone system: event feeds (Asterisk AMI), call tracking, click-to-call |
//! | [`sms`] | text messages before the gateway: EUC-KR bytes and kinds, GSM-7/UCS-2 segments, the advertising law |
//! | [`cli`] | the headless commands (`lookup`, `search`, `customer`, `config`, `demo-data`, `pbx watch`, `dial`, `sms sender|template`, `export`, `backup`, `restore`) |
//! | [`demo`] | realistic generated customers for demos and benchmarks |
//! | [`import`] | spreadsheets and delimited text read into rows of cells (calamine, csv, encodings) |
//! | [`export`] | tables written for spreadsheet users: xlsx or CSV (UTF-8 with BOM, CP949), formula-like cells neutralised |
//! | [`instance`] | one window per data folder: later starts (`ringdesk dial tel:…`) hand over to it over a local socket |
//! | [`ui`] | the desktop window |

pub mod backend;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod instance;
pub mod logging;
pub mod pbx;
pub mod sms;
pub mod store;
pub mod ui;
