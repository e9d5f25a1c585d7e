//! 임의문자발송: one text to numbers that are not (or need not be)
//! customers, typed or pasted one a line or separated by commas, spaces or
//! tabs.
//!
//! The backend sorts the pasted text ([`Command::SortFreeNumbers`], off the
//! store thread: a pasted list may hold 100,000 numbers) a moment after the
//! typing stops; the window shows the numbers it will send to, each piece
//! left out with its line and reason, and each repeat with the line it was
//! first met on. The text is written in the shared bulk editor
//! ([`BulkMessage`]); with no customer behind the numbers, customer
//! placeholders are refused there as the composer refuses them.

use std::time::{Duration, Instant};

use eframe::egui;

use super::bulk_message::{BulkMessage, PREVIEWED, Recipients, Sample};
use super::i18n::Texts;
use super::problem_text::describe_issue;
use super::sms_form::Data;
use super::widgets::{drop_lands_in, escape_closes};
use crate::backend::{
    BatchId, BatchKind, BatchProblem, Command, FreeNumbers, NewRecipient, QueryId,
};

/// How long the typing must rest before the numbers are sorted again.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// The 임의문자발송 window.
pub struct FreeSms {
    /// The numbers as typed or pasted.
    text: String,
    /// When the text last changed and is not yet sent for sorting.
    changed_at: Option<Instant>,
    /// The sort whose answer is awaited.
    asked: Option<QueryId>,
    /// The text sorted out, as the backend last answered.
    numbers: Box<FreeNumbers>,
    editor: BulkMessage,
    /// Where the window was last drawn, to tell whether a file was dropped on it.
    rect: Option<egui::Rect>,
    closed: bool,
}

impl Default for FreeSms {
    fn default() -> Self {
        Self {
            text: String::new(),
            changed_at: None,
            asked: None,
            numbers: Box::default(),
            editor: BulkMessage::new("free_sms"),
            rect: None,
            closed: false,
        }
    }
}

impl FreeSms {
    /// Whether the window was closed.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The batch whose results the manager asked to see, once.
    pub fn wants_results(&mut self) -> Option<BatchId> {
        self.editor.wants_results()
    }

    /// The text editor, for the picture the backend reads for it.
    pub fn editor(&mut self) -> &mut BulkMessage {
        &mut self.editor
    }

    /// Whether a file dropped at `pointer` is meant for this window: its
    /// text's picture, while the text is being written.
    #[must_use]
    pub fn takes_drop_at(&self, pointer: Option<egui::Pos2>) -> bool {
        self.editor.takes_picture() && drop_lands_in(pointer, self.rect)
    }

    /// The backend sorted the numbers; the answer to the newest text is kept.
    pub fn numbers_sorted(&mut self, request: QueryId, numbers: Box<FreeNumbers>) {
        if self.asked == Some(request) {
            self.asked = None;
            self.numbers = numbers;
        }
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

    /// Whether the list shown is the one the text holds now.
    fn current(&self) -> bool {
        self.changed_at.is_none() && self.asked.is_none()
    }

    /// Sends the text for sorting once the typing has rested.
    fn sort_when_rested(
        &mut self,
        ctx: &egui::Context,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Some(changed_at) = self.changed_at else {
            return;
        };
        let rested = changed_at.elapsed();
        if rested < DEBOUNCE {
            ctx.request_repaint_after(DEBOUNCE.saturating_sub(rested));
            return;
        }
        self.changed_at = None;
        *next_request += 1;
        let request = QueryId(*next_request);
        self.asked = Some(request);
        commands.push(Command::SortFreeNumbers {
            request,
            text: self.text.clone(),
        });
    }

    /// Draws the window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        balance: Option<u64>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        self.sort_when_rested(ctx, next_request, commands);
        let window = egui::Id::unique("free_sms");
        let mut open = true;
        let shown = egui::Window::new(texts.get("free.title"))
            .id(window)
            .open(&mut open)
            .default_size([900.0, 600.0])
            .min_size([700.0, 420.0])
            .show(ctx, |ui| {
                egui::Panel::bottom("free_sms_close")
                    .resizable(false)
                    .show(ui, |ui| {
                        ui.add_space(4.0);
                        if ui.button(texts.get("free.close")).clicked() {
                            self.closed = true;
                        }
                    });
                // The numbers on the left, the text on the right, as in
                // the other bulk-send windows.
                egui::Panel::left("free_sms_numbers")
                    .resizable(true)
                    .default_size(340.0)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("free_sms_numbers")
                            .show(ui, |ui| {
                                super::widgets::scroll_margin()
                                    .show(ui, |ui| self.numbers_ui(ui, texts));
                            });
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    self.editor_ui(ui, texts, data, balance, next_request, commands);
                });
            });
        self.rect = shown.map(|shown| shown.response.rect);
        if !open || escape_closes(ctx, window) {
            self.closed = true;
        }
    }

    /// The numbers box and what the backend made of it.
    fn numbers_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let label = ui.label(texts.get("free.numbers"));
        let edited = ui
            .add(
                egui::TextEdit::multiline(&mut self.text)
                    .hint_text(texts.get("free.numbers_hint"))
                    .desired_rows(12)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id)
            .changed();
        if edited {
            self.changed_at = Some(Instant::now());
        }
        if !self.current() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(texts.get("free.sorting"));
            });
            return;
        }
        let numbers = &self.numbers;
        list_ui(
            ui,
            "free_numbers",
            texts.fmt("free.count", &[("count", &numbers.numbers.len())]),
            numbers.numbers.len(),
            |index| {
                numbers
                    .numbers
                    .get(index)
                    .map(|number| number.display().to_owned())
            },
            false,
        );
        list_ui(
            ui,
            "free_rejected",
            texts.fmt("free.rejected", &[("count", &numbers.rejected.len())]),
            numbers.rejected.len(),
            |index| {
                numbers.rejected.get(index).map(|rejected| {
                    texts.fmt(
                        "free.rejected_row",
                        &[
                            ("line", &rejected.line),
                            ("text", &rejected.text),
                            ("reason", &describe_issue(texts, &rejected.issue)),
                        ],
                    )
                })
            },
            true,
        );
        list_ui(
            ui,
            "free_duplicates",
            texts.fmt("free.duplicates", &[("count", &numbers.duplicates.len())]),
            numbers.duplicates.len(),
            |index| {
                numbers.duplicates.get(index).map(|duplicate| {
                    texts.fmt(
                        "free.duplicate_row",
                        &[
                            ("line", &duplicate.line),
                            ("text", &duplicate.text),
                            ("first", &duplicate.first_line),
                        ],
                    )
                })
            },
            true,
        );
    }

    /// The bulk editor on the sorted numbers; a confirmed send goes to all
    /// of them.
    fn editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        balance: Option<u64>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let current = self.current();
        let numbers = if current {
            self.numbers.numbers.as_slice()
        } else {
            &[]
        };
        let samples: Vec<Sample<'_>> = numbers
            .iter()
            .take(PREVIEWED)
            .map(|number| Sample {
                to: number.raw(),
                customer: None,
                values: &[],
            })
            .collect();
        let confirmed = self.editor.ui(
            ui,
            texts,
            data,
            &Recipients {
                count: numbers.len(),
                samples: &samples,
                balance,
            },
            next_request,
            commands,
        );
        if let Some(confirmed) = confirmed {
            let recipients: Vec<NewRecipient> = numbers.iter().map(NewRecipient::to).collect();
            let title = texts.fmt("free.batch_title", &[("count", &recipients.len())]);
            self.editor.start(
                confirmed,
                BatchKind::Free,
                title,
                recipients,
                next_request,
                commands,
            );
        }
    }
}

/// A list that opens under its heading (with its count), its rows drawn
/// only as they scroll into view; `warn` colours a non-empty heading.
fn list_ui(
    ui: &mut egui::Ui,
    id: &str,
    heading: String,
    rows: usize,
    row: impl Fn(usize) -> Option<String>,
    warn: bool,
) {
    let heading = if warn && rows > 0 {
        egui::RichText::new(heading).color(ui.visuals().warn_fg_color)
    } else {
        egui::RichText::new(heading)
    };
    // A list that fills opens anew (once) when its rows need a look.
    egui::CollapsingHeader::new(heading)
        .id_salt((id, rows > 0))
        .default_open(warn && rows > 0)
        .enabled(rows > 0)
        .show(ui, |ui| {
            let height = ui.text_style_height(&egui::TextStyle::Body);
            egui::ScrollArea::vertical()
                .id_salt(id)
                .max_height(140.0)
                .auto_shrink([false, true])
                .show_rows(ui, height, rows, |ui, range| {
                    for index in range {
                        if let Some(text) = row(index) {
                            ui.label(text);
                        }
                    }
                });
        });
}
