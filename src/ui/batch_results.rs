//! 문자발송결과: the bulk sends (대량·임의·엑셀문자발송) created in a
//! period, newest first, each with its state, progress and totals, and the
//! period's sums.
//!
//! The period is a preset or two dates; a change asks again and drops
//! answers to the old question. Every page of the period is fetched (a desk
//! makes tens of bulk sends a month, not thousands) so the sums are exact.
//! Progress reported by the backend updates its row at once (a batch made
//! since the window opened joins at the top); a running batch shows its
//! rate over the last half minute and the time left ([`super::batch_pace`]).
//! The selected batch is paused, resumed, cancelled (after a confirmation),
//! has its failures sent again, opens its recipients
//! ([`super::batch_recipients`]) or is saved to xlsx or CSV through a save
//! dialog that runs on a thread of its own.

use std::collections::HashMap;
use std::time::Instant;

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::batch_pace::{Pace, eta_minutes, eta_text, rate_text};
use super::batch_recipients::{BatchRecipients, skip_words};
use super::call_log::{date_text, local_day};
use super::file_dialog::{self, dialog_answer};
use super::format::{local_date_time, local_short_date_time, message_state_text};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe;
use super::widgets::escape_closes;
use crate::backend::{
    BatchId, BatchKind, BatchState, BatchSummary, BatchTotals, Command, MessageState, QueryId,
    RecipientResult, ResultWords, SkipReason, local_time,
};
use crate::domain::{Batch, DatePreset, Timestamp};

/// Bulk sends asked for at a time.
const PAGE: u32 = 100;
/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "batch_results";

/// The period part of the filter bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Preset(DatePreset),
    Custom,
}

impl Period {
    const ALL: [(Period, &'static str); 5] = [
        (Self::Preset(DatePreset::Today), "list.today"),
        (Self::Preset(DatePreset::Last7Days), "list.last_7_days"),
        (Self::Preset(DatePreset::ThisMonth), "list.this_month"),
        (Self::Preset(DatePreset::LastMonth), "call_log.last_month"),
        (Self::Custom, "list.custom_range"),
    ];
}

/// The file format a results file is saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Xlsx,
    Csv,
}

impl FileKind {
    fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }

    fn filter_key(self) -> &'static str {
        match self {
            Self::Xlsx => "batch_results.xlsx_filter",
            Self::Csv => "batch_results.csv_filter",
        }
    }
}

/// A results file on its way: the save dialog open, then the backend writing.
struct Saving {
    batch: BatchId,
    /// The dialog's answer: a path, or None when it was cancelled.
    dialog: Option<file_dialog::Pending>,
    /// The [`Command::ExportBatch`] whose answer is awaited.
    request: Option<QueryId>,
}

/// What the window asks of the main window this frame.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Open the message log with its per-state totals (every message of
    /// the period, not only bulk sends').
    pub message_totals: bool,
    /// The window was closed.
    pub closed: bool,
}

/// The 문자발송결과 window's state.
pub struct BatchResults {
    period: Period,
    custom_from: String,
    custom_to: String,
    /// What the filter bar holds that cannot be asked (a bad date).
    problem: Option<String>,
    /// The period of the current query, `[from, to)`.
    range: Option<(Timestamp, Timestamp)>,
    query: QueryId,
    /// Bulk sends in the period, once the first page has told.
    total: Option<u32>,
    /// The period's bulk sends fetched so far, newest first.
    rows: Vec<BatchSummary>,
    /// Rows from before a refresh, shown until the fresh first page arrives.
    stale: bool,
    /// The offset of the page asked and not answered yet.
    asking: Option<u32>,
    dirty: bool,
    selected: Option<BatchId>,
    paces: HashMap<BatchId, Pace>,
    /// The batch whose cancellation waits for a yes.
    confirm_cancel: Option<BatchId>,
    /// A retry asked; its answer says so.
    retry_asked: Option<BatchId>,
    recipients: Option<BatchRecipients>,
    saving: Option<Saving>,
    error: Option<String>,
    notice: Option<String>,
}

impl Default for BatchResults {
    fn default() -> Self {
        Self::new()
    }
}

impl BatchResults {
    /// Today's bulk sends, asked for at the first frame.
    #[must_use]
    pub fn new() -> Self {
        Self {
            period: Period::Preset(DatePreset::Today),
            custom_from: String::new(),
            custom_to: String::new(),
            problem: None,
            range: None,
            query: QueryId(0),
            total: None,
            rows: Vec::new(),
            stale: false,
            asking: None,
            dirty: true,
            selected: None,
            paces: HashMap::new(),
            confirm_cancel: None,
            retry_asked: None,
            recipients: None,
            saving: None,
            error: None,
            notice: None,
        }
    }

    /// Asks again (the menu entry was chosen again).
    pub fn refresh(&mut self) {
        self.dirty = true;
    }

    /// A page of bulk sends arrived; true when it was this window's.
    pub fn page_arrived(
        &mut self,
        request: QueryId,
        total: u32,
        offset: u32,
        rows: Vec<BatchSummary>,
    ) -> bool {
        if request != self.query {
            return false;
        }
        if self.asking == Some(offset) {
            self.asking = None;
        }
        if offset == 0 && self.stale {
            self.rows.clear();
            self.stale = false;
        }
        if usize::try_from(offset).ok() != Some(self.rows.len()) {
            // Not the page that comes next (a batch joined meanwhile); the
            // next one is asked from where the rows end.
            return true;
        }
        let now = Instant::now();
        for summary in &rows {
            self.sample(summary, now);
        }
        self.rows.extend(rows);
        self.total = Some(total);
        true
    }

    /// A page of a batch's recipients arrived; true when it was this window's.
    pub fn recipient_page(
        &mut self,
        request: QueryId,
        batch: BatchId,
        offset: u32,
        rows: Vec<RecipientResult>,
    ) -> bool {
        self.recipients
            .as_mut()
            .is_some_and(|view| view.page_arrived(request, batch, offset, rows))
    }

    /// How a batch stands now: its row is updated (or the batch joins the
    /// top when it is new and in the period), and its pace is sampled.
    pub fn progress(&mut self, texts: &Texts, summary: BatchSummary) {
        self.sample(&summary, Instant::now());
        if let Some(view) = &mut self.recipients {
            view.progressed(&summary);
        }
        let id = summary.batch.id;
        if self.retry_asked == Some(id) {
            self.retry_asked = None;
            self.notice = Some(texts.get("batch_results.retried").to_owned());
        }
        if let Some(row) = self.rows.iter_mut().find(|row| row.batch.id == id) {
            *row = summary;
        } else if let (Some(total), Some((from, to))) = (self.total, self.range)
            && (from..to).contains(&summary.batch.created_at)
            && !self.stale
        {
            self.rows.insert(0, summary);
            self.total = Some(total + 1);
        }
    }

    /// A results file was written, or could not be; true when this window asked.
    pub fn exported(
        &mut self,
        texts: &Texts,
        request: QueryId,
        path: &std::path::Path,
        result: &Result<u64, String>,
    ) -> bool {
        if self
            .saving
            .as_ref()
            .is_none_or(|saving| saving.request != Some(request))
        {
            return false;
        }
        self.saving = None;
        match result {
            Ok(rows) => {
                self.error = None;
                self.notice = Some(texts.fmt(
                    "batch_results.saved",
                    &[("path", &path.display()), ("count", &thousands(*rows))],
                ));
            }
            Err(error) => {
                self.notice = None;
                self.error = Some(texts.fmt("batch_results.save_failed", &[("error", error)]));
            }
        }
        true
    }

    /// A request failed.
    pub fn failed(&mut self, texts: &Texts, action: &str, message: &str) {
        match action {
            "list bulk sends" => {
                self.asking = None;
                self.error = Some(message.to_owned());
            }
            "list recipients" => {
                if let Some(view) = &mut self.recipients {
                    view.failed(message);
                }
            }
            "pause" | "resume" | "cancel" | "retry" | "retry the failed messages" => {
                self.retry_asked = None;
                self.notice = None;
                self.error = Some(message.to_owned());
            }
            // The writing thread could not start, or the rows not be read.
            "export the results" | "start a worker"
                if self
                    .saving
                    .as_ref()
                    .is_some_and(|saving| saving.request.is_some()) =>
            {
                self.saving = None;
                self.notice = None;
                self.error = Some(texts.fmt("batch_results.save_failed", &[("error", &message)]));
            }
            _ => {}
        }
    }

    fn sample(&mut self, summary: &BatchSummary, at: Instant) {
        if summary.batch.state == BatchState::Running {
            self.paces
                .entry(summary.batch.id)
                .or_default()
                .record(at, summary.totals.finished());
        } else {
            self.paces.remove(&summary.batch.id);
        }
    }

    /// The period the bar describes now, or what is wrong with it.
    fn wanted_range(&self, texts: &Texts) -> Result<(Timestamp, Timestamp), String> {
        match self.period {
            Period::Preset(preset) => preset
                .range(Timestamp::now(), local_time::utc_offset_seconds())
                .map_err(|invalid| describe(texts, &invalid)),
            Period::Custom => {
                let from = local_day(texts, &self.custom_from, false)?;
                let to = local_day(texts, &self.custom_to, true)?;
                Ok((
                    from.unwrap_or(Timestamp(0)),
                    to.unwrap_or(Timestamp(i64::MAX)),
                ))
            }
        }
    }

    /// Starts a new query when the period changed (or a refresh was asked),
    /// and asks for the next page until the period's batches are all here.
    fn requery(&mut self, texts: &Texts, next_request: &mut u64, commands: &mut Vec<Command>) {
        match self.wanted_range(texts) {
            Err(problem) => self.problem = Some(problem),
            Ok(range) => {
                self.problem = None;
                let changed = self.range != Some(range);
                if changed || self.dirty {
                    if changed {
                        self.rows.clear();
                        self.total = None;
                        self.stale = false;
                    } else {
                        self.stale = true;
                    }
                    self.dirty = false;
                    self.error = None;
                    self.range = Some(range);
                    *next_request += 1;
                    self.query = QueryId(*next_request);
                    self.ask(0, commands);
                    return;
                }
                let fetched = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
                if self.asking.is_none()
                    && !self.stale
                    && self.total.is_some_and(|total| fetched < total)
                {
                    self.ask(fetched, commands);
                }
            }
        }
    }

    fn ask(&mut self, offset: u32, commands: &mut Vec<Command>) {
        let Some((from, to)) = self.range else {
            return;
        };
        self.asking = Some(offset);
        commands.push(Command::ListBatches {
            request: self.query,
            from,
            to,
            offset,
            limit: PAGE,
        });
    }

    fn selected_row(&self) -> Option<&BatchSummary> {
        let id = self.selected?;
        self.rows.iter().find(|row| row.batch.id == id)
    }

    /// Draws the window (and its drill-down and confirmation).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        self.requery(texts, next_request, commands);
        self.dialog_answer(texts, next_request, commands);
        let mut open = true;
        egui::Window::new(texts.get("menu.sms_results"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            // Fits the main window's first size (1024 wide).
            .default_size([1000.0, 560.0])
            .min_width(900.0)
            .show(ctx, |ui| {
                self.filter_bar(ui, texts, &mut outcome);
                self.sums_line(ui, texts);
                self.actions_bar(ui, texts, commands);
                for line in [&self.problem, &self.error].into_iter().flatten() {
                    ui.colored_label(ui.visuals().error_fg_color, line);
                }
                if let Some(notice) = &self.notice {
                    ui.label(notice);
                }
                ui.separator();
                self.table(ui, texts);
            });
        self.confirm_dialog(ctx, texts, commands);
        if let Some(view) = &mut self.recipients
            && !view.show(ctx, texts, next_request, commands)
        {
            self.recipients = None;
        }
        let in_front = self.confirm_cancel.is_none()
            && self.recipients.is_none()
            && escape_closes(ctx, egui::Id::unique(WINDOW));
        outcome.closed = !open || in_front;
        if self
            .rows
            .iter()
            .any(|row| row.batch.state == BatchState::Running)
        {
            // A stalled send gets no news; its rate and time left still age.
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
        }
        if self.asking.is_some() || self.saving.is_some() {
            // The answer wakes the window; the dialog's thread does too.
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
        outcome
    }

    fn filter_bar(&mut self, ui: &mut egui::Ui, texts: &Texts, outcome: &mut Outcome) {
        ui.horizontal_wrapped(|ui| {
            let total = self.total.map_or_else(
                || texts.get("list.loading").to_owned(),
                |total| {
                    texts.fmt(
                        "batch_results.total",
                        &[("count", &thousands(total.into()))],
                    )
                },
            );
            ui.strong(total);
            ui.separator();
            for (period, key) in Period::ALL {
                ui.selectable_value(&mut self.period, period, texts.get(key));
            }
            if self.period == Period::Custom {
                date_text(
                    ui,
                    texts,
                    "batch_results_from",
                    texts.get("list.from"),
                    &mut self.custom_from,
                );
                date_text(
                    ui,
                    texts,
                    "batch_results_to",
                    texts.get("list.to"),
                    &mut self.custom_to,
                );
            }
            ui.separator();
            if ui.button(texts.get("call_log.refresh")).clicked() {
                self.dirty = true;
            }
            if ui
                .button(texts.get("batch_results.message_totals"))
                .on_hover_text(texts.get("batch_results.message_totals_hint"))
                .clicked()
            {
                outcome.message_totals = true;
            }
        });
    }

    /// The period's sums, once every batch of it is here.
    fn sums_line(&self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(total) = self.total else {
            return;
        };
        if self.rows.len() < usize::try_from(total).unwrap_or(usize::MAX) || self.stale {
            ui.weak(texts.get("batch_results.sums_loading"));
            return;
        }
        let mut sum = BatchTotals::default();
        for row in &self.rows {
            let totals = &row.totals;
            sum.recipients += totals.recipients;
            sum.pending += totals.pending;
            sum.skipped += totals.skipped;
            for state in MessageState::ALL {
                sum.messages.add(*state, totals.messages.of(*state));
            }
        }
        let figures = Figures::of(&sum);
        ui.label(texts.fmt(
            "batch_results.sums",
            &[
                ("recipients", &thousands(sum.recipients.into())),
                ("waiting", &thousands(figures.waiting)),
                ("sent", &thousands(figures.sent)),
                ("delivered", &thousands(figures.delivered)),
                ("failed", &thousands(figures.failed)),
                ("left_out", &thousands(figures.left_out)),
            ],
        ));
    }

    /// What can be done with the selected batch.
    fn actions_bar(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        let Some(summary) = self.selected_row().cloned() else {
            ui.horizontal_wrapped(|ui| {
                ui.weak(texts.get("batch_results.pick_hint"));
            });
            return;
        };
        let id = summary.batch.id;
        let state = summary.batch.state;
        ui.horizontal_wrapped(|ui| {
            ui.strong(texts.fmt(
                "batch_results.selected",
                &[("title", &title_text(texts, &summary))],
            ));
            if state == BatchState::Paused {
                if ui.button(texts.get("batch_results.resume")).clicked() {
                    self.act(Command::ResumeBatch(id), commands);
                }
            } else if ui
                .add_enabled(
                    state == BatchState::Running,
                    egui::Button::new(texts.get("batch_results.pause")),
                )
                .clicked()
            {
                self.act(Command::PauseBatch(id), commands);
            }
            let cancellable = matches!(
                state,
                BatchState::Queued | BatchState::Running | BatchState::Paused
            );
            if ui
                .add_enabled(
                    cancellable,
                    egui::Button::new(texts.get("batch_results.cancel")),
                )
                .clicked()
            {
                self.confirm_cancel = Some(id);
            }
            let failed = summary.totals.messages.failed;
            let retry = ui
                .add_enabled(
                    failed > 0,
                    egui::Button::new(texts.get("batch_results.retry")),
                )
                .on_hover_text(
                    texts.fmt("batch_results.retry_hint", &[("count", &thousands(failed))]),
                );
            if retry.clicked() {
                self.retry_asked = Some(id);
                self.act(Command::RetryFailedBatch(id), commands);
            }
            ui.separator();
            if ui.button(texts.get("batch_results.recipients")).clicked() {
                self.recipients = Some(BatchRecipients::new(&summary, title_text(texts, &summary)));
            }
            ui.separator();
            let idle = self.saving.is_none();
            for (kind, key) in [
                (FileKind::Xlsx, "batch_results.save_xlsx"),
                (FileKind::Csv, "batch_results.save_csv"),
            ] {
                if ui
                    .add_enabled(idle, egui::Button::new(texts.get(key)))
                    .clicked()
                {
                    self.open_save_dialog(ui.ctx(), texts, &summary, kind);
                }
            }
            if !idle {
                ui.spinner();
                ui.weak(texts.get("batch_results.saving"));
            }
        });
    }

    fn act(&mut self, command: Command, commands: &mut Vec<Command>) {
        self.error = None;
        self.notice = None;
        commands.push(command);
    }

    /// Asks before a batch is cancelled: it cannot be undone.
    fn confirm_dialog(&mut self, ctx: &egui::Context, texts: &Texts, commands: &mut Vec<Command>) {
        let Some(id) = self.confirm_cancel else {
            return;
        };
        let Some(summary) = self.rows.iter().find(|row| row.batch.id == id).cloned() else {
            self.confirm_cancel = None;
            return;
        };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("batch_cancel")).show(ctx, |ui| {
            ui.set_width(400.0);
            ui.strong(texts.get("batch_results.confirm_title"));
            ui.add_space(4.0);
            let unsent = u64::from(summary.totals.pending)
                + summary.totals.messages.queued
                + summary.totals.messages.sending;
            ui.label(texts.fmt(
                "batch_results.confirm_text",
                &[
                    ("title", &title_text(texts, &summary)),
                    ("count", &thousands(unsent)),
                ],
            ));
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("batch_results.confirm_yes")).clicked() {
                    self.act(Command::CancelBatch(id), commands);
                    close = true;
                }
                if ui.button(texts.get("batch_results.confirm_no")).clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            self.confirm_cancel = None;
        }
    }

    /// Opens the native save dialog (off the window's thread: see
    /// [`file_dialog`]).
    fn open_save_dialog(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        summary: &BatchSummary,
        kind: FileKind,
    ) {
        let title = texts.get("batch_results.save_title").to_owned();
        let filter = texts.get(kind.filter_key()).to_owned();
        let extension = kind.extension();
        let name = format!(
            "{} {}.{extension}",
            texts.get("menu.sms_results"),
            file_safe(&title_text(texts, summary))
        );
        let spawned = file_dialog::on_dialog_thread(ctx, move || {
            rfd::FileDialog::new()
                .set_title(title)
                .set_file_name(name)
                .add_filter(filter, &[extension])
                .save_file()
                .map(|mut path| {
                    // Some dialogs return the name as typed; the
                    // extension is what picks the format.
                    if path.extension().is_none() {
                        path.set_extension(extension);
                    }
                    path
                })
        });
        match spawned {
            Ok(receiver) => {
                self.notice = None;
                self.saving = Some(Saving {
                    batch: summary.batch.id,
                    dialog: Some(receiver),
                    request: None,
                });
            }
            Err(error) => {
                self.error = Some(texts.fmt(
                    "batch_results.save_failed",
                    &[("error", &error.to_string())],
                ));
            }
        }
    }

    /// The file chosen in the save dialog goes to the backend to be written.
    fn dialog_answer(
        &mut self,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(saving) = &mut self.saving else {
            return;
        };
        if saving.dialog.is_none() {
            return;
        }
        let answer = dialog_answer(&mut saving.dialog);
        if saving.dialog.is_some() {
            // Still open.
            return;
        }
        let Some(path) = answer else {
            self.saving = None;
            return;
        };
        *next_request += 1;
        let request = QueryId(*next_request);
        saving.request = Some(request);
        commands.push(Command::ExportBatch {
            request,
            batch: saving.batch,
            path,
            words: Box::new(result_words(texts)),
        });
    }

    #[expect(clippy::too_many_lines, reason = "the table reads best left to right")]
    fn table(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        if self.total == Some(0) && !self.stale {
            ui.weak(texts.get("batch_results.none"));
            // The window keeps its size for when the period has sends again.
            ui.allocate_space(ui.available_size());
            return;
        }
        // As in the call log: a table measured before its rows arrive keeps
        // its columns squeezed, so it joins from the second frame on.
        if ui.is_sizing_pass() {
            ui.ctx().request_repaint();
            return;
        }
        let total = self
            .total
            .map_or(0, |total| usize::try_from(total).unwrap_or(usize::MAX));
        // Before the first answer one placeholder row stands in.
        let shown_rows = if self.total.is_none() && self.problem.is_none() {
            1
        } else {
            total.max(self.rows.len())
        };
        let headers = [
            ("batch_results.col_created", None),
            ("batch_results.col_kind", None),
            ("batch_results.col_title", None),
            ("batch_results.col_state", None),
            ("batch_results.col_recipients", None),
            ("batch_results.col_progress", None),
            ("batch_results.col_pace", None),
            (
                "batch_results.col_waiting",
                Some("batch_results.waiting_hint"),
            ),
            ("batch_results.col_sent", None),
            ("batch_results.col_delivered", None),
            ("batch_results.col_failed", None),
            (
                "batch_results.col_left_out",
                Some("batch_results.left_out_hint"),
            ),
        ];
        let figure = || Column::initial(52.0).at_least(40.0).resizable(true);
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("batch_table")
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .column(Column::initial(118.0).at_least(100.0).resizable(true))
            .column(Column::initial(64.0).at_least(34.0).resizable(true))
            .column(Column::remainder().at_least(100.0).clip(true))
            .column(
                Column::initial(112.0)
                    .at_least(70.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(figure())
            .column(Column::initial(110.0).at_least(80.0).resizable(true))
            .column(
                Column::initial(128.0)
                    .at_least(70.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(figure())
            .column(figure())
            .column(figure())
            .column(figure())
            .column(figure())
            .header(ROW_HEIGHT, |mut header| {
                for (key, hint) in headers {
                    header.col(|ui| {
                        let response = ui.strong(texts.get(key));
                        if let Some(hint) = hint {
                            response.on_hover_text(texts.get(hint));
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, shown_rows, |mut row| {
                    let Some(summary) = self.rows.get(row.index()) else {
                        for _ in headers {
                            row.col(|ui| {
                                ui.weak("…");
                            });
                        }
                        return;
                    };
                    let batch = &summary.batch;
                    let totals = &summary.totals;
                    row.set_selected(self.selected == Some(batch.id));
                    row.col(|ui| cell(ui, local_date_time(batch.created_at)));
                    row.col(|ui| kind_cell(ui, texts, batch));
                    row.col(|ui| {
                        let title = title_text(texts, summary);
                        let response = label_cell(ui, &title);
                        if !batch.body_template.is_empty() {
                            response.on_hover_text(&batch.body_template);
                        }
                    });
                    row.col(|ui| {
                        let (text, colour) = state_text(ui.visuals(), texts, summary);
                        cell(ui, egui::RichText::new(text).color(colour));
                    });
                    row.col(|ui| number_cell(ui, u64::from(totals.recipients)));
                    row.col(|ui| progress_cell(ui, texts, summary));
                    row.col(|ui| {
                        if batch.state == BatchState::Running {
                            let pace = self.paces.get(&batch.id);
                            cell(ui, pace_text(texts, pace, totals));
                        }
                    });
                    let figures = Figures::of(totals);
                    for value in [
                        figures.waiting,
                        figures.sent,
                        figures.delivered,
                        figures.failed,
                        figures.left_out,
                    ] {
                        row.col(|ui| number_cell(ui, value));
                    }
                    if row.response().clicked() {
                        clicked = Some(batch.id);
                    }
                });
            });
        if let Some(id) = clicked {
            self.selected = Some(id);
        }
    }
}

/// The totals a row and the sums line show.
struct Figures {
    /// Not handed to the gateway yet: before their turn, in the outbox or
    /// being handed over.
    waiting: u64,
    sent: u64,
    delivered: u64,
    failed: u64,
    /// Left out when their turn came, or cancelled.
    left_out: u64,
}

impl Figures {
    fn of(totals: &BatchTotals) -> Self {
        let messages = &totals.messages;
        Self {
            waiting: u64::from(totals.pending) + messages.queued + messages.sending,
            sent: messages.sent,
            delivered: messages.delivered,
            failed: messages.failed,
            left_out: u64::from(totals.skipped) + messages.cancelled,
        }
    }
}

/// The batch's title, or a stand-in naming its number.
fn title_text(texts: &Texts, summary: &BatchSummary) -> String {
    if summary.batch.title.trim().is_empty() {
        texts.fmt("batch_results.no_title", &[("id", &summary.batch.id.0)])
    } else {
        summary.batch.title.clone()
    }
}

/// Where the recipients came from, and MMS when every message carries a
/// picture (its size on hover). Without one the kind (SMS or LMS) may
/// differ from recipient to recipient, so none is named.
fn kind_cell(ui: &mut egui::Ui, texts: &Texts, batch: &Batch) {
    let source = kind_text(texts, batch.kind);
    match batch.image {
        Some(image) => {
            label_cell(
                ui,
                texts.fmt("batch_results.kind_mms", &[("kind", &source)]),
            )
            .on_hover_text(texts.fmt(
                "messages.picture",
                &[("kb", &image.size_bytes.div_ceil(1000))],
            ));
        }
        None => cell(ui, source),
    }
}

fn kind_text(texts: &Texts, kind: BatchKind) -> &str {
    texts.get(match kind {
        BatchKind::Bulk => "batch_results.kind_bulk",
        BatchKind::Free => "batch_results.kind_free",
        BatchKind::Excel => "batch_results.kind_excel",
    })
}

/// The state in words and its colour; a queued batch whose time has not
/// come says 예약 and when.
fn state_text(
    visuals: &egui::Visuals,
    texts: &Texts,
    summary: &BatchSummary,
) -> (String, egui::Color32) {
    let batch = &summary.batch;
    let plain = |key: &str| texts.get(key).to_owned();
    match batch.state {
        BatchState::Queued => match batch.scheduled_at.filter(|at| *at > Timestamp::now()) {
            Some(at) => (
                texts.fmt(
                    "batch_results.scheduled",
                    &[("at", &local_short_date_time(at))],
                ),
                visuals.text_color(),
            ),
            None => (plain("batch_results.queued"), visuals.warn_fg_color),
        },
        BatchState::Draft => (plain("batch_results.draft"), visuals.weak_text_color()),
        BatchState::Running => (plain("batch_results.running"), visuals.hyperlink_color),
        BatchState::Paused => (plain("batch_results.paused"), visuals.warn_fg_color),
        BatchState::Done => (
            plain("batch_results.done"),
            super::format::message_state_colour(visuals, MessageState::Delivered),
        ),
        BatchState::Cancelled => (plain("batch_results.cancelled"), visuals.weak_text_color()),
    }
}

/// "120건/분 · 약 3분" for a running batch, once its pace can be told.
fn pace_text(texts: &Texts, pace: Option<&Pace>, totals: &BatchTotals) -> String {
    let Some(per_minute) = pace.and_then(|pace| pace.per_minute(Instant::now())) else {
        return texts.get("batch_results.measuring").to_owned();
    };
    let remaining = u64::from(totals.recipients).saturating_sub(totals.finished());
    let rate = rate_text(texts, per_minute);
    match eta_minutes(remaining, per_minute) {
        Some(minutes) if remaining > 0 => format!("{rate} · {}", eta_text(texts, minutes)),
        _ => rate,
    }
}

/// The bar of recipients finished, with the percentage on it. A
/// cancelled batch is finished with everyone, but its bar shows the share
/// it dealt with before the cancel (handed over, or left out on their
/// turn), and says it was cancelled.
fn progress_cell(ui: &mut egui::Ui, texts: &Texts, summary: &BatchSummary) {
    let totals = &summary.totals;
    let cancelled = summary.batch.state == BatchState::Cancelled;
    let recipients = u64::from(totals.recipients);
    let done = if cancelled {
        totals.handled()
    } else {
        totals.finished()
    };
    let finished = done.min(recipients);
    let percent = (finished * 100).checked_div(recipients).unwrap_or(0);
    #[expect(
        clippy::cast_precision_loss,
        reason = "a fraction shown as a bar; counts far below 2^24 matter little"
    )]
    let fraction = if recipients == 0 {
        0.0
    } else {
        finished as f32 / recipients as f32
    };
    let text = if cancelled {
        texts.fmt("batch_results.progress_cancelled", &[("percent", &percent)])
    } else {
        format!("{percent}%")
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .desired_width(ui.available_width())
            .desired_height(ROW_HEIGHT - 6.0)
            .text(text),
    );
}

/// A count, right-aligned like a spreadsheet's.
fn number_cell(ui: &mut egui::Ui, value: u64) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        cell(ui, thousands(value));
    });
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    label_cell(ui, text);
}

/// [`cell`], for a hover text.
fn label_cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).selectable(false).truncate())
}

/// The column titles and state names of a results file, in the window's language.
fn result_words(texts: &Texts) -> ResultWords {
    let header = [
        "batch_results.r_seq",
        "batch_results.r_row",
        "batch_results.r_customer",
        "batch_results.r_number",
        "batch_results.r_state",
        "batch_results.r_left_out_reason",
        "batch_results.r_error",
        "batch_results.r_sent_at",
        "batch_results.r_delivered_at",
    ]
    .map(|key| texts.get(key).to_owned());
    let states = [
        MessageState::Queued,
        MessageState::Sending,
        MessageState::Sent,
        MessageState::Delivered,
        MessageState::Failed,
        MessageState::Cancelled,
    ];
    debug_assert_eq!(states.as_slice(), MessageState::ALL);
    ResultWords {
        header,
        states: states.map(|state| message_state_text(texts, state)),
        left_out: texts.get("batch_results.left_out").to_owned(),
        reasons: SkipReason::ALL.map(|reason| skip_words(texts, reason.as_str()).0.to_owned()),
    }
}

/// `title` with the characters file names may not hold replaced.
fn file_safe(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{BatchKind, MessageState};
    use crate::config::Language;
    use crate::domain::{Batch, MessageCounts};

    fn summary(id: i64, state: BatchState, created_at: i64) -> BatchSummary {
        BatchSummary {
            batch: Batch {
                id: BatchId(id),
                kind: BatchKind::Bulk,
                title: format!("Send {id}"),
                created_by: None,
                sender_number_id: None,
                subject: String::new(),
                body_template: "Hello".to_owned(),
                advertising: false,
                state,
                total: 10,
                scheduled_at: None,
                created_at: Timestamp(created_at),
                updated_at: Timestamp(created_at),
                image: None,
            },
            totals: BatchTotals {
                recipients: 10,
                pending: 10,
                skipped: 0,
                skipped_by_cancel: 0,
                messages: MessageCounts::default(),
            },
        }
    }

    #[test]
    fn progress_updates_its_row_and_a_new_batch_in_the_period_joins_the_top() {
        let texts = Texts::new(Language::Ko);
        let mut window = BatchResults::new();
        window.range = Some((Timestamp(1_000), Timestamp(2_000)));
        window.query = QueryId(7);
        assert!(!window.page_arrived(QueryId(6), 1, 0, vec![]));
        assert!(window.page_arrived(
            QueryId(7),
            1,
            0,
            vec![summary(1, BatchState::Running, 1_100)]
        ));
        let mut moved = summary(1, BatchState::Running, 1_100);
        moved.totals.pending = 4;
        moved.totals.messages.add(MessageState::Delivered, 6);
        window.progress(&texts, moved.clone());
        assert_eq!(window.rows, vec![moved]);
        assert!(window.paces.contains_key(&BatchId(1)));

        window.progress(&texts, summary(2, BatchState::Queued, 1_500));
        window.progress(&texts, summary(3, BatchState::Queued, 2_500));
        let ids: Vec<i64> = window.rows.iter().map(|row| row.batch.id.0).collect();
        assert_eq!(ids, [2, 1], "the one made after the period stays out");
        assert_eq!(window.total, Some(2));

        window.progress(&texts, summary(1, BatchState::Done, 1_100));
        assert!(
            !window.paces.contains_key(&BatchId(1)),
            "only running batches keep a pace"
        );
    }

    type State = (BatchResults, Vec<Command>, u64);

    fn clicked(harness: &mut egui_kittest::Harness<'_, State>, label: &str) -> Vec<Command> {
        use egui_kittest::kittest::Queryable as _;
        harness.get_by_label(label).click();
        harness.run_steps(3);
        std::mem::take(&mut harness.state_mut().1)
    }

    #[test]
    fn the_bar_pauses_a_running_send_resumes_a_paused_one_and_cancels_after_a_yes() {
        let texts = Texts::new(Language::En);
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1200.0, 600.0))
            .build_ui_state(
                move |ui, state: &mut State| {
                    let ctx = ui.ctx().clone();
                    let (window, commands, next_request) = state;
                    window.show(&ctx, &texts, next_request, commands);
                },
                (BatchResults::new(), Vec::new(), 0),
            );
        harness.run_steps(2);
        let commands = std::mem::take(&mut harness.state_mut().1);
        let [Command::ListBatches { request, .. }] = commands.as_slice() else {
            panic!("{commands:?}");
        };
        let now = Timestamp::now().as_millis();
        let mut with_picture = summary(1, BatchState::Running, now);
        with_picture.batch.image = Some(crate::domain::MessageImage {
            id: crate::domain::ImageId(1),
            size_bytes: 12_345,
        });
        let rows = vec![with_picture, summary(2, BatchState::Paused, now - 1)];
        assert!(harness.state_mut().0.page_arrived(*request, 2, 0, rows));
        harness.run_steps(3);
        // Every message of the first carries a picture; the second's kind varies.
        {
            use egui_kittest::kittest::Queryable as _;
            assert!(harness.query_by_label("Bulk · MMS").is_some());
            assert!(harness.query_by_label("Bulk").is_some());
        }

        assert!(clicked(&mut harness, "Send 1").is_empty());
        assert_eq!(
            clicked(&mut harness, "Pause"),
            [Command::PauseBatch(BatchId(1))]
        );
        assert!(clicked(&mut harness, "Send 2").is_empty());
        assert_eq!(
            clicked(&mut harness, "Resume"),
            [Command::ResumeBatch(BatchId(2))]
        );
        assert!(
            clicked(&mut harness, "Cancel send").is_empty(),
            "it asks first"
        );
        assert_eq!(
            clicked(&mut harness, "Cancel the send"),
            [Command::CancelBatch(BatchId(2))]
        );
    }

    #[test]
    fn a_cancelled_sends_bar_shows_the_share_it_dealt_with_and_says_cancelled() {
        use egui_kittest::kittest::Queryable as _;
        let texts = Texts::new(Language::Ko);
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1200.0, 600.0))
            .with_context_setup(|ctx| super::super::fonts::install_cjk(ctx, Language::Ko))
            .build_ui_state(
                move |ui, state: &mut State| {
                    let ctx = ui.ctx().clone();
                    let (window, commands, next_request) = state;
                    window.show(&ctx, &texts, next_request, commands);
                },
                (BatchResults::new(), Vec::new(), 0),
            );
        harness.run_steps(2);
        let commands = std::mem::take(&mut harness.state_mut().1);
        let [Command::ListBatches { request, .. }] = commands.as_slice() else {
            panic!("{commands:?}");
        };
        let now = Timestamp::now().as_millis();
        // Four handed over, one opted out on its turn, three taken back
        // from the outbox and two never reached: 5 of 10 dealt with.
        let mut cancelled = summary(1, BatchState::Cancelled, now);
        cancelled.totals.pending = 0;
        cancelled.totals.skipped = 3;
        cancelled.totals.skipped_by_cancel = 2;
        cancelled.totals.messages.add(MessageState::Delivered, 3);
        cancelled.totals.messages.add(MessageState::Failed, 1);
        cancelled.totals.messages.add(MessageState::Cancelled, 3);
        let mut done = summary(2, BatchState::Done, now - 1);
        done.totals.pending = 0;
        done.totals.messages.add(MessageState::Delivered, 10);
        assert!(
            harness
                .state_mut()
                .0
                .page_arrived(*request, 2, 0, vec![cancelled, done])
        );
        harness.run_steps(3);
        assert!(harness.query_by_label("50% · 취소됨").is_some());
        assert!(harness.query_by_label("100%").is_some());
        assert!(harness.query_by_label("100% · 취소됨").is_none());
    }

    #[test]
    fn the_words_of_a_results_file_follow_the_states_order() {
        let words = result_words(&Texts::new(Language::Ko));
        assert_eq!(words.states[3], "전달됨");
        assert_eq!(words.reasons[0], "발송 취소");
        assert_eq!(SkipReason::ALL[0], SkipReason::Cancelled);
        assert_eq!(words.header[0], "순번");
        assert_eq!(file_safe(" 3/4월: 안내 "), "3_4월_ 안내");
    }
}
