//! `ringdesk customer add | show | list | delete | restore | history`.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::consent;
use crate::domain::{
    ChangeKind, ConsentChannel, Customer, CustomerDraft, CustomerFilter, CustomerId, CustomerSort,
    MergedInto, PhoneDraft, SortColumn, TimelineItem, UserId,
};
use crate::store::{CustomerOrder, Page, Store};

/// The `customer` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a customer; prints its id.
    Add(Box<AddArgs>),
    /// Print a customer's card.
    Show {
        /// The customer id.
        id: i64,
        /// Print the card as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List customers, newest first.
    List {
        /// Most customers to print.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Customers to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// One JSON object per customer.
        #[arg(long)]
        json: bool,
        /// The customers in the recycle bin instead, by name, each saying
        /// which customer it was merged into if it was.
        #[arg(long)]
        recycle_bin: bool,
    },
    /// Move a customer to the recycle bin.
    Delete {
        /// The customer id.
        id: i64,
    },
    /// Take a customer back out of the recycle bin.
    Restore {
        /// The customer id.
        id: i64,
    },
    /// Remove every customer in the recycle bin for good (admins only).
    EmptyBin,
    /// Print a customer's timeline, newest first: calls, messages, notes
    /// and changes to the card (who, when, old → new).
    History {
        /// The customer id.
        id: i64,
        /// Most items to print.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Items to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// One JSON object per item.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `customer add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Name (required).
    #[arg(long)]
    pub name: String,
    /// A number, optionally labelled: `010-1234-5678` or `휴대폰=010-1234-5678`. Repeatable.
    #[arg(long = "phone", value_name = "[LABEL=]NUMBER")]
    pub phones: Vec<String>,
    /// E-mail address.
    #[arg(long, default_value = "")]
    pub email: String,
    /// Company.
    #[arg(long, default_value = "")]
    pub company: String,
    /// Postal address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// The customer's country (ISO code) when not the default region.
    #[arg(long, default_value = "")]
    pub country: String,
    /// How the customer found the company.
    #[arg(long, default_value = "")]
    pub source: String,
    /// Customer memo (at most 8,000 bytes).
    #[arg(long, default_value = "")]
    pub memo: String,
    /// A group to put the customer in (created if new). Repeatable.
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,
    /// A tag. Repeatable.
    #[arg(long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,
    /// A user-defined field value, `key=value`. Repeatable.
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// The customer refuses advertising (광고 수신거부).
    #[arg(long)]
    pub ad_opt_out: bool,
    /// The customer agreed to advertising at night, 21:00–08:00 (야간 광고 수신동의).
    #[arg(long)]
    pub ad_night_consent: bool,
    /// The day the customer agreed to advertising (광고 수신동의일), `YYYY-MM-DD`.
    #[arg(long, value_name = "DATE")]
    pub ad_consent: Option<String>,
    /// How they agreed (동의경로): 전화/phone, 문자/sms, 웹/web, 서면/paper or 기타/other.
    #[arg(long, value_name = "CHANNEL", requires = "ad_consent")]
    pub ad_consent_channel: Option<String>,
    /// Print `{"id": …}` as JSON.
    #[arg(long)]
    pub json: bool,
}

impl AddArgs {
    fn draft(&self) -> Result<CustomerDraft, Error> {
        let phones = self
            .phones
            .iter()
            .map(|phone| match phone.split_once('=') {
                Some((label, number)) => PhoneDraft {
                    label: label.to_owned(),
                    number: number.to_owned(),
                },
                None => PhoneDraft {
                    label: String::new(),
                    number: phone.clone(),
                },
            })
            .collect();
        let fields = self
            .fields
            .iter()
            .map(|pair| {
                pair.split_once('=')
                    .map(|(key, value)| (key.to_owned(), value.to_owned()))
                    .ok_or_else(|| {
                        Error::Invalid(crate::domain::Invalid::new(
                            "field",
                            crate::domain::Problem::Malformed {
                                value: pair.clone(),
                                reason: "write it as key=value".to_owned(),
                            },
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let ad_consent_channel = match self.ad_consent_channel.as_deref() {
            None => None,
            Some(text) => Some(ConsentChannel::parse(text).ok_or_else(|| {
                Error::Invalid(crate::domain::Invalid::new(
                    "ad_consent_channel",
                    crate::domain::Problem::Malformed {
                        value: text.to_owned(),
                        reason: "one of 전화/phone, 문자/sms, 웹/web, 서면/paper, 기타/other"
                            .to_owned(),
                    },
                ))
            })?),
        };
        Ok(CustomerDraft {
            name: self.name.clone(),
            company: self.company.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            country: self.country.clone(),
            source: self.source.clone(),
            memo: self.memo.clone(),
            phones,
            groups: self.groups.clone(),
            tags: self.tags.clone(),
            fields,
            status_id: None,
            assignee_id: None,
            ad_opt_out: self.ad_opt_out,
            ad_night_consent: self.ad_night_consent,
            ad_consent_date: self.ad_consent.clone().unwrap_or_default(),
            ad_consent_channel,
        })
    }
}

/// Runs a `customer` subcommand.
///
/// # Errors
/// Bad input naming its field, or no such customer.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    match command {
        Command::Add(args) => {
            let checked = args
                .draft()?
                .check(context.settings.phone.default_region, &store.field_defs()?)?;
            let id = store.create_customer(&checked)?;
            if args.json {
                json_line(out, &serde_json::json!({ "id": id }))?;
            } else {
                writeln!(out, "{id}")?;
            }
        }
        Command::Show { id, json } => show(&store, CustomerId(id), json, out)?,
        Command::List {
            limit,
            offset,
            json,
            recycle_bin: true,
        } => list_recycle_bin(&store, Page { offset, limit }, json, out)?,
        Command::List {
            limit,
            offset,
            json,
            recycle_bin: false,
        } => {
            for summary in store.list_customers(CustomerOrder::Newest, Page { offset, limit })? {
                if json {
                    json_line(out, &summary)?;
                } else {
                    writeln!(
                        out,
                        "{:>8}  {}  {}  {}",
                        summary.id,
                        summary.name,
                        summary.phone.as_deref().unwrap_or("-"),
                        summary.company
                    )?;
                }
            }
        }
        Command::Delete { id } => {
            store.delete_customer(CustomerId(id))?;
            writeln!(out, "customer {id} moved to the recycle bin")?;
        }
        Command::Restore { id } => {
            store.restore_customer(CustomerId(id))?;
            writeln!(out, "customer {id} restored")?;
        }
        Command::EmptyBin => {
            let removed = store.empty_recycle_bin()?;
            writeln!(out, "{removed} customers removed for good")?;
        }
        Command::History {
            id,
            limit,
            offset,
            json,
        } => {
            // The customer first, so an unknown id is an error, not an empty list.
            store.customer(CustomerId(id))?;
            let page = store.customer_timeline(CustomerId(id), Page { offset, limit })?;
            let users: std::collections::HashMap<UserId, String> = store
                .users(Page::first(u32::MAX))?
                .into_iter()
                .map(|user| (user.id, user.display_name))
                .collect();
            for item in &page.items {
                if json {
                    json_line(out, item)?;
                } else {
                    writeln!(out, "{}", timeline_line(item, &users))?;
                }
            }
        }
    }
    Ok(())
}

/// A timeline item as one line: time (UTC), kind, who, what.
fn timeline_line(item: &TimelineItem, users: &std::collections::HashMap<UserId, String>) -> String {
    let user = |id: Option<UserId>| {
        id.and_then(|id| users.get(&id))
            .cloned()
            .unwrap_or_default()
    };
    let (kind, who, text) = match item {
        TimelineItem::Call(call) => {
            let how = match (call.duration(), call.outcome) {
                (Some(duration), _) => format!("{} s", duration.as_secs()),
                (None, Some(outcome)) => outcome.as_str().to_owned(),
                (None, None) => "ringing".to_owned(),
            };
            let memo = if call.memo.is_empty() {
                String::new()
            } else {
                format!(" {}", call.memo.replace('\n', " "))
            };
            (
                "call",
                user(call.user_id),
                format!(
                    "{} {} {how}{memo}",
                    call.direction.as_str(),
                    call.number_raw
                ),
            )
        }
        TimelineItem::Message(message) => (
            "message",
            user(message.user_id),
            format!(
                "{} {} {}",
                message.state.as_str(),
                message.to_raw,
                message.body.replace('\n', " ")
            ),
        ),
        TimelineItem::Received(received) => (
            "received",
            String::new(),
            format!("{} {}", received.from_raw, received.body.replace('\n', " ")),
        ),
        TimelineItem::Note(note) => ("note", user(note.author_id), note.body.replace('\n', " ")),
        TimelineItem::Change(entry) => {
            let change = &entry.change;
            let what = match change.kind {
                ChangeKind::Field => {
                    let field = if change.label.is_empty() {
                        change.field.clone()
                    } else {
                        format!("{} ({})", change.field, change.label)
                    };
                    format!("{field}: {} -> {}", change.old, change.new)
                }
                ChangeKind::Assignee | ChangeKind::Status => {
                    format!("{} -> {}", change.old, change.new)
                }
                ChangeKind::GroupAdded | ChangeKind::TagAdded => change.new.clone(),
                ChangeKind::GroupRemoved | ChangeKind::TagRemoved => change.old.clone(),
                ChangeKind::Merged | ChangeKind::Unmerged => {
                    format!("#{} {}", change.old, change.label)
                }
                ChangeKind::Created
                | ChangeKind::Imported
                | ChangeKind::Deleted
                | ChangeKind::Restored => String::new(),
            };
            let import = entry
                .import_id
                .map_or_else(String::new, |import| format!(" (import #{import})"));
            (
                change.kind.as_str(),
                entry.user_name.clone().unwrap_or_default(),
                format!("{what}{import}").replace('\n', " "),
            )
        }
    };
    let who = if who.is_empty() { "-".to_owned() } else { who };
    format!("{}  {kind:<13} {who:<8} {text}", item.at().to_rfc3339())
        .trim_end()
        .to_owned()
}

/// Prints one card; a customer in the recycle bin by a merge also says
/// which customer it was merged into.
fn show(store: &Store, id: CustomerId, json: bool, out: &mut impl Write) -> Result<(), Error> {
    let customer = store.customer(id)?;
    let merged_into = match customer.deleted_at {
        Some(_) => store.merged_into_customer(customer.id)?,
        None => None,
    };
    if json {
        json_line(
            out,
            &Shown {
                customer: &customer,
                merged_into,
            },
        )?;
    } else {
        print_card(out, &customer)?;
        if let Some(kept) = merged_into {
            writeln!(out, "  merged into #{} {}", kept.id, kept.name)?;
        }
    }
    Ok(())
}

/// Prints the recycle bin, the latest deleted first, each customer with when
/// and by whom it was deleted and a merged one with the customer it was
/// merged into.
fn list_recycle_bin(
    store: &Store,
    page: Page,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Error> {
    let filter = CustomerFilter {
        in_recycle_bin: true,
        ..CustomerFilter::default()
    };
    let newest_first = CustomerSort {
        column: SortColumn::Deleted,
        descending: true,
    };
    for row in store.list_customers_where(&filter, &newest_first, &[], page)? {
        if json {
            json_line(out, &row)?;
        } else {
            let merged = row.merged_into.as_ref().map_or_else(String::new, |kept| {
                format!("  merged into #{} {}", kept.id, kept.name)
            });
            let deleted = row.deleted_at.map_or_else(String::new, |at| {
                let by = row
                    .deleted_by
                    .as_deref()
                    .map_or_else(String::new, |name| format!(" by {name}"));
                format!("  deleted {}{by}", at.to_rfc3339())
            });
            writeln!(
                out,
                "{:>8}  {}  {}  {}{deleted}{merged}",
                row.id,
                row.name,
                row.phone.as_deref().unwrap_or("-"),
                row.company
            )?;
        }
    }
    Ok(())
}

/// A card as `customer show --json` prints it: the customer, and for one
/// in the recycle bin by a merge, the customer it was merged into.
#[derive(serde::Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    customer: &'a Customer,
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_into: Option<MergedInto>,
}

/// Prints a customer's card as readable text.
pub(crate) fn print_card(out: &mut impl Write, customer: &Customer) -> Result<(), Error> {
    writeln!(out, "#{} {}", customer.id, customer.name)?;
    let lines = [
        ("company", customer.company.as_str()),
        ("email", customer.email.as_deref().unwrap_or("")),
        ("address", customer.address.as_str()),
        ("source", customer.source.as_str()),
        ("status", customer.status.as_deref().unwrap_or("")),
    ];
    for (label, value) in lines {
        if !value.is_empty() {
            writeln!(out, "  {label}: {value}")?;
        }
    }
    for phone in &customer.phones {
        let flag = if phone.verified { "" } else { "  (unverified)" };
        let label = if phone.label.is_empty() {
            "phone"
        } else {
            &phone.label
        };
        writeln!(out, "  {label}: {}{flag}", phone.display)?;
    }
    if !customer.groups.is_empty() {
        writeln!(out, "  groups: {}", customer.groups.join(", "))?;
    }
    if !customer.tags.is_empty() {
        writeln!(out, "  tags: {}", customer.tags.join(", "))?;
    }
    for field in &customer.fields {
        writeln!(out, "  {}: {}", field.label, field.value)?;
    }
    if !customer.memo.is_empty() {
        writeln!(out, "  memo: {}", customer.memo.replace('\n', "\n        "))?;
    }
    if let Some(at) = customer.ad_consent_at {
        let channel = customer
            .ad_consent_channel
            .map_or(String::new(), |channel| format!(" ({})", channel.korean()));
        writeln!(out, "  ad consent: {}{channel}", consent::format_date(at))?;
    }
    if customer.ad_night_consent {
        writeln!(out, "  night-time ad consent: yes")?;
    }
    if let Some(at) = customer.ad_opt_out_at {
        writeln!(out, "  ad opt-out since {}", at.to_rfc3339())?;
    }
    if let Some(deleted) = customer.deleted_at {
        writeln!(out, "  in the recycle bin since {}", deleted.to_rfc3339())?;
    }
    Ok(())
}
