//! `ringdesk export FILE`: the customer book, or the customers a filter or a
//! search lets through, written as xlsx or CSV (UTF-8 with a BOM, or CP949)
//! with every built-in and user-defined column and the notes; see
//! [`crate::export::customers`] for the columns.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::group_name::group_named;
use super::{Context, Error, json_line};
use crate::backend::customer_export::export_customers;
use crate::domain::search::SearchQuery;
use crate::domain::{CustomerFilter, CustomerId, Invalid, Problem};
use crate::export::TableFormat;
use crate::store::{Page, Store};

/// The kinds of file `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated text.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The encodings a CSV export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvEncoding {
    /// UTF-8 after a byte order mark: Excel opens Korean and Japanese correctly.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// CP949, Korean Excel's plain "CSV", for older programs; no emoji.
    #[value(name = "cp949", alias = "euc-kr")]
    Cp949,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to write (replaced once the new one is complete).
    pub file: PathBuf,
    /// csv or xlsx; by default the file name's extension decides.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The CSV file's encoding (default utf-8, with a BOM).
    #[arg(long, value_enum)]
    pub encoding: Option<CsvEncoding>,
    /// Only the customers the search box finds for TEXT.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only the members of this group (its name or `parent/child` path).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only customers in this status.
    #[arg(long, value_name = "NAME")]
    pub status: Option<String>,
    /// Only customers with this tag.
    #[arg(long, value_name = "NAME")]
    pub tag: Option<String>,
    /// The recycle bin's customers instead of the live ones (with 삭제일).
    #[arg(long)]
    pub in_recycle_bin: bool,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// What an export wrote, for `--json`.
#[derive(Debug, Serialize)]
struct Exported<'a> {
    file: &'a Path,
    format: &'static str,
    rows: u64,
    columns: &'a [String],
}

/// Writes the chosen customers to `args.file`.
///
/// # Errors
/// A filter naming something that does not exist, a format that cannot be
/// told, a store failure or a file that cannot be written (nothing is left
/// under the name then).
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let format = table_format(args)?;
    let store = context.store()?;
    let filter = filter(&store, args)?;
    let only = match &args.search {
        Some(text) => Some(search_hits(&store, context, text)?),
        None => None,
    };
    let (rows, columns) =
        export_customers::<Error>(&store, &filter, only.as_deref(), &args.file, format)?;
    if args.json {
        json_line(
            out,
            &Exported {
                file: &args.file,
                format: match format {
                    TableFormat::Xlsx => "xlsx",
                    TableFormat::CsvUtf8 => "csv-utf-8",
                    TableFormat::CsvCp949 => "csv-cp949",
                },
                rows,
                columns: &columns,
            },
        )
    } else {
        writeln!(out, "exported {rows} customers to {}", args.file.display())?;
        Ok(())
    }
}

/// The file kind and encoding the options and the file name ask for.
fn table_format(args: &Args) -> Result<TableFormat, Error> {
    let format = match args.format {
        Some(format) => format,
        None => match TableFormat::from_path(&args.file) {
            Some(TableFormat::Xlsx) => Format::Xlsx,
            Some(_) => Format::Csv,
            None => {
                return Err(invalid(
                    "--format",
                    &args.file.display().to_string(),
                    "the file name ends in neither .csv nor .xlsx; give --format csv or --format xlsx",
                ));
            }
        },
    };
    match (format, args.encoding) {
        (Format::Xlsx, None) => Ok(TableFormat::Xlsx),
        (Format::Xlsx, Some(_)) => Err(invalid(
            "--encoding",
            "xlsx",
            "only a CSV file has an encoding; leave --encoding out for xlsx",
        )),
        (Format::Csv, None | Some(CsvEncoding::Utf8)) => Ok(TableFormat::CsvUtf8),
        (Format::Csv, Some(CsvEncoding::Cp949)) => Ok(TableFormat::CsvCp949),
    }
}

/// The filter the options describe, each name looked up in the store.
fn filter(store: &Store, args: &Args) -> Result<CustomerFilter, Error> {
    let mut filter = CustomerFilter {
        in_recycle_bin: args.in_recycle_bin,
        ..CustomerFilter::default()
    };
    if let Some(name) = &args.group {
        filter.group = Some(group_named(store, "--group", name)?);
    }
    if let Some(name) = &args.status {
        let statuses = store.statuses()?;
        let wanted = name.trim();
        filter.status = Some(
            statuses
                .iter()
                .find(|status| status.name == wanted)
                .map(|status| status.id)
                .ok_or_else(|| {
                    let names: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
                    invalid("--status", name, &none_called_so("status", &names))
                })?,
        );
    }
    if let Some(name) = &args.tag {
        let tags = store.tags()?;
        let wanted = name.trim();
        filter.tag = Some(
            tags.iter()
                // Tag names are unique regardless of ASCII case.
                .find(|tag| tag.name.eq_ignore_ascii_case(wanted))
                .map(|tag| tag.id)
                .ok_or_else(|| {
                    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
                    invalid("--tag", name, &none_called_so("tag", &names))
                })?,
        );
    }
    Ok(filter)
}

/// Every customer the search box finds for `text`.
fn search_hits(store: &Store, context: &Context, text: &str) -> Result<Vec<CustomerId>, Error> {
    let query = SearchQuery::parse(text, context.settings.phone.default_region);
    if query.is_empty() {
        return Err(invalid("--search", text, "there is nothing to search for"));
    }
    let hits = store.search_customers(
        &query,
        Page {
            offset: 0,
            limit: u32::MAX - 1,
        },
    )?;
    Ok(hits.hits.iter().map(|hit| hit.id).collect())
}

fn none_called_so(what: &str, names: &[&str]) -> String {
    if names.is_empty() {
        format!("there is no {what} at all")
    } else {
        format!("no {what} is called so; there are: {}", names.join(", "))
    }
}

fn invalid(option: &str, value: &str, reason: &str) -> Error {
    Error::Invalid(Invalid::new(
        option,
        Problem::Malformed {
            value: value.to_owned(),
            reason: reason.to_owned(),
        },
    ))
}
