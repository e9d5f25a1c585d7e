//! `ringdesk search TEXT`: the search box, headless.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::search::SearchQuery;
use crate::store::Page;

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Name, company, e-mail or memo text (any part of it), or digits of a number.
    pub text: String,
    /// Most results to print (default: `search.page_size`).
    #[arg(long)]
    pub limit: Option<u32>,
    /// Results to skip, for paging.
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    /// Print one JSON object per customer.
    #[arg(long)]
    pub json: bool,
}

/// Prints one page of customers matching `args.text`, best first.
///
/// # Errors
/// On a store failure.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let query = SearchQuery::parse(&args.text, context.settings.phone.default_region);
    let page = Page {
        offset: args.offset,
        limit: args.limit.unwrap_or(context.settings.search.page_size),
    };
    let results = context.store()?.search_customers(&query, page)?;
    for hit in &results.hits {
        if args.json {
            json_line(out, hit)?;
        } else {
            writeln!(
                out,
                "{:>8}  {}  {}  {}",
                hit.id,
                hit.name,
                hit.phone.as_deref().unwrap_or("-"),
                hit.company
            )?;
        }
    }
    if !args.json && results.has_more {
        writeln!(out, "… more: --offset {}", args.offset + page.limit)?;
    }
    Ok(())
}
