//! The customer import for the window (고객 가져오기): a file read with
//! [`super::Command::ReadSheet`] is prepared — the sheet and header row
//! found or taken as chosen, its rows sorted, each valid row checked
//! against the book — on a thread of its own, so a million rows hold up
//! neither the window nor the store; then written by the store thread in
//! one transaction, all or nothing ([`crate::import::customer_import`], the
//! same engine `ringdesk import` runs).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::store_thread::{EventSender, Service};
use super::{Event, QueryId};
use crate::domain::Region;
use crate::import::customer_columns::ColumnRole;
use crate::import::customer_import::{
    Fate, ImportError, OnDuplicate, Prepared, fates_watched, headers, mapping_fits, overlay,
    prepare_as, roles_from, write, write_report,
};
use crate::import::{ReadStage, ReadWatch, Workbook};
use crate::store::{self, ImportPhase, ImportWatch, Store};

/// The least time between two [`Event::ImportProgress`] of one request.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// The 취소 of a prepare or an import: the window keeps one clone, the
/// backend looks at the other between rows (and `SQLite` while a long
/// statement runs).
#[derive(Debug, Clone, Default)]
pub struct ImportCancel(Arc<AtomicBool>);

/// The same cancel (one prepare or import), not two that agree.
impl PartialEq for ImportCancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl ImportCancel {
    /// Asks the prepare or import to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it was asked to stop.
    #[must_use]
    pub fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A watch over reading a file that stops on this cancel and reports
    /// progress of `request` as [`Event::SheetProgress`], at most every
    /// [`PROGRESS_EVERY`] (and whenever the stage changes).
    pub(super) fn read_watch<'a>(
        &self,
        request: QueryId,
        events: &'a EventSender,
    ) -> ReadWatch<'a> {
        let mut last: Option<(ReadStage, Instant)> = None;
        ReadWatch::new(Arc::clone(&self.0), move |stage, done, total| {
            let due = last.is_none_or(|(was, at)| was != stage || at.elapsed() >= PROGRESS_EVERY);
            if due {
                last = Some((stage, Instant::now()));
                events.send(Event::SheetProgress {
                    request,
                    stage,
                    done,
                    total,
                });
            }
        })
    }

    /// A watch that stops on this cancel and reports progress of
    /// `request` as events, at most every [`PROGRESS_EVERY`] (and at the
    /// end of each stage).
    fn watch<'a>(&self, request: QueryId, events: &'a EventSender) -> ImportWatch<'a> {
        let mut last: Option<(ImportPhase, Instant)> = None;
        ImportWatch::new(Arc::clone(&self.0), move |phase, done, total| {
            let due = last.is_none_or(|(was, at)| {
                was != phase || done == total || at.elapsed() >= PROGRESS_EVERY
            });
            if due {
                last = Some((phase, Instant::now()));
                events.send(Event::ImportProgress {
                    request,
                    phase,
                    done,
                    total,
                });
            }
        })
    }
}

/// A file's customers sorted and checked against the book, ready to import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The sheet, header row, country and rows.
    pub prepared: Prepared,
    /// Each valid row's fate, in the order of `prepared.rows.valid`.
    pub fates: Vec<Fate>,
    /// The saved mapping the columns were read with, if any.
    pub mapping: Option<String>,
    /// Every saved mapping's name, to pick another.
    pub mappings: Vec<String>,
    /// The user-defined fields there are (key, label), a column's role
    /// may be one of them.
    pub fields: Vec<(String, String)>,
    /// Counted once: the window shows them every frame, and a file may
    /// have a million rows.
    duplicates: usize,
    in_book: usize,
}

impl ImportPlan {
    /// The plan of `prepared` rows with these fates.
    #[must_use]
    pub fn new(prepared: Prepared, fates: Vec<Fate>) -> Self {
        let duplicates = fates.iter().filter(|fate| **fate != Fate::New).count();
        let in_book = fates
            .iter()
            .filter(|fate| matches!(fate, Fate::RepeatsCustomer(_)))
            .count();
        Self {
            prepared,
            fates,
            mapping: None,
            mappings: Vec::new(),
            fields: Vec::new(),
            duplicates,
            in_book,
        }
    }

    /// Valid rows whose number repeats an earlier row or a customer.
    #[must_use]
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Valid rows that repeat a customer already in the book.
    #[must_use]
    pub fn in_book(&self) -> usize {
        self.in_book
    }

    /// Customers the import would add under `policy`.
    #[must_use]
    pub fn to_add(&self, policy: OnDuplicate) -> usize {
        match policy {
            OnDuplicate::Create => self.fates.len(),
            OnDuplicate::Skip | OnDuplicate::Update => self.fates.len() - self.duplicates(),
        }
    }
}

/// What the window chose to read the file as (None: as found).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportChoice {
    /// The sheet by name.
    pub sheet: Option<String>,
    /// The header row (1-based).
    pub header_row: Option<usize>,
    /// The country numbers without a code are read for.
    pub region: Option<Region>,
    /// Column `i`'s role when chosen over what its header reads as (and
    /// over the mapping's).
    pub roles: Vec<Option<ColumnRole>>,
    /// Which saved mapping to read the columns with.
    pub mapping: MappingChoice,
}

/// Which saved column mapping a file is read with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MappingChoice {
    /// The one whose headers are the file's, if one is.
    #[default]
    Fitting,
    /// None: each column as its header reads.
    Without,
    /// This one, by name (its headers the file lacks are passed over).
    Named(String),
}

/// Why an import cannot be prepared or run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// The workbook has no sheet of that name.
    NoSheet {
        /// As chosen.
        sheet: String,
        /// The sheets there are.
        names: Vec<String>,
    },
    /// The workbook has no sheet at all.
    Empty,
    /// The header row has no column of a role every customer needs.
    NoColumn {
        /// The header row.
        header_row: usize,
        /// Which role.
        missing: MissingColumn,
        /// The header's names.
        columns: Vec<String>,
    },
    /// The window's 취소 stopped it; nothing was written.
    Cancelled,
    /// A row the store refuses, or the store failing; nothing was written.
    Failed(String),
}

/// The column a customer sheet cannot do without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingColumn {
    /// The name.
    Name,
    /// A phone number.
    Phone,
}

impl From<ImportError> for ImportProblem {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::NoSheet { sheet, names } => Self::NoSheet { sheet, names },
            ImportError::Empty => Self::Empty,
            ImportError::NoColumn {
                header_row,
                phone,
                columns,
                ..
            } => {
                // As the roles were given, not as the headers read.
                let missing = if phone {
                    MissingColumn::Phone
                } else {
                    MissingColumn::Name
                };
                Self::NoColumn {
                    header_row,
                    missing,
                    columns,
                }
            }
            ImportError::Store(store::Error::Cancelled) => Self::Cancelled,
            error @ (ImportError::Store(_) | ImportError::Invalid(_) | ImportError::Report(_)) => {
                tracing::warn!("import failed: {error:#}");
                Self::Failed(error.to_string())
            }
        }
    }
}

/// Prepares `workbook` as chosen and checks it against `store`.
fn plan(
    store: &Store,
    workbook: &Workbook,
    choice: &ImportChoice,
    default_region: Region,
    watch: &mut ImportWatch<'_>,
) -> Result<ImportPlan, ImportProblem> {
    let headers = headers(workbook, choice.sheet.as_deref(), choice.header_row)?;
    let mappings = store.import_mappings().map_err(ImportError::from)?;
    let applied = match &choice.mapping {
        MappingChoice::Fitting => mappings
            .iter()
            .find(|mapping| mapping_fits(&headers, mapping)),
        MappingChoice::Without => None,
        MappingChoice::Named(name) => mappings.iter().find(|mapping| mapping.name == *name),
    };
    let mapped = applied.map_or_else(Vec::new, |mapping| roles_from(&headers, mapping));
    let prepared = prepare_as(
        workbook,
        choice.sheet.as_deref(),
        choice.header_row,
        choice.region,
        default_region,
        &overlay(mapped, &choice.roles),
    )?;
    let fates = fates_watched(store, &prepared.rows, false, watch)?;
    let mut plan = ImportPlan::new(prepared, fates);
    plan.mapping = applied.map(|mapping| mapping.name.clone());
    plan.mappings = mappings.into_iter().map(|mapping| mapping.name).collect();
    plan.fields = store
        .field_defs()
        .map_err(ImportError::from)?
        .into_iter()
        .map(|def| (def.key, def.label))
        .collect();
    Ok(plan)
}

/// The answer to a prepare.
fn prepared_event(request: QueryId, result: Result<ImportPlan, ImportProblem>) -> Event {
    match result {
        Ok(plan) => Event::ImportPrepared {
            request,
            plan: Arc::new(plan),
        },
        Err(problem) => Event::ImportRefused { request, problem },
    }
}

impl Service {
    /// [`super::Command::PrepareImport`]: on a thread of its own with a
    /// connection of its own (reads only; the store thread goes on
    /// answering). An in-memory store, which a second connection cannot
    /// see, is read on the store thread.
    pub(super) fn prepare_import(
        &self,
        request: QueryId,
        workbook: Arc<Workbook>,
        choice: ImportChoice,
        cancel: ImportCancel,
        events: &EventSender,
    ) {
        let region = self.settings.phone.default_region;
        let path = self.store.path().to_owned();
        if path == std::path::Path::new(":memory:") {
            let mut watch = cancel.watch(request, events);
            let result = plan(&self.store, &workbook, &choice, region, &mut watch);
            drop(watch);
            events.send(prepared_event(request, result));
            return;
        }
        let progress = events.clone();
        super::batch_commands::off_thread("import", events, move || {
            let mut watch = cancel.watch(request, &progress);
            let result = Store::open(&path)
                .map_err(|error| ImportProblem::Failed(error.to_string()))
                .and_then(|store| plan(&store, &workbook, &choice, region, &mut watch));
            prepared_event(request, result)
        });
    }

    /// [`super::Command::RunImport`]: the rows checked against the book
    /// again (it may have changed since they were prepared), then written
    /// in one transaction. The customer count and groups follow.
    pub(super) fn run_import(
        &mut self,
        request: QueryId,
        plan: &ImportPlan,
        file: &str,
        policy: OnDuplicate,
        cancel: &ImportCancel,
        events: &EventSender,
    ) -> Event {
        let rows = &plan.prepared.rows;
        let mut watch = cancel.watch(request, events);
        let result = fates_watched(&self.store, rows, true, &mut watch).and_then(|fates| {
            write(
                &mut self.store,
                file,
                rows,
                &fates,
                policy,
                plan.prepared.region,
                &mut watch,
            )
        });
        drop(watch);
        match result {
            Ok((imported, updated)) => {
                tracing::info!(imported, updated, "customers imported");
                events.send(Event::Imported {
                    request,
                    imported,
                    updated,
                });
                self.refresh_counts(events)
            }
            Err(error) => {
                let problem = ImportProblem::from(error);
                if problem == ImportProblem::Cancelled {
                    tracing::info!("import cancelled; nothing was written");
                }
                Event::ImportRefused { request, problem }
            }
        }
    }
}

impl Service {
    /// [`super::Command::SaveImportMapping`]: each column's header with its
    /// role, under `name` for the whole desk.
    pub(super) fn save_import_mapping(
        &mut self,
        request: QueryId,
        name: &str,
        columns: &[(String, ColumnRole)],
    ) -> Event {
        let columns: Vec<(String, String)> = columns
            .iter()
            .map(|(header, role)| (header.trim().to_owned(), role.code()))
            .collect();
        let result = self
            .store
            .save_import_mapping(name, &columns)
            .map_err(|error| {
                tracing::warn!("cannot save the import mapping: {error:#}");
                error.to_string()
            });
        Event::ImportMappingSaved {
            request,
            name: name.trim().to_owned(),
            result,
        }
    }
}

/// [`super::Command::SaveImportReport`]: every rejected and repeated row
/// with its reason, on a thread of its own; answered by
/// [`Event::Exported`] with the rows written.
pub(super) fn save_report(
    request: QueryId,
    plan: Arc<ImportPlan>,
    path: PathBuf,
    events: &EventSender,
) {
    super::batch_commands::off_thread("import-report", events, move || {
        let rows = &plan.prepared.rows;
        let result = write_report(&path, rows, &plan.fates)
            .map(|()| (rows.rejected.len() + plan.duplicates()) as u64)
            .map_err(|error| {
                tracing::warn!("import report failed: {error:#}");
                error.to_string()
            });
        Event::Exported {
            request,
            path,
            result,
        }
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::backend::test_support::{spawn, wait_for};
    use crate::backend::{Backend, Command};
    use crate::config::Settings;
    use crate::import::{ReadError, ReadOptions, read};

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/import")
            .join(name)
    }

    fn prepared(
        backend: &Backend,
        request: u64,
        workbook: &Arc<Workbook>,
        choice: ImportChoice,
    ) -> Result<Arc<ImportPlan>, ImportProblem> {
        backend
            .send(Command::PrepareImport {
                request: QueryId(request),
                workbook: Arc::clone(workbook),
                choice,
                cancel: ImportCancel::default(),
            })
            .unwrap();
        wait_for(backend, |event| match event {
            Event::ImportPrepared {
                request: QueryId(r),
                plan,
            } if r == request => Some(Ok(plan)),
            Event::ImportRefused {
                request: QueryId(r),
                problem,
            } if r == request => Some(Err(problem)),
            _ => None,
        })
    }

    #[test]
    fn a_file_being_read_tells_how_far_it_got_and_stops_on_cancel() {
        let backend = spawn(Store::open_in_memory().unwrap(), Settings::default());
        let path = fixture("customers.xlsx");
        let read_sheet = |request: u64, cancel: &ImportCancel| {
            backend
                .send(Command::ReadSheet {
                    request: QueryId(request),
                    path: path.clone(),
                    options: ReadOptions::default(),
                    cancel: cancel.clone(),
                })
                .unwrap();
            let mut stages = Vec::new();
            let answer = wait_for(&backend, |event| match event {
                Event::SheetProgress {
                    request: QueryId(r),
                    stage,
                    done,
                    total,
                } if r == request => {
                    assert!(done <= total);
                    stages.push(stage);
                    None
                }
                Event::SheetRead {
                    request: QueryId(r),
                    workbook,
                    ..
                } if r == request => Some(Ok(workbook)),
                Event::SheetRefused {
                    request: QueryId(r),
                    error,
                } if r == request => Some(Err(error)),
                _ => None,
            });
            (answer, stages)
        };

        let (read, stages) = read_sheet(1, &ImportCancel::default());
        assert_eq!(read.unwrap().sheets[0].name, "고객목록");
        assert_eq!(stages.first(), Some(&ReadStage::Loading));
        assert!(stages.contains(&ReadStage::Parsing), "{stages:?}");

        let cancel = ImportCancel::default();
        cancel.cancel();
        let (read, stages) = read_sheet(2, &cancel);
        assert_eq!(
            read.unwrap_err(),
            ReadError::Cancelled { path: path.clone() }
        );
        assert_eq!(stages, [ReadStage::Loading]);
    }

    #[test]
    fn a_workbook_is_prepared_off_the_store_thread_imported_once_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("book.sqlite3")).unwrap();
        let backend = spawn(store, Settings::default());
        let workbook = Arc::new(read(&fixture("customers.xlsx"), ReadOptions::default()).unwrap());

        let plan = prepared(&backend, 1, &workbook, ImportChoice::default()).unwrap();
        assert_eq!(plan.prepared.sheet, "고객목록");
        assert_eq!(plan.prepared.header_row, 2);
        let rows = &plan.prepared.rows;
        assert_eq!(
            (rows.data_rows, rows.valid.len(), rows.rejected.len()),
            (1000, 981, 19)
        );
        assert_eq!(rows.rejected_by_reason()["phone_invalid"], 8);
        assert_eq!((plan.duplicates(), plan.in_book()), (7, 0));
        assert_eq!(plan.to_add(OnDuplicate::Skip), 974);
        assert_eq!(plan.to_add(OnDuplicate::Create), 981);

        let report = dir.path().join("report.csv");
        backend
            .send(Command::SaveImportReport {
                request: QueryId(2),
                plan: Arc::clone(&plan),
                path: report.clone(),
            })
            .unwrap();
        let written = wait_for(&backend, |event| match event {
            Event::Exported {
                request: QueryId(2),
                result,
                ..
            } => Some(result),
            _ => None,
        });
        assert_eq!(written, Ok(26));
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains("phone_invalid"), "{text}");

        backend
            .send(Command::RunImport {
                request: QueryId(3),
                plan: Arc::clone(&plan),
                file: "customers.xlsx".to_owned(),
                policy: OnDuplicate::Skip,
                cancel: ImportCancel::default(),
            })
            .unwrap();
        let done = wait_for(&backend, |event| match event {
            Event::Imported {
                request: QueryId(3),
                imported,
                updated,
            } => Some((imported, updated)),
            _ => None,
        });
        assert_eq!(done, (974, 0));
        let count = wait_for(&backend, |event| match event {
            Event::CustomerCount(count) => Some(count),
            _ => None,
        });
        assert_eq!(count, 974);

        // Prepared again, every valid row repeats a customer or a row; the
        // same plan run again is checked anew and adds nobody.
        let again = prepared(&backend, 4, &workbook, ImportChoice::default()).unwrap();
        assert_eq!((again.duplicates(), again.in_book()), (981, 974));
        backend
            .send(Command::RunImport {
                request: QueryId(5),
                plan,
                file: "customers.xlsx".to_owned(),
                policy: OnDuplicate::Update,
                cancel: ImportCancel::default(),
            })
            .unwrap();
        let done = wait_for(&backend, |event| match event {
            Event::Imported {
                request: QueryId(5),
                imported,
                updated,
            } => Some((imported, updated)),
            _ => None,
        });
        assert_eq!(done.0, 0);
    }

    #[test]
    fn a_cancelled_import_reports_its_progress_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("book.sqlite3")).unwrap();
        let backend = spawn(store, Settings::default());
        let workbook = Arc::new(read(&fixture("customers.xlsx"), ReadOptions::default()).unwrap());
        let plan = prepared(&backend, 1, &workbook, ImportChoice::default()).unwrap();
        let run = |request: u64, cancel: &ImportCancel| {
            backend
                .send(Command::RunImport {
                    request: QueryId(request),
                    plan: Arc::clone(&plan),
                    file: "customers.xlsx".to_owned(),
                    policy: OnDuplicate::Skip,
                    cancel: cancel.clone(),
                })
                .unwrap();
        };
        // Cancelled before it starts: stopped at the first look, in the
        // check against the book.
        let cancel = ImportCancel::default();
        cancel.cancel();
        run(2, &cancel);
        let problem = wait_for(&backend, |event| match event {
            Event::ImportRefused {
                request: QueryId(2),
                problem,
            } => Some(problem),
            Event::Imported {
                request: QueryId(2),
                ..
            } => panic!("imported although cancelled"),
            _ => None,
        });
        assert_eq!(problem, ImportProblem::Cancelled);
        let reopened = Store::open(&dir.path().join("book.sqlite3")).unwrap();
        assert_eq!(reopened.count_customers().unwrap(), 0);
        // The columns nothing knows became no field either.
        assert!(reopened.field_defs().unwrap().is_empty());

        // Run through: each stage reported up to its end.
        run(3, &ImportCancel::default());
        let mut phases = Vec::new();
        wait_for(&backend, |event| match event {
            Event::ImportProgress {
                request: QueryId(3),
                phase,
                done,
                total,
            } => {
                assert!(done <= total);
                if done == total {
                    phases.push(phase);
                }
                None
            }
            Event::Imported {
                request: QueryId(3),
                imported,
                ..
            } => Some(imported),
            _ => None,
        });
        assert_eq!(
            phases,
            [
                ImportPhase::Preparing,
                ImportPhase::Writing,
                ImportPhase::Indexing
            ]
        );
    }

    #[test]
    fn a_chosen_header_without_a_name_or_phone_column_is_refused_with_its_columns() {
        let backend = spawn(Store::open_in_memory().unwrap(), Settings::default());
        let workbook = Arc::new(read(&fixture("customers.xlsx"), ReadOptions::default()).unwrap());
        let choice = |sheet: Option<&str>, header_row| ImportChoice {
            sheet: sheet.map(str::to_owned),
            header_row,
            ..ImportChoice::default()
        };
        let problem = prepared(&backend, 1, &workbook, choice(None, Some(3))).unwrap_err();
        let ImportProblem::NoColumn {
            header_row,
            missing,
            columns,
        } = problem
        else {
            panic!("{problem:?}");
        };
        assert_eq!((header_row, missing), (3, MissingColumn::Name));
        assert!(!columns.is_empty());
        let problem = prepared(&backend, 2, &workbook, choice(Some("없음"), None)).unwrap_err();
        assert!(
            matches!(&problem, ImportProblem::NoSheet { names, .. } if names.contains(&"고객목록".to_owned())),
            "{problem:?}"
        );
        // Picked by name, the header row is found on that sheet.
        let plan = prepared(&backend, 3, &workbook, choice(Some("고객목록"), None)).unwrap();
        assert_eq!(plan.prepared.header_row, 2);

        // The e-mail column left out: its bad addresses reject no row.
        let email = plan
            .prepared
            .rows
            .columns
            .iter()
            .position(|(_, role)| *role == ColumnRole::Email)
            .unwrap();
        let mut roles = vec![None; email + 1];
        roles[email] = Some(ColumnRole::Skip);
        let chosen = ImportChoice {
            roles,
            ..choice(Some("고객목록"), Some(2))
        };
        let plan = prepared(&backend, 4, &workbook, chosen).unwrap();
        assert_eq!(plan.prepared.rows.columns[email].1, ColumnRole::Skip);
        assert_eq!(plan.prepared.rows.rejected.len(), 16);
        assert!(
            !plan
                .prepared
                .rows
                .rejected_by_reason()
                .contains_key("email_invalid")
        );
    }
}
