//! `ringdesk merge`: folds one customer into another who is the same
//! person (see `store::merges`), shows what a merge would do with
//! `--dry-run`, and takes a merge back with `--undo`.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::{CustomerId, Invalid, Problem};
use crate::store::{MergePlan, Side};

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Fields: name, company, email, address, country, status, source, assignee, memo, ad_opt_out, ad_night_consent, or a user-defined field's key. By default the kept customer's value wins, or the other's where the kept one is empty."
)]
pub struct Args {
    /// The customer who stays (id).
    #[arg(required_unless_present = "undo")]
    pub keep: Option<i64>,
    /// The customer merged into it, then moved to the recycle bin (id).
    #[arg(required_unless_present = "undo")]
    pub other: Option<i64>,
    /// Take FIELD's value from OTHER (`FIELD=other`) or from KEEP
    /// (`FIELD=keep`); repeat for several fields.
    #[arg(long, value_name = "FIELD=other|keep", conflicts_with = "undo")]
    pub take: Vec<String>,
    /// Show what the merge would do and change nothing.
    #[arg(long, conflicts_with = "undo")]
    pub dry_run: bool,
    /// Undo the merge with this id (the last merge when no id is given).
    #[arg(long, value_name = "MERGE_ID", num_args = 0..=1, conflicts_with_all = ["keep", "other"])]
    pub undo: Option<Option<i64>>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Merges, shows a merge, or undoes one.
///
/// # Errors
/// A bad `--take`, or what the store refuses (one customer twice, one in
/// the recycle bin, an undo after a change); exit 1 for an unknown customer
/// or merge.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    if let Some(id) = args.undo {
        let undone = store.undo_merge(id)?;
        if args.json {
            return json_line(
                out,
                &serde_json::json!({
                    "undone": undone.id, "keep": undone.keep, "other": undone.other
                }),
            );
        }
        writeln!(
            out,
            "Merge {} undone: customer {} is as it was and customer {} is back from the recycle bin",
            undone.id, undone.keep, undone.other
        )?;
        return Ok(());
    }
    let (Some(keep), Some(other)) = (args.keep, args.other) else {
        // Clap asks for both unless --undo is given.
        return Ok(());
    };
    let (keep, other) = (CustomerId(keep), CustomerId(other));
    let choices = choices(&args.take)?;
    let plan = store.merge_plan(keep, other)?;
    if args.dry_run {
        return show(&plan, &choices, None, args.json, out);
    }
    let merged = store.merge_customers(keep, other, &choices)?;
    show(&plan, &choices, Some(merged.id), args.json, out)
}

/// The `--take` options as field → side.
fn choices(takes: &[String]) -> Result<BTreeMap<String, Side>, Error> {
    let mut choices = BTreeMap::new();
    for take in takes {
        let (field, side) = take.split_once('=').unwrap_or((take.as_str(), "other"));
        let side = match side.trim() {
            "other" => Side::Other,
            "keep" => Side::Keep,
            _ => {
                return Err(Invalid::new(
                    "--take",
                    Problem::Malformed {
                        value: take.clone(),
                        reason: "write FIELD=other or FIELD=keep".to_owned(),
                    },
                )
                .into());
            }
        };
        choices.insert(field.trim().to_owned(), side);
    }
    Ok(choices)
}

/// Prints the plan: each conflicting field with the value that wins, and
/// what is kept anyway; `merged` when it was carried out.
fn show(
    plan: &MergePlan,
    choices: &BTreeMap<String, Side>,
    merged: Option<i64>,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Error> {
    let side = |key: &str, default: Side| choices.get(key).copied().unwrap_or(default);
    if json {
        let conflicts: Vec<serde_json::Value> = plan
            .conflicts
            .iter()
            .map(|c| {
                serde_json::json!({
                    "field": c.key, "label": c.label, "keep": c.keep, "other": c.other,
                    "take": side(&c.key, c.default),
                })
            })
            .collect();
        return json_line(
            out,
            &serde_json::json!({
                "merge": merged, "dry_run": merged.is_none(),
                "keep": plan.keep.id, "other": plan.other.id, "conflicts": conflicts,
                "phones": plan.phones, "groups": plan.groups, "tags": plan.tags,
                "notes": plan.notes, "calls": plan.calls, "messages": plan.messages,
            }),
        );
    }
    writeln!(
        out,
        "{} {} ({}) into {} ({}):",
        if merged.is_some() {
            "Merged"
        } else {
            "Would merge"
        },
        plan.other.name,
        plan.other.id,
        plan.keep.name,
        plan.keep.id
    )?;
    for conflict in &plan.conflicts {
        // The key is what --take names.
        let name = match conflict.label.as_deref() {
            Some(label) if label != conflict.key => format!("{label} ({})", conflict.key),
            _ => conflict.key.clone(),
        };
        let (wins, loses) = match side(&conflict.key, conflict.default) {
            Side::Keep => (&conflict.keep, &conflict.other),
            Side::Other => (&conflict.other, &conflict.keep),
        };
        writeln!(out, "  {name}: {wins:?} (not {loses:?})")?;
    }
    writeln!(
        out,
        "  numbers: {}\n  groups: {}\n  tags: {}\n  {} notes, {} calls, {} messages",
        plan.phones.join(", "),
        plan.groups.join(", "),
        plan.tags.join(", "),
        plan.notes,
        plan.calls,
        plan.messages
    )?;
    if let Some(id) = merged {
        writeln!(
            out,
            "Customer {} is in the recycle bin. Merge {id}; undo with `ringdesk merge --undo {id}`",
            plan.other.id
        )?;
    }
    Ok(())
}
