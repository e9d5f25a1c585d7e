//! 엑셀문자발송: one personalised message per row of a spreadsheet or CSV.
//!
//! The manager opens a file (a dialog on a thread of its own, or a file
//! dropped on the window); the backend reads it off this thread
//! ([`Command::ReadSheet`]) while the window shows the file's name and the
//! seconds spent. Then the sheet, the header row and the phone column are
//! picked (each guessed first), a text file's encoding and separator may be
//! overridden (the file is read again), and the first rows under the header
//! are previewed with the phone column marked. The header names are the
//! `#{열이름}` variables of the text.
//!
//! Whenever the sheet, the header row, the phone column or the variables the
//! text uses change, the sheet is sorted again by the backend
//! ([`Command::SortSheet`], after a short pause so typing does not flood
//! it): the rows to send, and the rows left out with their row number and
//! why, which can be saved to a file ([`Command::ExportTable`]).
//!
//! The text is written in the shared bulk editor ([`BulkMessage`]), checked
//! and previewed against the first rows to send with their values filled
//! in; once confirmed, every row to send becomes a recipient of an Excel
//! batch with its row number and values.
//!
//! Only one such window is open at a time. The window reads no file itself.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::bulk_message::{BulkMessage, PREVIEWED, Recipients, Sample};
use super::file_dialog::{self, dialog_answer, file_name};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::{describe_issue, describe_read_error};
use super::sms_form::Data;
use super::table_save::TableSave;
use super::text_file_options::{TextOptions, encoding_label};
use super::widgets::{clipped, escape_closes};
use crate::backend::{
    BatchId, BatchKind, BatchProblem, Cell, Command, DuplicateRow, Encoding, ImportCancel,
    NewRecipient, QueryId, ReadError, ReadOptions, RejectedRow, RowProblem, Sheet, SheetMapping,
    SheetRow, SheetTargets, Workbook, column_names, data_rows, guess_header_row,
    guess_phone_column, header_names, used_variables,
};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "excel_sms";
/// Rows under the header the preview shows.
const PREVIEW_ROWS: usize = 20;
/// How long the mapping must stay still before the sheet is sorted again.
const SORT_PAUSE: Duration = Duration::from_millis(300);
/// A file being read.
struct Reading {
    request: QueryId,
    path: PathBuf,
    since: Instant,
}

/// A file read, and what the manager chose in it.
struct Loaded {
    path: PathBuf,
    sheets: Vec<Arc<Sheet>>,
    /// The encoding and separator a text file was read with.
    encoding: Option<&'static Encoding>,
    had_decode_errors: bool,
    /// A text file's encoding and separator, as detected and chosen.
    text: TextOptions,
    sheet: usize,
    header_row: usize,
    phone_column: usize,
    /// No column named or held phone numbers, and the manager has not
    /// picked one yet.
    phone_unknown: bool,
}

impl Loaded {
    fn sheet(&self) -> Option<&Arc<Sheet>> {
        self.sheets.get(self.sheet)
    }

    /// Picks the sheet at `index` and guesses its header row and phone column.
    fn pick_sheet(&mut self, index: usize) {
        self.sheet = index;
        let Some(sheet) = self.sheets.get(index) else {
            return;
        };
        self.header_row = guess_header_row(sheet).unwrap_or(1);
        self.guess_phone_column();
    }

    /// Guesses the phone column under the header row.
    fn guess_phone_column(&mut self) {
        let guess = self
            .sheet()
            .and_then(|sheet| guess_phone_column(sheet, self.header_row));
        self.phone_column = guess.unwrap_or(0);
        self.phone_unknown = guess.is_none();
    }
}

/// The 엑셀문자발송 window.
pub struct ExcelSms {
    reading: Option<Reading>,
    refused: Option<ReadError>,
    loaded: Option<Loaded>,
    /// The text, whose `#{열이름}` decide which empty cells leave a row out.
    editor: BulkMessage,
    /// The mapping last sent for sorting, the request and when it went.
    sorting: Option<(QueryId, Instant)>,
    sent_mapping: Option<(usize, SheetMapping)>,
    /// The mapping waiting for the pause to end, and when it ends.
    pending: Option<(usize, SheetMapping, Instant)>,
    sorted: Option<Box<SheetTargets>>,
    /// A file to read, chosen in the dialog, dropped or given by a test.
    to_open: Option<PathBuf>,
    /// Where to save the left-out rows, chosen in the dialog or by a test.
    to_save: Option<PathBuf>,
    open_dialog: Option<file_dialog::Pending>,
    save_dialog: Option<file_dialog::Pending>,
    export: Option<TableSave>,
    /// Why a dialog could not be opened.
    error: Option<String>,
    rect: Option<egui::Rect>,
    closed: bool,
}

impl Default for ExcelSms {
    fn default() -> Self {
        Self {
            reading: None,
            refused: None,
            loaded: None,
            editor: BulkMessage::new("excel_sms"),
            sorting: None,
            sent_mapping: None,
            pending: None,
            sorted: None,
            to_open: None,
            to_save: None,
            open_dialog: None,
            save_dialog: None,
            export: None,
            error: None,
            rect: None,
            closed: false,
        }
    }
}

impl ExcelSms {
    /// The batch whose results the manager asked to see, once.
    pub fn wants_results(&mut self) -> Option<BatchId> {
        self.editor.wants_results()
    }

    /// The text editor, for the picture the backend reads for it.
    pub fn editor(&mut self) -> &mut BulkMessage {
        &mut self.editor
    }

    /// The backend stored a batch; true when this window asked for it.
    pub fn started(&mut self, request: QueryId, id: BatchId) -> bool {
        self.editor.started(request, id)
    }

    /// The backend refused a batch; true when this window asked for it.
    pub fn refused(&mut self, request: QueryId, problem: &BatchProblem) -> bool {
        self.editor.refused(request, problem)
    }

    /// A request failed.
    pub fn failed(&mut self, action: &str, message: &str) {
        self.editor.failed(action, message);
    }

    /// Reads `path` next (a dropped file, or one a test names).
    pub fn open_file(&mut self, path: PathBuf) {
        self.to_open = Some(path);
    }

    /// Saves the rows left out to `path` next (.xlsx or .csv), as the save
    /// dialog does.
    pub fn save_left_out_to(&mut self, path: PathBuf) {
        self.to_save = Some(path);
    }

    /// Whether a file dropped at `pointer` is meant for this window.
    #[must_use]
    pub fn takes_drop_at(&self, pointer: Option<egui::Pos2>) -> bool {
        match (pointer, self.rect) {
            (Some(pointer), Some(rect)) => rect.contains(pointer),
            (None, _) => true,
            (Some(_), None) => false,
        }
    }

    /// A file was read; true when this window asked for it.
    pub fn sheet_read(&mut self, request: QueryId, path: PathBuf, workbook: Workbook) -> bool {
        if self.reading.as_ref().is_none_or(|r| r.request != request) {
            return false;
        }
        self.reading = None;
        let same_file = self.loaded.as_ref().filter(|loaded| loaded.path == path);
        let text = TextOptions::after_read(
            same_file.map(|loaded| &loaded.text),
            workbook.encoding,
            workbook.delimiter,
        );
        let first = workbook
            .sheets
            .iter()
            .position(|sheet| sheet.rows.iter().any(|row| !row.is_blank()))
            .unwrap_or(0);
        let mut loaded = Loaded {
            path,
            sheets: workbook.sheets.into_iter().map(Arc::new).collect(),
            encoding: workbook.encoding,
            had_decode_errors: workbook.had_decode_errors,
            text,
            sheet: 0,
            header_row: 1,
            phone_column: 0,
            phone_unknown: false,
        };
        loaded.pick_sheet(first);
        self.loaded = Some(loaded);
        self.sorted = None;
        self.sent_mapping = None;
        self.pending = None;
        self.export = None;
        true
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

    /// A sheet was sorted; true when this window asked for it. Answers to
    /// an older mapping are dropped.
    pub fn sheet_sorted(&mut self, request: QueryId, targets: Box<SheetTargets>) -> bool {
        if self.sorting.is_none_or(|(asked, _)| asked != request) {
            return false;
        }
        self.sorting = None;
        self.sorted = Some(targets);
        true
    }

    /// A table was written; true when this window asked for it.
    pub fn exported(&mut self, request: QueryId, result: Result<u64, String>) -> bool {
        self.export
            .as_mut()
            .is_some_and(|export| export.answered(request, result))
    }

    /// The rows left out as last sorted (for tests and the lists).
    #[must_use]
    pub fn sorted(&self) -> Option<&SheetTargets> {
        self.sorted.as_deref()
    }

    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        balance: Option<u64>,
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
            self.save(texts, path, next_request, commands);
        }
        self.sort_when_still(ctx, next_request, commands);

        let id = egui::Id::unique(WINDOW);
        let mut open = true;
        let shown = egui::Window::new(texts.get("menu.excel_sms"))
            .id(id)
            .open(&mut open)
            .default_size([980.0, 620.0])
            .min_size([760.0, 420.0])
            .show(ctx, |ui| {
                egui::Panel::bottom("excel_sms_close")
                    .resizable(false)
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        if ui.button(texts.get("excel.close")).clicked() {
                            self.closed = true;
                        }
                    });
                // The sheet on the left, the text on the right, as in the
                // other bulk-send windows.
                egui::Panel::left("excel_sms_sheet")
                    .resizable(true)
                    .default_size(480.0)
                    .min_size(340.0)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("excel_sms_sheet")
                            .show(ui, |ui| {
                                super::widgets::scroll_margin().show(ui, |ui| {
                                    self.contents_ui(ui, texts, next_request, commands);
                                });
                            });
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    self.editor_ui(ui, texts, data, balance, next_request, commands);
                });
            });
        self.rect = shown.map(|shown| shown.response.rect);
        open && !self.closed && !escape_closes(ctx, id)
    }

    /// Whether the rows shown as sorted are those of the mapping now.
    fn current(&self) -> bool {
        self.sorting.is_none() && self.pending.is_none()
    }

    /// The bulk editor on the rows to send; a confirmed send goes to all
    /// of them, each with its row number and values.
    fn editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        balance: Option<u64>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let targets = match &self.sorted {
            Some(sorted) if self.current() => sorted.targets.as_slice(),
            _ => &[],
        };
        let samples: Vec<Sample<'_>> = targets
            .iter()
            .take(PREVIEWED)
            .map(|target| Sample {
                to: target.to.raw(),
                customer: None,
                values: &target.values,
            })
            .collect();
        let confirmed = self.editor.ui(
            ui,
            texts,
            data,
            &Recipients {
                count: targets.len(),
                samples: &samples,
                balance,
            },
            next_request,
            commands,
        );
        if let Some(confirmed) = confirmed {
            let recipients: Vec<NewRecipient> = targets
                .iter()
                .map(|target| NewRecipient {
                    source_row: u32::try_from(target.row).ok(),
                    values: target.values.clone(),
                    ..NewRecipient::to(&target.to)
                })
                .collect();
            let file = self
                .loaded
                .as_ref()
                .map_or_else(String::new, |loaded| file_name(&loaded.path));
            let title = texts.fmt(
                "excel.batch_title",
                &[("file", &file), ("count", &recipients.len())],
            );
            self.editor.start(
                confirmed,
                BatchKind::Excel,
                title,
                recipients,
                next_request,
                commands,
            );
        }
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
        self.reading = Some(Reading {
            request,
            path: path.clone(),
            since: Instant::now(),
        });
        commands.push(Command::ReadSheet {
            request,
            path,
            options,
            cancel: ImportCancel::default(),
        });
    }

    /// The mapping as chosen now: the sheet's index and what the backend
    /// sorts by.
    fn mapping(&self) -> Option<(usize, SheetMapping)> {
        let loaded = self.loaded.as_ref()?;
        let sheet = loaded.sheet()?;
        let columns = column_names(sheet, loaded.header_row);
        Some((
            loaded.sheet,
            SheetMapping {
                header_row: loaded.header_row,
                phone_column: loaded.phone_column,
                used: used_variables(self.editor.text(), &columns),
            },
        ))
    }

    /// Sorts the sheet again once the mapping has stayed the same for
    /// [`SORT_PAUSE`] (at once for a file just read).
    fn sort_when_still(
        &mut self,
        ctx: &egui::Context,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(now) = self.mapping() else {
            return;
        };
        if self.sent_mapping.as_ref() == Some(&now) {
            self.pending = None;
            return;
        }
        let clock = Instant::now();
        let due = match &self.pending {
            Some((sheet, mapping, due)) if (*sheet, mapping) == (now.0, &now.1) => *due,
            // A file just read is sorted at once.
            _ if self.sent_mapping.is_none() => clock,
            _ => clock + SORT_PAUSE,
        };
        if clock < due {
            self.pending = Some((now.0, now.1, due));
            ctx.request_repaint_after(due.saturating_duration_since(clock));
            return;
        }
        let Some(sheet) = self.loaded.as_ref().and_then(Loaded::sheet).cloned() else {
            return;
        };
        *next_request += 1;
        let request = QueryId(*next_request);
        self.pending = None;
        self.sorting = Some((request, Instant::now()));
        self.sent_mapping = Some(now.clone());
        commands.push(Command::SortSheet {
            request,
            sheet,
            mapping: now.1,
        });
    }

    fn save(
        &mut self,
        texts: &Texts,
        path: PathBuf,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(sorted) = &self.sorted else {
            return;
        };
        let (export, request, path) = TableSave::start(path, next_request);
        self.export = Some(export);
        commands.push(Command::ExportTable {
            request,
            path,
            header: vec![
                texts.get("excel.column_row").to_owned(),
                texts.get("excel.column_phone").to_owned(),
                texts.get("excel.column_reason").to_owned(),
            ],
            rows: left_out_rows(texts, sorted)
                .into_iter()
                .map(|(row, phone, reason)| vec![row.to_string(), phone, reason])
                .collect(),
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
        if let Some(reading) = &self.reading {
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
            ui.ctx().request_repaint_after(Duration::from_millis(250));
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
                ui.weak(texts.get("excel.no_file"));
            }
            return;
        }
        ui.separator();
        if let Some(options) = self.mapping_ui(ui, texts)
            && let Some(path) = self.loaded.as_ref().map(|l| l.path.clone())
        {
            self.read(path, options, next_request, commands);
        }
        ui.separator();
        self.preview_ui(ui, texts);
        self.variables_ui(ui, texts);
        ui.separator();
        self.sorted_ui(ui, texts);
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

    /// The sheet, header row, phone column and a text file's encoding and
    /// separator; returns the options to read the file again with when the
    /// encoding or separator was changed.
    fn mapping_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) -> Option<ReadOptions> {
        let loaded = self.loaded.as_mut()?;
        let mut reread = None;
        egui::Grid::new("excel_mapping")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                if loaded.sheets.len() > 1 {
                    let label = ui.label(texts.get("excel.sheet"));
                    let mut picked = loaded.sheet;
                    egui::ComboBox::from_id_salt("excel_sheet")
                        .selected_text(loaded.sheet().map_or("", |sheet| sheet.name.as_str()))
                        .show_ui(ui, |ui| {
                            for (index, sheet) in loaded.sheets.iter().enumerate() {
                                ui.selectable_value(&mut picked, index, sheet.name.as_str());
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if picked != loaded.sheet {
                        loaded.pick_sheet(picked);
                    }
                    ui.end_row();
                }
                let Some(sheet) = loaded.sheet().cloned() else {
                    return;
                };
                let last_row = sheet.rows.last().map_or(1, |row| row.number).max(1);
                let label = ui.label(texts.get("excel.header_row"));
                let before = loaded.header_row;
                ui.add(egui::DragValue::new(&mut loaded.header_row).range(1..=last_row))
                    .labelled_by(label.id);
                if loaded.header_row != before {
                    loaded.guess_phone_column();
                }
                ui.end_row();

                let columns = column_names(&sheet, loaded.header_row);
                let label = ui.label(texts.get("excel.phone_column"));
                egui::ComboBox::from_id_salt("excel_phone")
                    .selected_text(columns.get(loaded.phone_column).map_or("", String::as_str))
                    .show_ui(ui, |ui| {
                        for (index, name) in columns.iter().enumerate() {
                            if ui
                                .selectable_value(&mut loaded.phone_column, index, name.as_str())
                                .clicked()
                            {
                                loaded.phone_unknown = false;
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                if loaded.phone_unknown && !columns.is_empty() {
                    ui.label("");
                    ui.colored_label(ui.visuals().warn_fg_color, texts.get("excel.phone_unknown"));
                    ui.end_row();
                }

                if loaded.encoding.is_some()
                    && let Some(options) = loaded.text.ui(ui, texts, "excel")
                {
                    reread = Some(options);
                }
            });
        if let Some(encoding) = loaded.encoding.filter(|_| loaded.had_decode_errors) {
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

    fn preview_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(loaded) = &self.loaded else {
            return;
        };
        let Some(sheet) = loaded.sheet() else {
            return;
        };
        let rows: Vec<&SheetRow> = data_rows(sheet, loaded.header_row)
            .take(PREVIEW_ROWS)
            .collect();
        if rows.is_empty() {
            ui.weak(texts.get(if sheet.rows.is_empty() {
                "excel.empty_sheet"
            } else {
                "excel.no_rows"
            }));
            return;
        }
        ui.label(texts.fmt("excel.preview", &[("count", &rows.len())]));
        let mut columns = column_names(sheet, loaded.header_row);
        let width = rows.iter().map(|row| row.cells.len()).max().unwrap_or(0);
        while columns.len() < width {
            columns.push(format!("열{}", columns.len() + 1));
        }
        let phone = loaded.phone_column;
        let marked = ui.visuals().selection.bg_fill.gamma_multiply(0.35);
        egui::ScrollArea::horizontal()
            .id_salt("excel_preview_scroll")
            .show(ui, |ui| {
                // Columns share the width when they can (a narrow sheet is
                // seen whole); a wide one scrolls sideways.
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "a sheet has far fewer than 2^23 columns"
                )]
                let share =
                    ((ui.available_width() - 48.0) / columns.len() as f32).clamp(72.0, 160.0);
                let mut table = TableBuilder::new(ui)
                    .id_salt("excel_preview")
                    .striped(true)
                    .vscroll(true)
                    .max_scroll_height(ROW_HEIGHT * 8.0)
                    .min_scrolled_height(ROW_HEIGHT * 8.0)
                    .column(Column::auto().at_least(40.0));
                for index in 0..columns.len() {
                    // A phone number is read whole.
                    let width = if index == phone {
                        share.max(112.0)
                    } else {
                        share
                    };
                    table = table.column(
                        Column::initial(width)
                            .at_least(40.0)
                            .resizable(true)
                            .clip(true),
                    );
                }
                table
                    .header(ROW_HEIGHT, |mut header| {
                        header.col(|ui| {
                            ui.strong(texts.get("excel.column_row"));
                        });
                        for (index, name) in columns.iter().enumerate() {
                            header.col(|ui| {
                                if index == phone {
                                    ui.painter().rect_filled(ui.max_rect(), 0.0, marked);
                                }
                                ui.strong(name);
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                            let Some(sheet_row) = rows.get(row.index()) else {
                                return;
                            };
                            row.col(|ui| {
                                ui.weak(sheet_row.number.to_string());
                            });
                            for index in 0..columns.len() {
                                row.col(|ui| {
                                    if index == phone {
                                        ui.painter().rect_filled(ui.max_rect(), 0.0, marked);
                                    }
                                    let text = sheet_row
                                        .cells
                                        .get(index)
                                        .map_or_else(String::new, Cell::text);
                                    ui.add(egui::Label::new(clipped(text, 200)).truncate());
                                });
                            }
                        });
                    });
            });
    }

    /// The header's names as `#{열이름}` chips that go into the text.
    fn variables_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(loaded) = &self.loaded else {
            return;
        };
        let Some(sheet) = loaded.sheet() else {
            return;
        };
        let columns = header_names(sheet, loaded.header_row);
        if columns.is_empty() {
            return;
        }
        ui.separator();
        ui.label(texts.get("excel.variables"));
        ui.horizontal_wrapped(|ui| {
            for name in &columns {
                let chip = format!("#{{{name}}}");
                if ui.small_button(&chip).clicked() {
                    self.editor.insert(&chip);
                }
            }
        });
    }

    fn sorted_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        if self.sorting.is_some() || self.pending.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(texts.get("excel.sorting"));
            });
        }
        let Some(sorted) = &self.sorted else {
            return;
        };
        let stale = self.sorting.is_some() || self.pending.is_some();
        ui.add_enabled_ui(!stale, |ui| {
            ui.heading(texts.fmt(
                "excel.to_send",
                &[("count", &thousands(sorted.targets.len() as u64))],
            ));
            // Only the rows in view are put in words: a sheet may leave
            // out tens of thousands.
            egui::CollapsingHeader::new(texts.fmt(
                "excel.rejected",
                &[("count", &thousands(sorted.rejected.len() as u64))],
            ))
            .id_salt("excel_rejected")
            .show(ui, |ui| {
                rows_ui(
                    ui,
                    texts,
                    "excel_rejected_rows",
                    &sorted.rejected,
                    |rejected| {
                        (
                            rejected.row,
                            &rejected.phone,
                            rejected_reason(texts, rejected),
                        )
                    },
                );
            });
            egui::CollapsingHeader::new(texts.fmt(
                "excel.duplicates",
                &[("count", &thousands(sorted.duplicates.len() as u64))],
            ))
            .id_salt("excel_duplicates")
            .show(ui, |ui| {
                rows_ui(
                    ui,
                    texts,
                    "excel_duplicate_rows",
                    &sorted.duplicates,
                    |duplicate| {
                        (
                            duplicate.row,
                            &duplicate.phone,
                            duplicate_reason(texts, duplicate),
                        )
                    },
                );
            });
        });
        let any_left_out = !sorted.rejected.is_empty() || !sorted.duplicates.is_empty();
        ui.horizontal_wrapped(|ui| {
            let saving = self.export.as_ref().is_some_and(TableSave::running);
            if ui
                .add_enabled(
                    any_left_out && !stale && !saving && self.save_dialog.is_none(),
                    egui::Button::new(texts.get("excel.save_left_out")),
                )
                .clicked()
            {
                self.pick_save_path(ui.ctx(), texts);
            }
            if let Some(export) = &self.export {
                export.status_ui(ui, texts);
            }
        });
    }

    /// Opens the native open dialog on a thread of its own (it blocks until
    /// the manager chooses; the window keeps drawing meanwhile).
    fn pick_file(&mut self, ctx: &egui::Context, texts: &Texts) {
        let spawned = file_dialog::pick_sheet(
            ctx,
            texts.get("excel.pick_title"),
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
            texts.get("excel.save_title"),
            texts.get("excel.left_out_file"),
        );
        match spawned {
            Ok(receiver) => self.save_dialog = Some(receiver),
            Err(error) => self.error = Some(error.to_string()),
        }
    }
}

/// A list of left-out rows, each `shown` as its row, phone as written and why.
fn rows_ui<T>(
    ui: &mut egui::Ui,
    texts: &Texts,
    id: &str,
    rows: &[T],
    shown: impl Fn(&T) -> (usize, &String, String),
) {
    if rows.is_empty() {
        ui.weak(texts.get("excel.none_left_out"));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(ROW_HEIGHT * 8.0)
        // Inside the panel's own scrolling, at the foot of what shows, it
        // would otherwise shrink to the little room left.
        .min_scrolled_height(ROW_HEIGHT * 8.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            for (row, phone, reason) in rows.get(range).unwrap_or_default().iter().map(&shown) {
                ui.horizontal(|ui| {
                    ui.label(texts.fmt("excel.row", &[("row", &row)]));
                    ui.monospace(phone.as_str());
                    ui.label(reason.as_str());
                });
            }
        });
}

/// Why a row cannot be sent, in the window's language.
fn rejected_reason(texts: &Texts, rejected: &RejectedRow) -> String {
    match &rejected.reason {
        RowProblem::NoNumber => texts.get("excel.no_number").to_owned(),
        RowProblem::Number(issue) => describe_issue(texts, issue),
        RowProblem::EmptyVariable(name) => texts.fmt("excel.empty_variable", &[("name", name)]),
    }
}

/// Which row a repeat repeats, in the window's language.
fn duplicate_reason(texts: &Texts, duplicate: &DuplicateRow) -> String {
    texts.fmt("excel.duplicate_of", &[("first", &duplicate.first_row)])
}

/// Every row left out in row order: row number, the phone cell as
/// written, and why in the window's language.
fn left_out_rows(texts: &Texts, sorted: &SheetTargets) -> Vec<(usize, String, String)> {
    let mut rows: Vec<(usize, String, String)> = sorted
        .rejected
        .iter()
        .map(|rejected| {
            (
                rejected.row,
                rejected.phone.clone(),
                rejected_reason(texts, rejected),
            )
        })
        .chain(sorted.duplicates.iter().map(|duplicate| {
            (
                duplicate.row,
                duplicate.phone.clone(),
                duplicate_reason(texts, duplicate),
            )
        }))
        .collect();
    rows.sort_by_key(|(row, _, _)| *row);
    rows
}
