//! `ringdesk duplicates`: sets of customers who look like one person —
//! the same real number, the same e-mail, or the same name at the same
//! company — to merge or tell apart.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::store::DuplicateReason;

/// Arguments of `duplicates`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Most sets to print (largest first).
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Print one JSON object per set.
    #[arg(long)]
    pub json: bool,
}

/// Prints the sets, largest first, each customer with their name.
///
/// # Errors
/// On a store failure.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let store = context.store()?;
    let sets = store.duplicate_sets()?;
    for set in sets.iter().take(args.limit) {
        let names = store.customer_names(&set.customers)?;
        if args.json {
            let customers: Vec<serde_json::Value> = names
                .iter()
                .map(|(id, name)| serde_json::json!({ "id": id, "name": name }))
                .collect();
            json_line(
                out,
                &serde_json::json!({ "customers": customers, "reasons": set.reasons }),
            )?;
            continue;
        }
        let who: Vec<String> = names
            .iter()
            .map(|(id, name)| format!("{name} ({})", id.0))
            .collect();
        let why: Vec<String> = set
            .reasons
            .iter()
            .map(|reason| match reason {
                DuplicateReason::SameNumber(key) => format!("number {key}"),
                DuplicateReason::SameEmail(email) => format!("e-mail {email}"),
                DuplicateReason::SameNameAtCompany(name) => format!("name and company {name}"),
            })
            .collect();
        writeln!(out, "{} — {}", who.join(", "), why.join("; "))?;
    }
    if !args.json && sets.len() > args.limit {
        writeln!(out, "… {} more sets (--limit)", sets.len() - args.limit)?;
    }
    Ok(())
}
