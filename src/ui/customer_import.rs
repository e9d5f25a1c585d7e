//! 고객 가져오기: customers from a spreadsheet or a CSV/text file.
//!
//! The file is opened as in 엑셀문자발송 (a dialog on a thread of its own,
//! or a file dropped on the window) and read by the backend
//! ([`Command::ReadSheet`]); a text file's encoding and separator may be
//! overridden (the file is read again). The backend then prepares the
//! import on a thread of its own ([`Command::PrepareImport`]): the sheet
//! and header row found (both may be picked here, and it is prepared
//! again), each column's role read from its header, the rows sorted into
//! customers and rejected rows, and each customer checked against the book.
//! The window shows the columns with their roles over the first rows (a
//! role may be picked over what the header was read as: prepared again), the
//! counts, the rejected rows (virtualised: a file may reject thousands) and
//! the repeats, and the duplicate policy. 가져오기 writes everything in one
//! transaction ([`Command::RunImport`]); 보고서 저장… saves the rejected and
//! repeated rows ([`Command::SaveImportReport`]).
//!
//! A prepare and an import report how far they got
//! ([`crate::backend::Event::ImportProgress`]), shown as a bar with the stage; the
//! window keeps a clone of each one's [`ImportCancel`]: 취소 stops an
//! import (rolled back whole), and a newer choice or closing the window
//! stops a prepare. The columns may be read with a saved mapping (found by
//! the backend when the headers fit one, or picked); 매핑 저장… saves the
//! roles shown under a name ([`Command::SaveImportMapping`]).
//!
//! Only one such window is open at a time. The window reads no file itself.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::file_dialog::{self, dialog_answer, file_name};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe_read_error;
use super::table_save::TableSave;
use super::text_file_options::{TextOptions, encoding_label};
use super::widgets::{clipped, drop_lands_in, escape_closes, scroll_margin};
use crate::backend::{
    Cell, ColumnRole, Command, Fate, ImportCancel, ImportChoice, ImportPhase, ImportPlan,
    ImportProblem, MappingChoice, MissingColumn, OnDuplicate, QueryId, ReadError, ReadOptions,
    ReadStage, RejectReason, SheetRow, Workbook, column_roles, data_rows,
};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "customer_import";
/// Rows under the header shown below the columns' roles.
const PREVIEW_ROWS: usize = 5;
/// How long the header row must stay still before the file is prepared again.
const PREPARE_PAUSE: Duration = Duration::from_millis(300);
/// The duplicate policies offered, with their text keys.
const POLICIES: [(OnDuplicate, &str); 3] = [
    (OnDuplicate::Skip, "import.policy_skip"),
    (OnDuplicate::Update, "import.policy_update"),
    (OnDuplicate::Create, "import.policy_create"),
];

/// A file being read.
struct Reading {
    request: QueryId,
    path: PathBuf,
    since: Instant,
    /// The 취소 the backend looks at while it reads.
    cancel: ImportCancel,
    /// The stage, how much of it is done, and its whole.
    progress: Option<(ReadStage, u64, u64)>,
}

/// A file read, and what the person chose in it.
struct Loaded {
    path: PathBuf,
    workbook: Arc<Workbook>,
    /// A text file's encoding and separator, as detected and chosen.
    text: TextOptions,
    /// The sheet and header row shown (as found, until picked).
    sheet: String,
    header_row: usize,
    /// Column `i`'s role when picked over what its header reads as.
    roles: Vec<Option<ColumnRole>>,
    /// What the backend was last asked to prepare.
    asked: Option<ImportChoice>,
    /// The choice waiting for the pause to end, and when it ends.
    pending: Option<(ImportChoice, Instant)>,
    /// Which saved mapping to read the columns with.
    mapping: MappingChoice,
}

/// 매핑 저장…: the name being typed, and what became of saving it.
#[derive(Default)]
struct MappingSave {
    /// The name field is open.
    naming: bool,
    name: String,
    /// The save asked for and not yet answered.
    asked: Option<QueryId>,
    /// Saved (the name), or why not.
    outcome: Option<Result<String, String>>,
}

/// How far a prepare or an import got: stage, rows done, rows in it.
type Progress = (ImportPhase, u64, u64);

/// A prepare or an import under way.
struct Running {
    request: QueryId,
    since: Instant,
    /// Its 취소.
    cancel: ImportCancel,
    /// As last reported.
    progress: Option<Progress>,
}

impl Running {
    fn new(request: QueryId) -> Self {
        Self {
            request,
            since: Instant::now(),
            cancel: ImportCancel::default(),
            progress: None,
        }
    }
}

/// The outcome of 가져오기.
enum Outcome {
    /// Asked for, and how far it got.
    Running(Running),
    Done {
        imported: usize,
        updated: usize,
    },
    Refused(ImportProblem),
}

/// The 고객 가져오기 window.
#[derive(Default)]
pub struct CustomerImport {
    reading: Option<Reading>,
    refused: Option<ReadError>,
    loaded: Option<Loaded>,
    /// The prepare asked for and not yet answered.
    preparing: Option<Running>,
    plan: Option<Arc<ImportPlan>>,
    /// The plan's repeated rows (row, what it repeats), listed once.
    repeats: Vec<(usize, Fate)>,
    /// Why the file as chosen cannot be imported.
    problem: Option<ImportProblem>,
    policy: OnDuplicate,
    outcome: Option<Outcome>,
    to_open: Option<PathBuf>,
    to_save: Option<PathBuf>,
    open_dialog: Option<file_dialog::Pending>,
    save_dialog: Option<file_dialog::Pending>,
    export: Option<TableSave>,
    mapping_save: MappingSave,
    /// Why a dialog could not be opened.
    error: Option<String>,
    rect: Option<egui::Rect>,
    closed: bool,
}

impl CustomerImport {
    /// Reads `path` next (a dropped file, or one a test names).
    pub fn open_file(&mut self, path: PathBuf) {
        self.to_open = Some(path);
    }

    /// Saves the report to `path` next (.xlsx or .csv), as the save dialog does.
    pub fn save_report_to(&mut self, path: PathBuf) {
        self.to_save = Some(path);
    }

    /// Whether a file dropped at `pointer` is meant for this window.
    #[must_use]
    pub fn takes_drop_at(&self, pointer: Option<egui::Pos2>) -> bool {
        drop_lands_in(pointer, self.rect)
    }

    /// What an import would do, as last prepared (for tests).
    #[must_use]
    pub fn plan(&self) -> Option<&ImportPlan> {
        self.plan.as_deref()
    }

    /// Whether this window asked for the file `request` reads.
    #[must_use]
    pub fn asked_to_read(&self, request: QueryId) -> bool {
        self.reading.as_ref().is_some_and(|r| r.request == request)
    }

    /// A file was read; true when this window asked for it.
    pub fn sheet_read(&mut self, request: QueryId, path: PathBuf, workbook: Workbook) -> bool {
        if self.reading.as_ref().is_none_or(|r| r.request != request) {
            return false;
        }
        self.reading = None;
        let same_file = self.loaded.take().filter(|loaded| loaded.path == path);
        let text = TextOptions::after_read(
            same_file.as_ref().map(|loaded| &loaded.text),
            workbook.encoding,
            workbook.delimiter,
        );
        self.loaded = Some(Loaded {
            path,
            workbook: Arc::new(workbook),
            text,
            sheet: String::new(),
            header_row: 1,
            roles: Vec::new(),
            asked: None,
            pending: None,
            mapping: MappingChoice::default(),
        });
        self.mapping_save = MappingSave::default();
        self.plan = None;
        self.problem = None;
        self.outcome = None;
        self.export = None;
        true
    }

    /// How far reading the file got; true when this window asked for it.
    pub fn sheet_progress(
        &mut self,
        request: QueryId,
        stage: ReadStage,
        done: u64,
        total: u64,
    ) -> bool {
        match &mut self.reading {
            Some(reading) if reading.request == request => {
                reading.progress = Some((stage, done, total));
                true
            }
            _ => false,
        }
    }

    /// A file could not be read; true when this window asked for it.
    pub fn sheet_refused(&mut self, request: QueryId, error: ReadError) -> bool {
        if self.reading.as_ref().is_none_or(|r| r.request != request) {
            return false;
        }
        self.reading = None;
        self.refused = Some(error);
        true
    }

    /// A prepare was answered; true when this window asked for it. Answers
    /// to an older choice are dropped.
    pub fn prepared(&mut self, request: QueryId, plan: Arc<ImportPlan>) -> bool {
        if !self.is_preparing(request) {
            return false;
        }
        self.preparing = None;
        // What was found shows in the pickers, unless they changed since.
        if let Some(loaded) = &mut self.loaded
            && loaded.pending.is_none()
        {
            loaded.sheet.clone_from(&plan.prepared.sheet);
            loaded.header_row = plan.prepared.header_row;
            loaded.asked = Some(Self::choice(loaded));
        }
        self.problem = None;
        self.repeats = plan
            .prepared
            .rows
            .valid
            .iter()
            .zip(&plan.fates)
            .filter(|(_, fate)| **fate != Fate::New)
            .map(|(row, fate)| (row.at.row, *fate))
            .collect();
        self.plan = Some(plan);
        true
    }

    /// A prepare or an import was refused; true when this window asked.
    pub fn import_refused(&mut self, request: QueryId, problem: ImportProblem) -> bool {
        if self.is_preparing(request) {
            self.preparing = None;
            if let (Some(loaded), ImportProblem::NoColumn { header_row, .. }) =
                (&mut self.loaded, &problem)
                && loaded.pending.is_none()
            {
                // Found on the first sheet; both may be picked now.
                if loaded.sheet.is_empty() {
                    loaded.sheet = loaded
                        .workbook
                        .sheets
                        .first()
                        .map(|sheet| sheet.name.clone())
                        .unwrap_or_default();
                }
                loaded.header_row = *header_row;
                loaded.asked = Some(Self::choice(loaded));
            }
            self.plan = None;
            self.problem = Some(problem);
            return true;
        }
        if self.is_running(request) {
            self.outcome = Some(Outcome::Refused(problem));
            return true;
        }
        false
    }

    /// How far a prepare or an import got; true when this window asked.
    pub fn progress(
        &mut self,
        request: QueryId,
        phase: ImportPhase,
        done: u64,
        total: u64,
    ) -> bool {
        let running = match (&mut self.preparing, &mut self.outcome) {
            (Some(running), _) | (_, Some(Outcome::Running(running)))
                if running.request == request =>
            {
                running
            }
            _ => return false,
        };
        running.progress = Some((phase, done, total));
        true
    }

    /// Stops the prepare under way: its answer is no longer wanted.
    pub fn stop_preparing(&mut self) {
        if let Some(running) = self.preparing.take() {
            running.cancel.cancel();
        }
    }

    /// Cancels the import under way (the window's 취소).
    pub fn cancel_import(&self) {
        if let Some(Outcome::Running(running)) = &self.outcome {
            running.cancel.cancel();
        }
    }

    fn is_preparing(&self, request: QueryId) -> bool {
        self.preparing
            .as_ref()
            .is_some_and(|r| r.request == request)
    }

    fn is_running(&self, request: QueryId) -> bool {
        matches!(&self.outcome, Some(Outcome::Running(running)) if running.request == request)
    }

    /// An import was written; true when this window asked for it.
    pub fn imported(&mut self, request: QueryId, imported: usize, updated: usize) -> bool {
        if !self.is_running(request) {
            return false;
        }
        self.outcome = Some(Outcome::Done { imported, updated });
        // What the book now holds changes the repeats: checked again.
        if let Some(loaded) = &mut self.loaded {
            loaded.asked = None;
        }
        true
    }

    /// A mapping was saved, or could not be; true when this window asked.
    /// Once saved, the file is read with it (and it shows as applied).
    pub fn mapping_saved(
        &mut self,
        request: QueryId,
        name: String,
        result: Result<(), String>,
    ) -> bool {
        if self.mapping_save.asked != Some(request) {
            return false;
        }
        self.mapping_save.asked = None;
        match result {
            Ok(()) => {
                self.mapping_save.naming = false;
                if let Some(loaded) = &mut self.loaded {
                    loaded.mapping = MappingChoice::Named(name.clone());
                    loaded.roles.clear();
                    loaded.asked = None;
                }
                self.mapping_save.outcome = Some(Ok(name));
            }
            Err(reason) => self.mapping_save.outcome = Some(Err(reason)),
        }
        true
    }

    /// A report was written; true when this window asked for it.
    pub fn exported(&mut self, request: QueryId, result: Result<u64, String>) -> bool {
        self.export
            .as_mut()
            .is_some_and(|export| export.answered(request, result))
    }

    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> bool {
        if let Some(path) = dialog_answer(&mut self.open_dialog) {
            self.to_open = Some(path);
        }
        if let Some(path) = dialog_answer(&mut self.save_dialog) {
            self.to_save = Some(path);
        }
        if let Some(path) = self.to_open.take() {
            if let Some(loaded) = &mut self.loaded
                && loaded.path != path
            {
                loaded.text.forget_choices();
            }
            self.read(path, ReadOptions::default(), next_request, commands);
        }
        if let Some(path) = self.to_save.take() {
            self.save(path, next_request, commands);
        }
        self.prepare_when_still(ctx, next_request, commands);

        let id = egui::Id::unique(WINDOW);
        let mut open = true;
        let shown = egui::Window::new(texts.get("import.title"))
            .id(id)
            .open(&mut open)
            .default_size([900.0, 640.0])
            .min_size([640.0, 420.0])
            .show(ctx, |ui| {
                egui::Panel::bottom("customer_import_actions")
                    .resizable(false)
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        self.actions_ui(ui, texts, next_request, commands);
                        ui.add_space(2.0);
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("customer_import_scroll")
                        .show(ui, |ui| {
                            scroll_margin().show(ui, |ui| {
                                self.contents_ui(ui, texts, next_request, commands);
                            });
                        });
                });
            });
        self.rect = shown.map(|shown| shown.response.rect);
        open && !self.closed && !escape_closes(ctx, id)
    }

    fn read(
        &mut self,
        path: PathBuf,
        options: ReadOptions,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        *next_request += 1;
        let request = QueryId(*next_request);
        self.refused = None;
        let cancel = ImportCancel::default();
        self.reading = Some(Reading {
            request,
            path: path.clone(),
            since: Instant::now(),
            cancel: cancel.clone(),
            progress: None,
        });
        commands.push(Command::ReadSheet {
            request,
            path,
            options,
            cancel,
        });
    }

    /// The choice as the pickers stand: nothing picked for a file just
    /// read (the backend finds the sheet and header), else the sheet and
    /// header row shown.
    fn choice(loaded: &Loaded) -> ImportChoice {
        if loaded.sheet.is_empty() {
            return ImportChoice {
                mapping: loaded.mapping.clone(),
                ..ImportChoice::default()
            };
        }
        ImportChoice {
            sheet: Some(loaded.sheet.clone()),
            header_row: Some(loaded.header_row),
            region: None,
            roles: loaded.roles.clone(),
            mapping: loaded.mapping.clone(),
        }
    }

    /// Prepares the file again once the choice has stayed the same for
    /// [`PREPARE_PAUSE`] (at once for a file just read or imported).
    fn prepare_when_still(
        &mut self,
        ctx: &egui::Context,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(loaded) = &mut self.loaded else {
            return;
        };
        let now = Self::choice(loaded);
        if loaded.asked.as_ref() == Some(&now) {
            loaded.pending = None;
            return;
        }
        let clock = Instant::now();
        let due = match &loaded.pending {
            Some((choice, due)) if *choice == now => *due,
            _ if loaded.asked.is_none() => clock,
            _ => clock + PREPARE_PAUSE,
        };
        if clock < due {
            loaded.pending = Some((now, due));
            ctx.request_repaint_after(due.saturating_duration_since(clock));
            return;
        }
        *next_request += 1;
        let request = QueryId(*next_request);
        loaded.pending = None;
        loaded.asked = Some(now.clone());
        let running = Running::new(request);
        commands.push(Command::PrepareImport {
            request,
            workbook: Arc::clone(&loaded.workbook),
            choice: now,
            cancel: running.cancel.clone(),
        });
        // The answer to the older choice is no longer wanted.
        if let Some(older) = self.preparing.replace(running) {
            older.cancel.cancel();
        }
    }

    /// Whether the counts shown are those of the choice now.
    fn current(&self) -> bool {
        self.preparing.is_none() && self.loaded.as_ref().is_none_or(|l| l.pending.is_none())
    }

    fn save(&mut self, path: PathBuf, next_request: &mut u64, commands: &mut Vec<Command>) {
        let Some(plan) = &self.plan else {
            return;
        };
        let (export, request, path) = TableSave::start(path, next_request);
        self.export = Some(export);
        commands.push(Command::SaveImportReport {
            request,
            plan: Arc::clone(plan),
            path,
        });
    }

    fn contents_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        self.file_ui(ui, texts);
        if let Some(reading) = &self.reading
            && reading_ui(ui, texts, reading)
        {
            // Stopped here and now: the backend's answer to it is dropped.
            reading.cancel.cancel();
            self.refused = Some(ReadError::Cancelled {
                path: reading.path.clone(),
            });
            self.reading = None;
        }
        if let Some(error) = &self.refused {
            ui.colored_label(
                ui.visuals().error_fg_color,
                describe_read_error(texts, error),
            );
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        if self.loaded.is_none() {
            if self.reading.is_none() && self.refused.is_none() {
                ui.add_space(8.0);
                ui.weak(texts.get("import.no_file"));
            }
            return;
        }
        ui.separator();
        if let Some(options) = self.choice_ui(ui, texts)
            && let Some(path) = self.loaded.as_ref().map(|l| l.path.clone())
        {
            self.read(path, options, next_request, commands);
        }
        if let Some(problem) = &self.problem {
            ui.colored_label(
                ui.visuals().error_fg_color,
                describe_problem(texts, problem),
            );
        }
        // Headers that name no name or phone column: the roles are picked
        // here, and the file is prepared again.
        if let Some(ImportProblem::NoColumn { columns, .. }) = &self.problem
            && self.preparing.is_none()
            && let Some(loaded) = &mut self.loaded
        {
            let picked = headers_ui(ui, texts, columns, &loaded.roles);
            if let Some((index, role)) = picked {
                if loaded.roles.len() <= index {
                    loaded.roles.resize(index + 1, None);
                }
                if let Some(chosen) = loaded.roles.get_mut(index) {
                    *chosen = Some(role);
                }
            }
        }
        if let Some(running) = &self.preparing {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(texts.get("import.preparing"));
            });
            if let Some(progress) = running.progress {
                progress_bar_ui(ui, texts, progress);
            }
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
        let Some(plan) = self.plan.clone() else {
            return;
        };
        ui.add_enabled_ui(self.current(), |ui| {
            ui.separator();
            self.mapping_ui(ui, texts, &plan, next_request, commands);
            self.columns_ui(ui, texts, &plan);
            ui.separator();
            counts_ui(ui, texts, &plan, &self.repeats);
        });
    }

    fn file_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal_wrapped(|ui| {
            let button = ui
                .add_enabled(
                    self.open_dialog.is_none(),
                    egui::Button::new(texts.get("excel.open")),
                )
                .on_hover_text(texts.get("excel.open_hint"));
            if button.clicked() {
                self.pick_file(ui.ctx(), texts);
            }
            if let Some(loaded) = &self.loaded {
                ui.strong(file_name(&loaded.path));
            } else {
                ui.weak(texts.get("excel.open_hint"));
            }
        });
    }

    /// The sheet, the header row, and a text file's encoding and separator;
    /// returns the options to read the file again with when the encoding
    /// or separator was changed.
    fn choice_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) -> Option<ReadOptions> {
        let loaded = self.loaded.as_mut()?;
        let mut reread = None;
        let workbook = Arc::clone(&loaded.workbook);
        egui::Grid::new("import_choice")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                if workbook.sheets.len() > 1 {
                    let label = ui.label(texts.get("excel.sheet"));
                    let mut picked = loaded.sheet.clone();
                    egui::ComboBox::from_id_salt("import_sheet")
                        .selected_text(picked.as_str())
                        .show_ui(ui, |ui| {
                            for sheet in &workbook.sheets {
                                ui.selectable_value(&mut picked, sheet.name.clone(), &sheet.name);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if picked != loaded.sheet {
                        // The header row of another sheet is found anew,
                        // its columns read from their headers.
                        loaded.roles.clear();
                        loaded.sheet = picked;
                        loaded.header_row = workbook
                            .sheets
                            .iter()
                            .find(|sheet| sheet.name == loaded.sheet)
                            .and_then(crate::backend::guess_header_row)
                            .unwrap_or(1);
                    }
                    ui.end_row();
                }
                let last_row = workbook
                    .sheets
                    .iter()
                    .find(|sheet| sheet.name == loaded.sheet)
                    .and_then(|sheet| sheet.rows.last())
                    .map_or(1, |row| row.number)
                    .max(1);
                let label = ui.label(texts.get("excel.header_row"));
                let header = ui
                    .add_enabled(
                        !loaded.sheet.is_empty(),
                        egui::DragValue::new(&mut loaded.header_row).range(1..=last_row),
                    )
                    .labelled_by(label.id);
                if header.changed() {
                    loaded.roles.clear();
                }
                ui.end_row();
                if workbook.encoding.is_some()
                    && let Some(options) = loaded.text.ui(ui, texts, "import")
                {
                    reread = Some(options);
                }
            });
        if let Some(encoding) = workbook.encoding.filter(|_| workbook.had_decode_errors) {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                texts.fmt(
                    "excel.decode_errors",
                    &[("encoding", &encoding_label(encoding))],
                ),
            );
        }
        reread
    }

    /// The saved mapping applied (another, or none, may be picked) and
    /// 매핑 저장….
    fn mapping_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        plan: &ImportPlan,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(loaded) = &mut self.loaded else {
            return;
        };
        let save = &mut self.mapping_save;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(texts.get("import.mapping"));
            let none = texts.get("import.mapping_none");
            let mut picked = plan.mapping.clone();
            egui::ComboBox::from_id_salt("import_mapping")
                .selected_text(picked.as_deref().unwrap_or(none))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut picked, None, none);
                    for name in &plan.mappings {
                        ui.selectable_value(&mut picked, Some(name.clone()), name);
                    }
                })
                .response
                .labelled_by(label.id);
            if picked != plan.mapping {
                loaded.mapping = picked.map_or(MappingChoice::Without, MappingChoice::Named);
                loaded.roles.clear();
            }
            if let Some(name) = &plan.mapping {
                ui.label(
                    egui::RichText::new(texts.fmt("import.mapping_applied", &[("name", name)]))
                        .color(ui.visuals().hyperlink_color),
                );
            }
            if ui
                .add_enabled(
                    !save.naming,
                    egui::Button::new(texts.get("import.save_mapping")),
                )
                .clicked()
            {
                save.naming = true;
                save.outcome = None;
                if save.name.is_empty() {
                    save.name = plan.mapping.clone().unwrap_or_default();
                }
            }
        });
        if save.naming {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label(texts.get("import.mapping_name"));
                let field = ui
                    .add(egui::TextEdit::singleline(&mut save.name).desired_width(220.0))
                    .labelled_by(label.id);
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let clicked = ui
                    .add_enabled(
                        save.asked.is_none(),
                        egui::Button::new(texts.get("import.mapping_save")),
                    )
                    .clicked();
                if (clicked || entered) && save.asked.is_none() {
                    if save.name.trim().is_empty() {
                        save.outcome = Some(Err(texts.get("import.mapping_name_empty").to_owned()));
                    } else {
                        *next_request += 1;
                        let request = QueryId(*next_request);
                        save.asked = Some(request);
                        commands.push(Command::SaveImportMapping {
                            request,
                            name: save.name.trim().to_owned(),
                            columns: plan.prepared.rows.columns.clone(),
                        });
                    }
                }
                if ui.button(texts.get("import.cancel")).clicked() {
                    save.naming = false;
                    save.outcome = None;
                }
            });
        }
        match &save.outcome {
            Some(Ok(name)) => {
                ui.label(texts.fmt("import.mapping_saved", &[("name", name)]));
            }
            Some(Err(reason)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    texts.fmt("import.mapping_failed", &[("reason", reason)]),
                );
            }
            None => {}
        }
    }

    /// Each column's header over the role it was read as, then the first
    /// rows under the header.
    fn columns_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, plan: &ImportPlan) {
        ui.label(texts.fmt(
            "import.columns",
            &[("region", &plan.prepared.region.to_string())],
        ));
        let columns = &plan.prepared.rows.columns;
        let rows: Vec<&SheetRow> = self
            .loaded
            .as_ref()
            .and_then(|loaded| {
                loaded
                    .workbook
                    .sheets
                    .iter()
                    .find(|sheet| sheet.name == plan.prepared.sheet)
            })
            .map(|sheet| {
                data_rows(sheet, plan.prepared.header_row)
                    .take(PREVIEW_ROWS)
                    .collect()
            })
            .unwrap_or_default();
        let mut picked: Option<(usize, ColumnRole)> = None;
        egui::ScrollArea::horizontal()
            .id_salt("import_columns_scroll")
            .show(ui, |ui| {
                egui::Grid::new("import_columns")
                    .striped(true)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        ui.strong(texts.get("excel.column_row"));
                        let names: Vec<egui::Id> = columns
                            .iter()
                            .map(|(header, _)| ui.strong(clipped(header.clone(), 24)).id)
                            .collect();
                        ui.end_row();
                        ui.weak(texts.get("import.role"));
                        for (index, ((header, role), name)) in
                            columns.iter().zip(&names).enumerate()
                        {
                            let column = (index, header.as_str());
                            if let Some(role) =
                                role_picker(ui, texts, column, role, &plan.fields, *name)
                            {
                                picked = Some((index, role));
                            }
                        }
                        ui.end_row();
                        for row in &rows {
                            ui.weak(row.number.to_string());
                            for index in 0..columns.len() {
                                let text =
                                    row.cells.get(index).map_or_else(String::new, Cell::text);
                                ui.label(clipped(text, 24));
                            }
                            ui.end_row();
                        }
                    });
            });
        if let (Some((index, role)), Some(loaded)) = (picked, &mut self.loaded) {
            if loaded.roles.len() <= index {
                loaded.roles.resize(index + 1, None);
            }
            if let Some(chosen) = loaded.roles.get_mut(index) {
                *chosen = Some(role);
            }
        }
    }

    /// The policy, 가져오기 and 보고서 저장…, and what became of them.
    fn actions_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let plan = self.plan.clone().filter(|_| self.current());
        let running = matches!(self.outcome, Some(Outcome::Running(..)));
        ui.horizontal_wrapped(|ui| {
            ui.label(texts.get("import.policy"));
            for (policy, key) in POLICIES {
                ui.radio_value(&mut self.policy, policy, texts.get(key));
            }
        });
        ui.horizontal_wrapped(|ui| {
            // Something to add, or customers to fill in.
            let ready = plan.as_ref().is_some_and(|plan| {
                plan.to_add(self.policy) > 0
                    || (self.policy == OnDuplicate::Update && plan.in_book() > 0)
            });
            let label = plan.as_ref().map_or_else(
                || texts.get("import.run").to_owned(),
                |plan| {
                    texts.fmt(
                        "import.run_count",
                        &[("count", &thousands(plan.to_add(self.policy) as u64))],
                    )
                },
            );
            if ui
                .add_enabled(ready && !running, egui::Button::new(label))
                .clicked()
                && let Some(plan) = &plan
            {
                *next_request += 1;
                let request = QueryId(*next_request);
                let running = Running::new(request);
                let cancel = running.cancel.clone();
                self.outcome = Some(Outcome::Running(running));
                commands.push(Command::RunImport {
                    request,
                    plan: Arc::clone(plan),
                    file: self
                        .loaded
                        .as_ref()
                        .map(|loaded| loaded.path.display().to_string())
                        .unwrap_or_default(),
                    policy: self.policy,
                    cancel,
                });
            }
            let saving = self.export.as_ref().is_some_and(TableSave::running);
            if ui
                .add_enabled(
                    plan.is_some() && !saving && self.save_dialog.is_none(),
                    egui::Button::new(texts.get("import.save_report")),
                )
                .clicked()
            {
                self.pick_save_path(ui.ctx(), texts);
            }
            if ui.button(texts.get("excel.close")).clicked() {
                self.closed = true;
            }
        });
        self.outcome_ui(ui, texts);
    }

    /// What became of 가져오기 and 보고서 저장….
    fn outcome_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        match &self.outcome {
            None => {}
            Some(Outcome::Running(running)) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    if running.cancel.cancelled() {
                        ui.label(texts.get("import.cancelling"));
                    } else {
                        ui.label(texts.fmt(
                            "import.running",
                            &[("secs", &running.since.elapsed().as_secs())],
                        ));
                        if ui.button(texts.get("import.cancel")).clicked() {
                            running.cancel.cancel();
                        }
                    }
                });
                if let Some(progress) = running.progress {
                    progress_bar_ui(ui, texts, progress);
                }
                ui.ctx().request_repaint_after(Duration::from_millis(250));
            }
            Some(Outcome::Done { imported, updated }) => {
                ui.label(
                    egui::RichText::new(texts.fmt(
                        "import.done",
                        &[
                            ("imported", &thousands(*imported as u64)),
                            ("updated", &thousands(*updated as u64)),
                        ],
                    ))
                    .strong(),
                );
            }
            Some(Outcome::Refused(problem)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    describe_problem(texts, problem),
                );
            }
        }
        if let Some(export) = &self.export {
            ui.horizontal_wrapped(|ui| export.status_ui(ui, texts));
        }
    }

    /// Opens the native open dialog on a thread of its own.
    fn pick_file(&mut self, ctx: &egui::Context, texts: &Texts) {
        let spawned = file_dialog::pick_sheet(
            ctx,
            texts.get("import.pick_title"),
            texts.get("excel.filter"),
        );
        match spawned {
            Ok(receiver) => self.open_dialog = Some(receiver),
            Err(error) => self.error = Some(error.to_string()),
        }
    }

    /// Opens the native save dialog on a thread of its own.
    fn pick_save_path(&mut self, ctx: &egui::Context, texts: &Texts) {
        let spawned = file_dialog::save_table(
            ctx,
            texts.get("import.save_report"),
            texts.get("import.report_file"),
        );
        match spawned {
            Ok(receiver) => self.save_dialog = Some(receiver),
            Err(error) => self.error = Some(error.to_string()),
        }
    }
}

/// Each header over its role (as read, or as `chosen`), for a header row
/// without a name or phone column; returns the role picked this frame.
fn headers_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    headers: &[String],
    chosen: &[Option<ColumnRole>],
) -> Option<(usize, ColumnRole)> {
    let mut roles = column_roles(headers);
    for (role, picked) in roles.iter_mut().zip(chosen) {
        if let Some(picked) = picked {
            role.clone_from(picked);
        }
    }
    let mut picked = None;
    egui::ScrollArea::horizontal()
        .id_salt("import_headers_scroll")
        .show(ui, |ui| {
            egui::Grid::new("import_headers")
                .spacing([14.0, 4.0])
                .show(ui, |ui| {
                    let names: Vec<egui::Id> = headers
                        .iter()
                        .map(|header| ui.strong(clipped(header.clone(), 24)).id)
                        .collect();
                    ui.end_row();
                    for (index, ((header, role), name)) in
                        headers.iter().zip(&roles).zip(&names).enumerate()
                    {
                        let column = (index, header.as_str());
                        if let Some(role) = role_picker(ui, texts, column, role, &[], *name) {
                            picked = Some((index, role));
                        }
                    }
                    ui.end_row();
                });
        });
    picked
}

/// The file being read: its name, the seconds spent, how far it got and
/// 취소; true when 취소 was clicked.
fn reading_ui(ui: &mut egui::Ui, texts: &Texts, reading: &Reading) -> bool {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(texts.fmt(
            "excel.reading",
            &[
                ("file", &file_name(&reading.path)),
                ("secs", &reading.since.elapsed().as_secs()),
            ],
        ));
    });
    if let Some((stage, done, total)) = reading.progress {
        #[expect(clippy::cast_precision_loss, reason = "a fraction for a bar")]
        let fraction = if total == 0 {
            0.0
        } else {
            (done as f32 / total as f32).clamp(0.0, 1.0)
        };
        let stage = texts.get(match stage {
            ReadStage::Loading => "import.read_loading",
            ReadStage::Parsing => "import.read_parsing",
        });
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(ui.available_width().min(520.0))
                .text(format!("{stage} {:.0}%", fraction * 100.0)),
        );
    }
    ui.ctx().request_repaint_after(Duration::from_millis(250));
    ui.button(texts.get("import.cancel")).clicked()
}

/// Rows done of the rows in the stage, with the stage's name.
fn progress_bar_ui(ui: &mut egui::Ui, texts: &Texts, (phase, done, total): Progress) {
    let phase = texts.get(match phase {
        ImportPhase::Preparing => "import.phase_preparing",
        ImportPhase::Writing => "import.phase_writing",
        ImportPhase::Indexing => "import.phase_indexing",
    });
    #[expect(clippy::cast_precision_loss, reason = "a fraction for a bar")]
    let fraction = if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    };
    // The index is a few long statements: its count says little.
    let text = if total <= 1 {
        phase.to_owned()
    } else {
        texts.fmt(
            "import.progress",
            &[
                ("phase", &phase),
                ("done", &thousands(done)),
                ("total", &thousands(total)),
            ],
        )
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .desired_width(ui.available_width().min(520.0))
            .text(text)
            .animate(total <= 1),
    );
}

/// The counts, the rejected rows by reason and one by one, and the repeats.
fn counts_ui(ui: &mut egui::Ui, texts: &Texts, plan: &ImportPlan, repeats: &[(usize, Fate)]) {
    let rows = &plan.prepared.rows;
    let count = |n: usize| thousands(n as u64);
    ui.horizontal_wrapped(|ui| {
        ui.label(texts.fmt("import.rows", &[("count", &count(rows.data_rows))]));
        ui.separator();
        ui.strong(texts.fmt("import.valid", &[("count", &count(rows.valid.len()))]));
    });
    egui::CollapsingHeader::new(
        texts.fmt("import.rejected", &[("count", &count(rows.rejected.len()))]),
    )
    .id_salt("import_rejected")
    .show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for (reason, n) in reason_counts(rows.rejected.iter().map(|r| r.reason)) {
                ui.label(format!("{} {}", reason_name(texts, reason), count(n)));
                ui.separator();
            }
        });
        rejected_table(ui, texts, plan);
    });
    egui::CollapsingHeader::new(texts.fmt(
        "import.duplicates",
        &[
            ("count", &count(plan.duplicates())),
            ("in_file", &count(plan.duplicates() - plan.in_book())),
            ("in_book", &count(plan.in_book())),
        ],
    ))
    .id_salt("import_duplicates")
    .show(ui, |ui| duplicates_table(ui, texts, repeats));
}

/// How many rows each reason rejected, in the reasons' order.
fn reason_counts(reasons: impl Iterator<Item = RejectReason>) -> Vec<(RejectReason, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for reason in reasons {
        *counts.entry(reason).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

/// The rejected rows: row, reason, column, value; only those in view laid out.
fn rejected_table(ui: &mut egui::Ui, texts: &Texts, plan: &ImportPlan) {
    let rejected = &plan.prepared.rows.rejected;
    if rejected.is_empty() {
        ui.weak(texts.get("excel.none_left_out"));
        return;
    }
    TableBuilder::new(ui)
        .id_salt("import_rejected_rows")
        .striped(true)
        .vscroll(true)
        .max_scroll_height(ROW_HEIGHT * 10.0)
        .min_scrolled_height(ROW_HEIGHT * 6.0)
        .column(Column::auto().at_least(56.0))
        .column(
            Column::initial(220.0)
                .at_least(80.0)
                .resizable(true)
                .clip(true),
        )
        .column(
            Column::initial(130.0)
                .at_least(60.0)
                .resizable(true)
                .clip(true),
        )
        .column(Column::remainder().at_least(80.0).clip(true))
        .header(ROW_HEIGHT, |mut header| {
            for key in [
                "excel.column_row",
                "excel.column_reason",
                "import.column",
                "import.value",
            ] {
                header.col(|ui| {
                    ui.strong(texts.get(key));
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rejected.len(), |mut row| {
                let Some(rejected) = rejected.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(texts.fmt("excel.row", &[("row", &rejected.at.row)]));
                });
                row.col(|ui| {
                    ui.label(reason_name(texts, rejected.reason));
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(rejected.column.as_str()).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(clipped(rejected.value.clone(), 200)).truncate());
                });
            });
        });
}

/// The valid rows that repeat a row or a customer, and which.
fn duplicates_table(ui: &mut egui::Ui, texts: &Texts, repeats: &[(usize, Fate)]) {
    if repeats.is_empty() {
        ui.weak(texts.get("excel.none_left_out"));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("import_duplicate_rows")
        .max_height(ROW_HEIGHT * 8.0)
        .min_scrolled_height(ROW_HEIGHT * 4.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, repeats.len(), |ui, range| {
            for (row, fate) in repeats.get(range).unwrap_or_default() {
                ui.horizontal(|ui| {
                    ui.label(texts.fmt("excel.row", &[("row", row)]));
                    ui.label(match fate {
                        Fate::RepeatsRow(first) => {
                            texts.fmt("excel.duplicate_of", &[("first", &first.row)])
                        }
                        Fate::RepeatsCustomer(id) => {
                            texts.fmt("import.same_customer", &[("id", &id.0)])
                        }
                        Fate::New => String::new(),
                    });
                });
            }
        });
}

/// A column's role as a choice among all of them, labelled by its header
/// (`name`); returns the role picked this frame. `fields` are the
/// user-defined fields there are (key, label), offered by label.
fn role_picker(
    ui: &mut egui::Ui,
    texts: &Texts,
    (index, header): (usize, &str),
    role: &ColumnRole,
    fields: &[(String, String)],
    name: egui::Id,
) -> Option<ColumnRole> {
    let options = role_options(header, fields);
    let now = options
        .iter()
        .position(|option| same_role(option, role, fields));
    let mut chosen = now;
    let text = egui::RichText::new(role_text(texts, role, fields));
    let text = match role {
        ColumnRole::Field(_) => text.color(ui.visuals().hyperlink_color),
        ColumnRole::Skip => text.color(ui.visuals().weak_text_color()),
        _ => text.strong(),
    };
    egui::ComboBox::from_id_salt(("import_role", index))
        .selected_text(text)
        .width(120.0)
        // Every role at once, none scrolled out of sight while the screen
        // has room (an option is a little taller than a table row).
        .height(ROW_HEIGHT * 1.4 * f32::from(u16::try_from(options.len() + 1).unwrap_or(u16::MAX)))
        .show_ui(ui, |ui| {
            for (at, option) in options.iter().enumerate() {
                ui.selectable_value(&mut chosen, Some(at), role_text(texts, option, fields));
            }
        })
        .response
        .labelled_by(name);
    (chosen != now)
        .then(|| chosen.and_then(|at| options.get(at).cloned()))
        .flatten()
}

/// Every role a column headed `header` may be given: the built-in ones, a
/// new user-defined field of the header's name (unless a field has it),
/// each user-defined field there is, and the consent columns.
fn role_options(header: &str, fields: &[(String, String)]) -> Vec<ColumnRole> {
    let header = header.trim();
    let mut options = vec![
        ColumnRole::Name,
        ColumnRole::Phone {
            label: header.to_owned(),
            mobile: true,
        },
        ColumnRole::Phone {
            label: header.to_owned(),
            mobile: false,
        },
        ColumnRole::Email,
        ColumnRole::Company,
        ColumnRole::Address,
        ColumnRole::Group,
        ColumnRole::Tag,
        ColumnRole::Memo,
        ColumnRole::Source,
        ColumnRole::Country,
        ColumnRole::Skip,
    ];
    if field_of(header, fields).is_none() {
        options.push(ColumnRole::Field(header.to_owned()));
    }
    options.extend(fields.iter().map(|(key, _)| ColumnRole::Field(key.clone())));
    options.extend([
        ColumnRole::AdConsent,
        ColumnRole::AdConsentDate,
        ColumnRole::AdConsentChannel,
        ColumnRole::NightConsent,
        ColumnRole::AdOptOut,
    ]);
    options
}

/// The user-defined field (key, label) a [`ColumnRole::Field`] of `name`
/// fills: the one with that key, else that label (as the import finds it).
fn field_of<'f>(name: &str, fields: &'f [(String, String)]) -> Option<&'f (String, String)> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .or_else(|| fields.iter().find(|(_, label)| label == name))
}

/// Whether two roles are the same choice: a phone's label aside, and a
/// field the same field however it is named.
fn same_role(a: &ColumnRole, b: &ColumnRole, fields: &[(String, String)]) -> bool {
    match (a, b) {
        (ColumnRole::Phone { mobile: x, .. }, ColumnRole::Phone { mobile: y, .. }) => x == y,
        (ColumnRole::Field(x), ColumnRole::Field(y)) => {
            x == y
                || field_of(x, fields)
                    .zip(field_of(y, fields))
                    .is_some_and(|(x, y)| x.0 == y.0)
        }
        _ => a == b,
    }
}

/// A role in the window's language; an existing field by its label.
fn role_text(texts: &Texts, role: &ColumnRole, fields: &[(String, String)]) -> String {
    if let ColumnRole::Field(name) = role
        && let Some((_, label)) = field_of(name, fields)
    {
        return texts.fmt("import.role_existing_field", &[("label", label)]);
    }
    texts.get(role_key(role)).to_owned()
}

/// The text key of a column's role.
fn role_key(role: &ColumnRole) -> &'static str {
    match role {
        ColumnRole::Name => "import.role_name",
        ColumnRole::Phone { mobile: true, .. } => "import.role_mobile",
        ColumnRole::Phone { mobile: false, .. } => "import.role_phone",
        ColumnRole::Email => "import.role_email",
        ColumnRole::Company => "import.role_company",
        ColumnRole::Address => "import.role_address",
        ColumnRole::Group => "import.role_group",
        ColumnRole::Tag => "import.role_tag",
        ColumnRole::Memo => "import.role_memo",
        ColumnRole::Source => "import.role_source",
        ColumnRole::Country => "import.role_country",
        ColumnRole::AdConsent => "import.role_ad_consent",
        ColumnRole::AdConsentDate => "import.role_ad_consent_date",
        ColumnRole::AdConsentChannel => "import.role_ad_consent_channel",
        ColumnRole::NightConsent => "import.role_night_consent",
        ColumnRole::AdOptOut => "import.role_ad_opt_out",
        ColumnRole::Skip => "import.role_skip",
        ColumnRole::Field(_) => "import.role_field",
    }
}

/// Why a row was rejected, in the window's language.
fn reason_name(texts: &Texts, reason: RejectReason) -> &str {
    texts.get(match reason {
        RejectReason::NameMissing => "import.reason_name_missing",
        RejectReason::PhoneMissing => "import.reason_phone_missing",
        RejectReason::PhoneInvalid => "import.reason_phone_invalid",
        RejectReason::EmailInvalid => "import.reason_email_invalid",
        RejectReason::MemoTooLong => "import.reason_memo_too_long",
    })
}

/// Why the file as chosen cannot be imported, in the window's language.
fn describe_problem(texts: &Texts, problem: &ImportProblem) -> String {
    match problem {
        ImportProblem::NoSheet { sheet, .. } => texts.fmt("import.no_sheet", &[("sheet", sheet)]),
        ImportProblem::Empty => texts.get("import.empty").to_owned(),
        ImportProblem::NoColumn {
            header_row,
            missing,
            columns,
        } => texts.fmt(
            match missing {
                MissingColumn::Name => "import.no_name_column",
                MissingColumn::Phone => "import.no_phone_column",
            },
            &[
                ("row", header_row),
                ("columns", &clipped(columns.join(", "), 200)),
            ],
        ),
        ImportProblem::Cancelled => texts.get("import.cancelled").to_owned(),
        ImportProblem::Failed(reason) => texts.fmt("import.failed", &[("reason", reason)]),
    }
}
