//! `ringdesk lookup NUMBER`: the customers a caller ID belongs to.

use std::io::Write;

use super::{Context, Error, customer::print_card, json_line};
use crate::domain::{Invalid, PhoneNumber, Problem};

/// Arguments of `lookup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The number in any format (010-1234-5678, +82 10…, 0082…, 1588-1234…).
    pub number: String,
    /// Print one JSON object per customer.
    #[arg(long)]
    pub json: bool,
}

/// Prints every customer whose numbers include `args.number`.
///
/// # Errors
/// [`Error::NotFound`] when no customer has the number; [`Error::Invalid`]
/// when it is no phone number at all.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let number = PhoneNumber::parse(&args.number, context.settings.phone.default_region)
        .map_err(|error| Invalid::new("number", Problem::Phone(error)))?;
    let store = context.store()?;
    let found = store.customers_with_number(&number)?;
    if found.is_empty() {
        return Err(Error::NotFound(format!(
            "no customer has the number {}",
            number.display()
        )));
    }
    for summary in found {
        let customer = store.customer(summary.id)?;
        if args.json {
            json_line(out, &customer)?;
        } else {
            print_card(out, &customer)?;
        }
    }
    Ok(())
}
