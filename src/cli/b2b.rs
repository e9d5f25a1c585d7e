//! `ringdesk b2b`: business contacts by company e-mail domain — every domain
//! that is no free-mail provider's, with a company name its customers carry
//! and how many live customers have it.

use std::io::Write;

use super::{Context, Error, json_line};

/// Arguments of `b2b`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Most domains to print (most customers first).
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Print one JSON object per domain: `domain`, `company`, `customers`.
    #[arg(long)]
    pub json: bool,
    /// Print the free-mail domains in force instead (one a line), to copy
    /// into the setting `customers.free_mail_domains` and edit.
    #[arg(long)]
    pub free_mail: bool,
}

/// Prints the domains, most customers first.
///
/// # Errors
/// On a store failure.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let free = context.settings.customers.free_mail();
    if args.free_mail {
        for domain in free.iter() {
            if args.json {
                json_line(out, &serde_json::json!({ "domain": domain }))?;
            } else {
                writeln!(out, "{domain}")?;
            }
        }
        return Ok(());
    }
    let store = context.store()?;
    let domains = store.business_domains(&free)?;
    for domain in domains.iter().take(args.limit) {
        if args.json {
            json_line(out, domain)?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{}",
                domain.domain, domain.company, domain.customers
            )?;
        }
    }
    if !args.json && domains.len() > args.limit {
        writeln!(
            out,
            "… {} more domains (--limit)",
            domains.len() - args.limit
        )?;
    }
    Ok(())
}
