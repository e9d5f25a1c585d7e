//! Customer import, end to end: the real `ringdesk import` on a generated
//! customer CSV (the fixtures' `gen_big.py`, 1,000,000 rows unless
//! `RINGDESK_BENCH_IMPORT_ROWS` says) into an empty book — read, numbers
//! parsed, rows checked, duplicates found, customers and their search index
//! written — and, as the ceiling to compare with, `SQLite`'s own `.import`
//! of the same file into a bare table (the `sqlite3` command). Then the
//! same rows as an .xlsx sheet (written once with `rust_xlsxwriter`), to
//! measure the spreadsheet path.
//!
//! The files are generated once in `target/bench-data/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let rows: u64 = std::env::var("RINGDESK_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            2_000
        } else {
            1_000_000
        });
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join(format!("import-{rows}.csv"));
    if !csv.exists() {
        println!("generating {rows} rows…");
        let made = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/support/gen_big.py"))
            .args(["--rows", &rows.to_string(), "--out"])
            .arg(&csv)
            .output()
            .expect("python3 runs gen_big.py (apt-get install python3)");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
    let size = std::fs::metadata(&csv).unwrap().len();
    println!("{rows} rows, {:.1} MB", size as f64 / 1e6);

    let book = tempfile::tempdir().unwrap();
    let (took, summary) = import(book.path(), &csv);
    report("ringdesk import, end to end", took, rows);
    println!(
        "    {} valid, {} rejected, {} duplicates, {} imported",
        summary["valid"], summary["rejected"], summary["duplicates"], summary["imported"]
    );

    let bare = book.path().join("bare.sqlite3");
    let started = Instant::now();
    let ceiling = Command::new("sqlite3")
        .arg(&bare)
        .arg(format!(".import --csv {} bare", csv.display()))
        .output();
    match ceiling {
        Ok(output) if output.status.success() => {
            report(
                "sqlite3 .import into a bare table (ceiling)",
                started.elapsed(),
                rows,
            );
        }
        Ok(output) => println!(
            "sqlite3 .import failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) => println!("no sqlite3 for the ceiling ({error}; apt-get install sqlite3)"),
    }

    let xlsx = dir.join(format!("import-{rows}.xlsx"));
    if !xlsx.exists() {
        println!("writing the rows as xlsx…");
        write_xlsx(&csv, &xlsx);
    }
    let book = tempfile::tempdir().unwrap();
    let (took, _) = import(book.path(), &xlsx);
    report("ringdesk import of the same rows as xlsx", took, rows);
}

/// `ringdesk import FILE --json` into the data folder `book`: how long it
/// took and its summary.
fn import(book: &Path, file: &Path) -> (Duration, serde_json::Value) {
    let started = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_ringdesk"))
        .arg("--data-dir")
        .arg(book)
        .arg("import")
        .arg(file)
        .arg("--json")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (took, serde_json::from_slice(&run.stdout).unwrap())
}

/// The CSV at `csv` as a one-sheet workbook at `xlsx`, every cell text.
fn write_xlsx(csv: &Path, xlsx: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv)
        .unwrap();
    for (row, record) in reader.records().enumerate() {
        for (column, cell) in record.unwrap().iter().enumerate() {
            sheet
                .write_string(
                    u32::try_from(row).unwrap(),
                    u16::try_from(column).unwrap(),
                    cell,
                )
                .unwrap();
        }
    }
    workbook.save(xlsx).unwrap();
}

fn report(what: &str, took: Duration, rows: u64) {
    println!(
        "{what}: {:.2} s, {:.0} rows/s",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
}
