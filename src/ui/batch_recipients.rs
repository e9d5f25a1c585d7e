//! 문자발송결과's drill-down: one bulk send's recipients, a hundred at a
//! time in list order, each with what became of it — its message's state
//! (or why it was left out), the gateway's error and when it was sent and
//! delivered. The page on screen is asked again (at most once a second)
//! while the batch's progress moves.

use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::format::{local_date_time, message_state_colour, message_state_text};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::widgets::escape_closes;
use crate::backend::{
    BatchId, BatchKind, BatchSummary, Command, QueryId, RecipientResult, SkipReason,
};

/// Recipients shown at a time.
pub const PAGE: u32 = 100;
/// The page on screen is asked again at most this often while the batch moves.
const REFRESH_EVERY: Duration = Duration::from_secs(1);
/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "batch_recipients";

/// The drill-down window's state.
pub struct BatchRecipients {
    batch: BatchId,
    kind: BatchKind,
    /// The batch's title (or a stand-in), for the window's title.
    title: String,
    /// Recipients in the batch's list.
    total: u32,
    offset: u32,
    request: QueryId,
    /// The page on screen; None until the first answer.
    rows: Option<Vec<RecipientResult>>,
    asked_at: Option<Instant>,
    /// The batch moved since the page was asked.
    moved: bool,
    error: Option<String>,
}

impl BatchRecipients {
    /// The first page of `summary`'s recipients, asked at the first frame;
    /// `title` is what the window calls the batch.
    #[must_use]
    pub fn new(summary: &BatchSummary, title: String) -> Self {
        Self {
            batch: summary.batch.id,
            kind: summary.batch.kind,
            title,
            total: summary.totals.recipients,
            offset: 0,
            request: QueryId(0),
            rows: None,
            asked_at: None,
            moved: true,
            error: None,
        }
    }

    /// The batch's progress moved: the page is asked again soon.
    pub fn progressed(&mut self, summary: &BatchSummary) {
        if summary.batch.id == self.batch {
            self.total = summary.totals.recipients;
            self.moved = true;
        }
    }

    /// A page arrived; true when it was this window's.
    pub fn page_arrived(
        &mut self,
        request: QueryId,
        batch: BatchId,
        offset: u32,
        rows: Vec<RecipientResult>,
    ) -> bool {
        if request != self.request || batch != self.batch || offset != self.offset {
            return false;
        }
        self.rows = Some(rows);
        self.error = None;
        true
    }

    /// Listing the recipients failed.
    pub fn failed(&mut self, message: &str) {
        self.error = Some(message.to_owned());
    }

    fn ask(&mut self, next_request: &mut u64, commands: &mut Vec<Command>) {
        *next_request += 1;
        self.request = QueryId(*next_request);
        self.asked_at = Some(Instant::now());
        self.moved = false;
        commands.push(Command::ListBatchRecipients {
            request: self.request,
            batch: self.batch,
            offset: self.offset,
            limit: PAGE,
        });
    }

    fn go_to(&mut self, offset: u32, next_request: &mut u64, commands: &mut Vec<Command>) {
        self.offset = offset;
        self.rows = None;
        self.ask(next_request, commands);
    }

    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> bool {
        let due = self.asked_at.is_none_or(|at| at.elapsed() >= REFRESH_EVERY);
        if self.moved && due {
            self.ask(next_request, commands);
        } else if self.moved {
            ctx.request_repaint_after(REFRESH_EVERY);
        }
        let mut open = true;
        let title = texts.fmt("batch_results.recipients_title", &[("title", &self.title)]);
        egui::Window::new(title)
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .default_size([880.0, 420.0])
            .min_width(700.0)
            .show(ctx, |ui| {
                self.pager(ui, texts, next_request, commands);
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                ui.separator();
                self.table(ui, texts);
            });
        open && !escape_closes(ctx, egui::Id::unique(WINDOW))
    }

    fn pager(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            let shown = self
                .rows
                .as_ref()
                .map_or(0, |rows| u32::try_from(rows.len()).unwrap_or(u32::MAX));
            let text = if self.total == 0 {
                texts.get("batch_results.no_recipients").to_owned()
            } else {
                texts.fmt(
                    "batch_results.page_of",
                    &[
                        ("from", &thousands(u64::from(self.offset) + 1)),
                        (
                            "to",
                            &thousands(u64::from(self.offset) + u64::from(shown.max(1))),
                        ),
                        ("total", &thousands(u64::from(self.total))),
                    ],
                )
            };
            if ui
                .add_enabled(
                    self.offset > 0,
                    egui::Button::new(texts.get("batch_results.previous")),
                )
                .clicked()
            {
                self.go_to(self.offset.saturating_sub(PAGE), next_request, commands);
            }
            if ui
                .add_enabled(
                    self.offset.saturating_add(PAGE) < self.total,
                    egui::Button::new(texts.get("batch_results.next")),
                )
                .clicked()
            {
                self.go_to(self.offset.saturating_add(PAGE), next_request, commands);
            }
            ui.label(text);
            if self.rows.is_none() {
                ui.spinner();
            }
        });
    }

    #[expect(clippy::too_many_lines, reason = "the table reads best left to right")]
    fn table(&self, ui: &mut egui::Ui, texts: &Texts) {
        // As in the call log: a table measured before its rows arrive keeps
        // its columns squeezed, so it joins from the second frame on.
        if ui.is_sizing_pass() {
            ui.ctx().request_repaint();
            return;
        }
        // The sheet row or pasted line means nothing for customers picked
        // from the book.
        let with_row = self.kind != BatchKind::Bulk;
        let mut headers = vec!["batch_results.r_seq"];
        if with_row {
            headers.push("batch_results.r_row");
        }
        headers.extend([
            "batch_results.r_customer",
            "batch_results.r_number",
            "batch_results.r_state",
            "batch_results.r_error",
            "batch_results.r_sent_at",
            "batch_results.r_delivered_at",
        ]);
        let rows = self.rows.as_deref();
        // One placeholder row while the page is on its way.
        let count = rows.map_or(1, <[RecipientResult]>::len);
        let mut table = TableBuilder::new(ui)
            .id_salt("batch_recipient_table")
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .auto_shrink([false, false])
            .column(Column::initial(50.0).at_least(40.0).resizable(true));
        if with_row {
            table = table.column(Column::initial(50.0).at_least(36.0).resizable(true));
        }
        table
            .column(
                Column::initial(90.0)
                    .at_least(50.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(115.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(150.0)
                    .at_least(60.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(100.0).clip(true))
            .column(Column::initial(120.0).at_least(100.0).resizable(true))
            .column(Column::initial(120.0).at_least(100.0))
            .header(ROW_HEIGHT, |mut header| {
                for key in &headers {
                    header.col(|ui| {
                        ui.strong(texts.get(key));
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, count, |mut row| {
                    let Some(result) = rows.and_then(|rows| rows.get(row.index())) else {
                        for _ in &headers {
                            row.col(|ui| {
                                ui.weak("…");
                            });
                        }
                        return;
                    };
                    let recipient = &result.recipient;
                    row.col(|ui| cell(ui, recipient.seq.to_string()));
                    if with_row {
                        row.col(|ui| {
                            cell(
                                ui,
                                recipient
                                    .source_row
                                    .map(|line| line.to_string())
                                    .unwrap_or_default(),
                            );
                        });
                    }
                    row.col(|ui| cell(ui, result.customer_name.as_deref().unwrap_or_default()));
                    row.col(|ui| cell(ui, &recipient.to_raw));
                    row.col(|ui| state_cell(ui, texts, result));
                    row.col(|ui| {
                        let error = result.error.as_deref().unwrap_or_default();
                        let response = label_cell(
                            ui,
                            egui::RichText::new(error).color(ui.visuals().error_fg_color),
                        );
                        if !error.is_empty() {
                            response.on_hover_text(error);
                        }
                    });
                    row.col(|ui| cell(ui, result.sent_at.map(local_date_time).unwrap_or_default()));
                    row.col(|ui| {
                        cell(
                            ui,
                            result.delivered_at.map(local_date_time).unwrap_or_default(),
                        );
                    });
                });
            });
    }
}

/// A recipient's state: its message's, "제외: 사유" when it was left out,
/// or "차례 전" before its turn.
fn state_cell(ui: &mut egui::Ui, texts: &Texts, result: &RecipientResult) {
    if let Some(stored) = &result.recipient.skipped {
        let (reason, detail) = skip_words(texts, stored);
        let text = texts.fmt("batch_results.left_out_because", &[("reason", &reason)]);
        let hover = if detail.is_empty() {
            text.clone()
        } else {
            format!("{text}\n{detail}")
        };
        label_cell(ui, egui::RichText::new(&text).weak()).on_hover_text(hover);
        return;
    }
    match result.state {
        Some(state) => {
            let colour = message_state_colour(ui.visuals(), state);
            cell(
                ui,
                egui::RichText::new(message_state_text(texts, state)).color(colour),
            );
        }
        None => {
            cell(
                ui,
                egui::RichText::new(texts.get("batch_results.not_yet")).weak(),
            );
        }
    }
}

/// Why a recipient was left out, in the window's language, with the
/// refusal in English as the backend recorded it (empty when there is
/// none); a reason stored before the codes is shown as it is.
pub(super) fn skip_words<'a>(texts: &'a Texts, stored: &'a str) -> (&'a str, &'a str) {
    match SkipReason::read(stored) {
        Some((reason, detail)) => (texts.get(skip_key(reason)), detail),
        None => (stored, ""),
    }
}

fn skip_key(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::Cancelled => "batch_results.reason_cancelled",
        SkipReason::OptedOut => "batch_results.reason_opted_out",
        SkipReason::Night => "batch_results.reason_night",
        SkipReason::NotMobile => "batch_results.reason_not_mobile",
        SkipReason::InvalidNumber => "batch_results.reason_invalid_number",
        SkipReason::NoNumber => "batch_results.reason_no_number",
        SkipReason::TextTooLong => "batch_results.reason_text_too_long",
        SkipReason::EmptyText => "batch_results.reason_empty_text",
        SkipReason::UnsupportedCharacters => "batch_results.reason_unsupported_characters",
        SkipReason::Abroad => "batch_results.reason_abroad",
        SkipReason::EmptyPlaceholder => "batch_results.reason_empty_placeholder",
        SkipReason::UnknownPlaceholder => "batch_results.reason_unknown_placeholder",
        SkipReason::AdRules => "batch_results.reason_ad_rules",
        SkipReason::Sender => "batch_results.reason_sender",
        SkipReason::Picture => "batch_results.reason_picture",
        SkipReason::Refused => "batch_results.reason_refused",
    }
}

/// A table cell's text: not selectable, cut short with "…" when too long.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    label_cell(ui, text);
}

/// [`cell`], for a hover text.
fn label_cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(
        egui::Label::new(text)
            .selectable(false)
            .truncate()
            .sense(egui::Sense::hover()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    #[test]
    fn every_skip_reason_is_said_in_each_language_and_old_sentences_as_they_are() {
        for language in [Language::Ko, Language::Ja, Language::En] {
            let texts = Texts::new(language);
            for reason in SkipReason::ALL {
                let key = skip_key(reason);
                let (said, detail) = skip_words(&texts, reason.as_str());
                assert_ne!(said, key, "{language:?} has no words for {key}");
                assert_eq!(detail, "");
            }
        }
        let texts = Texts::new(Language::Ko);
        assert_eq!(
            skip_words(&texts, "not_mobile: to: 02-555-1234 is not a mobile number"),
            (
                "휴대전화 번호 아님",
                "to: 02-555-1234 is not a mobile number"
            )
        );
        assert_eq!(skip_words(&texts, "cancelled"), ("발송 취소", ""));
        let old = "to: 02-555-1234 is not a mobile number";
        assert_eq!(skip_words(&texts, old), (old, ""));
    }
}
