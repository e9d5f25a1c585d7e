//! 전화목록: the call log as a virtualised table fed in pages, newest first.
//!
//! The filter bar picks a period (a preset or two dates), a direction, a
//! disposition and a piece of the number; any change starts a new query and
//! answers to an older one are dropped. Missed calls stand out and carry a
//! 다시 걸기 (call back) button; a call's memo is edited in a small dialog;
//! a double-click on a known caller's row opens the customer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::format::{direction_text, duration_text, local_date_time};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe;
use super::widgets::escape_closes;
use crate::backend::{Command, QueryId, local_time};
use crate::domain::Outcome as CallOutcome;
use crate::domain::call::check_call_memo;
use crate::domain::{
    Call, CallFilter, CallId, CustomerId, DatePreset, Direction, NumberFragment, Region, Timestamp,
};

/// Rows asked for at a time.
const PAGE: u32 = 100;
/// A page asked for and not answered within this is asked again (the
/// backend drops call log pages that a newer one has overtaken).
const RETRY: Duration = Duration::from_millis(400);
/// Pages kept on each side of those on screen.
const KEPT_PAGES: u32 = 10;
/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "call_log";

/// The period part of the filter bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Preset(DatePreset),
    Custom,
}

impl Period {
    const ALL: [(Period, &'static str); 6] = [
        (Self::Preset(DatePreset::Today), "list.today"),
        (Self::Preset(DatePreset::Yesterday), "list.yesterday"),
        (Self::Preset(DatePreset::Last7Days), "list.last_7_days"),
        (Self::Preset(DatePreset::ThisMonth), "list.this_month"),
        (Self::Preset(DatePreset::LastMonth), "call_log.last_month"),
        (Self::Custom, "list.custom_range"),
    ];
}

/// How a call ended, as the disposition choice offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disposition {
    All,
    /// Calls to return: incoming and nobody picked up.
    Missed,
    Is(CallOutcome),
}

impl Disposition {
    const ALL: [Disposition; 7] = [
        Self::All,
        Self::Is(CallOutcome::Answered),
        Self::Missed,
        Self::Is(CallOutcome::Busy),
        Self::Is(CallOutcome::NoAnswer),
        Self::Is(CallOutcome::Failed),
        Self::Is(CallOutcome::AnsweredElsewhere),
    ];

    fn text(self, texts: &Texts) -> &str {
        match self {
            Self::All => texts.get("list.any"),
            Self::Missed => texts.get("call_log.missed_choice"),
            Self::Is(outcome) => outcome_text(texts, outcome),
        }
    }
}

/// What the window asks of the main window this frame.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Open this customer's card and form.
    pub open: Option<CustomerId>,
    /// Call this number back.
    pub dial: Option<String>,
    /// Write a message to this number (and customer).
    pub compose: Option<(String, Option<CustomerId>)>,
    /// The window was closed.
    pub closed: bool,
}

/// The memo being edited.
struct MemoDialog {
    id: CallId,
    /// Which call: its time, number and customer.
    about: String,
    text: String,
    saving: bool,
    error: Option<String>,
    /// Put the cursor in the memo on the first frame.
    focus: bool,
}

/// The call log window's state.
pub struct CallLog {
    period: Period,
    custom_from: String,
    custom_to: String,
    direction: Option<Direction>,
    disposition: Disposition,
    number: String,
    /// What the filter bar holds that cannot be asked (a bad number or date).
    problem: Option<String>,
    /// The filter of the current query.
    filter: Option<CallFilter>,
    query: QueryId,
    next_query: u64,
    total: Option<u64>,
    rows: HashMap<u32, Vec<Call>>,
    asked: HashMap<u32, Instant>,
    selected: Option<CallId>,
    dirty: bool,
    error: Option<String>,
    memo: Option<MemoDialog>,
    /// The desk's country, for showing numbers.
    region: Region,
}

impl CallLog {
    /// Today's calls, asked for at the first frame; numbers shown as a
    /// desk in `region` writes them.
    #[must_use]
    pub fn new(region: Region) -> Self {
        Self {
            region,
            period: Period::Preset(DatePreset::Today),
            custom_from: String::new(),
            custom_to: String::new(),
            direction: None,
            disposition: Disposition::All,
            number: String::new(),
            problem: None,
            filter: None,
            query: QueryId(0),
            next_query: 0,
            total: None,
            rows: HashMap::new(),
            asked: HashMap::new(),
            selected: None,
            dirty: true,
            error: None,
            memo: None,
        }
    }

    /// Asks again: calls may have been logged or changed.
    pub fn refresh(&mut self) {
        self.dirty = true;
    }

    /// A page arrived, with the number of calls the filter matches.
    pub fn page_arrived(&mut self, request: QueryId, offset: u32, total: u64, calls: Vec<Call>) {
        if request == self.query {
            self.total = Some(total);
            self.asked.remove(&(offset / PAGE));
            self.rows.insert(offset / PAGE, calls);
        }
    }

    /// A memo was saved: the dialog closes and the row shows it.
    pub fn memo_saved(&mut self, id: CallId) {
        let Some(dialog) = self.memo.take_if(|dialog| dialog.id == id) else {
            return;
        };
        for call in self.rows.values_mut().flatten() {
            if call.id == id {
                call.memo.clone_from(&dialog.text);
            }
        }
    }

    /// A request failed.
    pub fn failed(&mut self, action: &str, message: &str) {
        match action {
            "list calls" => self.error = Some(message.to_owned()),
            "save call memo" => {
                if let Some(dialog) = &mut self.memo {
                    dialog.saving = false;
                    dialog.error = Some(message.to_owned());
                }
            }
            _ => {}
        }
    }

    /// The filter the bar describes now, or what is wrong with it.
    fn wanted_filter(&self, texts: &Texts) -> Result<CallFilter, String> {
        let (from, to) = match self.period {
            Period::Preset(preset) => preset
                .range(Timestamp::now(), local_time::utc_offset_seconds())
                .map_err(|invalid| describe(texts, &invalid))?,
            Period::Custom => {
                let from = local_day(texts, &self.custom_from, false)?;
                let to = local_day(texts, &self.custom_to, true)?;
                (
                    from.unwrap_or(Timestamp(0)),
                    to.unwrap_or(Timestamp(i64::MAX)),
                )
            }
        };
        let mut filter = CallFilter::period(from, to);
        filter.direction = self.direction;
        match self.disposition {
            Disposition::All => {}
            // Missed calls are incoming ones; with another direction chosen,
            // its calls nobody picked up.
            Disposition::Missed if self.direction.is_none() => filter = filter.missed(),
            Disposition::Missed => filter.outcomes = CallOutcome::UNREACHED.to_vec(),
            Disposition::Is(outcome) => filter.outcomes = vec![outcome],
        }
        filter.number = NumberFragment::parse(&self.number).map_err(|invalid| {
            format!(
                "{}: {}",
                texts.get("call_log.number"),
                describe(texts, &invalid)
            )
        })?;
        Ok(filter)
    }

    /// Starts a new query when the filter changed (or a refresh was asked).
    fn requery(&mut self, texts: &Texts) {
        match self.wanted_filter(texts) {
            Err(problem) => self.problem = Some(problem),
            Ok(filter) => {
                self.problem = None;
                if self.dirty || self.filter.as_ref() != Some(&filter) {
                    self.dirty = false;
                    self.error = None;
                    self.filter = Some(filter);
                    self.next_query += 1;
                    self.query = QueryId(self.next_query);
                    self.total = None;
                    self.rows.clear();
                    self.asked.clear();
                }
            }
        }
    }

    fn ask_page(&mut self, page: u32, commands: &mut Vec<Command>) {
        let Some(filter) = &self.filter else {
            return;
        };
        if self.rows.contains_key(&page)
            || self.asked.get(&page).is_some_and(|at| at.elapsed() < RETRY)
        {
            return;
        }
        self.asked.insert(page, Instant::now());
        commands.push(Command::ListCalls {
            request: self.query,
            filter: filter.clone(),
            offset: page * PAGE,
            limit: PAGE,
        });
    }

    fn row(&self, index: usize) -> Option<&Call> {
        let index = u32::try_from(index).ok()?;
        self.rows
            .get(&(index / PAGE))?
            .get(usize::try_from(index % PAGE).ok()?)
    }

    /// Draws the window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        self.requery(texts);
        let mut open = true;
        egui::Window::new(texts.get("call_log.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .default_size([980.0, 560.0])
            .min_width(760.0)
            .show(ctx, |ui| {
                self.filter_bar(ui, texts);
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                ui.separator();
                self.table(ui, texts, commands, &mut outcome);
            });
        self.memo_dialog(ctx, texts, commands);
        let escape = self.memo.is_none() && escape_closes(ctx, egui::Id::unique(WINDOW));
        outcome.closed = !open || escape;
        // The first page is asked for from the table, drawn next frame.
        if self.total.is_none() && self.problem.is_none() {
            ctx.request_repaint();
        }
        outcome
    }

    fn filter_bar(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal_wrapped(|ui| {
            let total = self.total.map_or_else(
                || texts.get("list.loading").to_owned(),
                |total| texts.fmt("call_log.total", &[("count", &thousands(total))]),
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
                    "call_log_from",
                    texts.get("list.from"),
                    &mut self.custom_from,
                );
                date_text(
                    ui,
                    texts,
                    "call_log_to",
                    texts.get("list.to"),
                    &mut self.custom_to,
                );
            }
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(texts.get("calls.direction"));
            let shown = self.direction.map_or(texts.get("list.any"), |direction| {
                direction_text(texts, direction)
            });
            egui::ComboBox::from_id_salt("call_log_direction")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.direction, None, texts.get("list.any"));
                    for direction in Direction::ALL {
                        ui.selectable_value(
                            &mut self.direction,
                            Some(*direction),
                            direction_text(texts, *direction),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(texts.get("calls.outcome"));
            egui::ComboBox::from_id_salt("call_log_disposition")
                .selected_text(self.disposition.text(texts))
                .show_ui(ui, |ui| {
                    for choice in Disposition::ALL {
                        ui.selectable_value(&mut self.disposition, choice, choice.text(texts));
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(texts.get("call_log.number"));
            ui.add(
                egui::TextEdit::singleline(&mut self.number)
                    .hint_text(texts.get("call_log.number_hint"))
                    .desired_width(130.0),
            )
            .labelled_by(label.id);
            ui.separator();
            if ui.button(texts.get("call_log.refresh")).clicked() {
                self.dirty = true;
            }
            if ui.button(texts.get("list.clear")).clicked() {
                self.period = Period::Preset(DatePreset::Today);
                self.direction = None;
                self.disposition = Disposition::All;
                self.number.clear();
            }
        });
    }

    #[expect(clippy::too_many_lines, reason = "the table reads best top to bottom")]
    fn table(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        commands: &mut Vec<Command>,
        outcome: &mut Outcome,
    ) {
        if self.total == Some(0) {
            ui.weak(texts.get("call_log.none"));
            return;
        }
        // A new window's first frame only measures its contents; a table
        // measured with no rows yet would keep its columns squeezed to their
        // headers, so it joins from the second frame on.
        if ui.is_sizing_pass() {
            ui.ctx().request_repaint();
            return;
        }
        let region = self.region;
        let total = usize::try_from(self.total.unwrap_or(0)).unwrap_or(usize::MAX);
        // Before the first answer one placeholder row asks for the first page.
        let shown_rows = if self.total.is_none() && self.problem.is_none() {
            1
        } else {
            total
        };
        let mut visible = (usize::MAX, 0usize);
        let mut clicked: Option<(CallId, Option<CustomerId>, bool)> = None;
        let mut edit_memo: Option<MemoDialog> = None;
        let error_colour = ui.visuals().error_fg_color;
        let headers = [
            "calls.time",
            "calls.direction",
            "calls.number",
            "calls.customer",
            "calls.line",
            "call_log.extension",
            "calls.duration",
            "calls.outcome",
            "card.memo",
            "",
        ];
        TableBuilder::new(ui)
            .id_salt("call_table")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .column(Column::initial(120.0).at_least(100.0).resizable(true))
            .column(Column::initial(44.0).at_least(40.0).resizable(true))
            .column(
                Column::initial(115.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(90.0)
                    .at_least(60.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(90.0)
                    .at_least(50.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(44.0)
                    .at_least(40.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::initial(60.0).at_least(50.0).resizable(true))
            .column(
                Column::initial(80.0)
                    .at_least(60.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(80.0).clip(true))
            .column(Column::exact(170.0))
            .header(ROW_HEIGHT, |mut header| {
                for key in headers {
                    header.col(|ui| {
                        if !key.is_empty() {
                            ui.strong(texts.get(key));
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, shown_rows, |mut row| {
                    let index = row.index();
                    visible = (visible.0.min(index), visible.1.max(index));
                    let Some(call) = self.row(index) else {
                        for _ in headers {
                            row.col(|ui| {
                                ui.weak("…");
                            });
                        }
                        return;
                    };
                    row.set_selected(self.selected == Some(call.id));
                    let missed = call.is_missed();
                    let text = |text: &str| {
                        let text = egui::RichText::new(text);
                        if missed {
                            text.color(error_colour)
                        } else {
                            text
                        }
                    };
                    row.col(|ui| cell(ui, text(&local_date_time(call.started_at))));
                    row.col(|ui| cell(ui, text(direction_text(texts, call.direction))));
                    row.col(|ui| cell(ui, text(&call.number_display(region))));
                    row.col(|ui| {
                        // A colleague's extension is nobody to register.
                        let unknown = if call.direction == Direction::Internal {
                            ""
                        } else {
                            texts.get("calls.unknown")
                        };
                        cell(ui, text(call.customer_name.as_deref().unwrap_or(unknown)));
                    });
                    row.col(|ui| cell(ui, text(&call.line)));
                    row.col(|ui| cell(ui, text(&call.extension)));
                    row.col(|ui| {
                        cell(
                            ui,
                            text(&call.duration().map(duration_text).unwrap_or_default()),
                        );
                    });
                    row.col(|ui| {
                        let shown = if missed {
                            text(&format!("● {}", disposition_text(texts, call))).strong()
                        } else {
                            text(disposition_text(texts, call))
                        };
                        let response = ui.add(
                            egui::Label::new(shown)
                                .selectable(false)
                                .truncate()
                                .sense(egui::Sense::hover()),
                        );
                        if let Some(cause) = cause_text(texts, call) {
                            response.on_hover_text(cause);
                        }
                    });
                    row.col(|ui| {
                        let first_line = call.memo.lines().next().unwrap_or_default();
                        let response = ui.add(
                            egui::Label::new(first_line)
                                .selectable(false)
                                .truncate()
                                .sense(egui::Sense::hover()),
                        );
                        if !call.memo.is_empty() {
                            response.on_hover_text(&call.memo);
                        }
                    });
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            if ui.small_button(texts.get("call_log.edit_memo")).clicked() {
                                let mut about =
                                    vec![local_date_time(call.started_at), call.number_raw.clone()];
                                about.extend(call.customer_name.clone());
                                edit_memo = Some(MemoDialog {
                                    id: call.id,
                                    about: about.join(" · "),
                                    text: call.memo.clone(),
                                    saving: false,
                                    error: None,
                                    focus: true,
                                });
                            }
                            if missed
                                && ui
                                    .small_button(texts.get("call_log.call_back"))
                                    .on_hover_text(&call.number_raw)
                                    .clicked()
                            {
                                outcome.dial = Some(call.number_raw.clone());
                            }
                            // A colleague's extension takes no text messages.
                            if call.direction != Direction::Internal
                                && !call.number_raw.is_empty()
                                && ui.small_button(texts.get("card.sms")).clicked()
                            {
                                outcome.compose = Some((call.number_raw.clone(), call.customer_id));
                            }
                        });
                    });
                    let response = row.response();
                    if response.clicked() || response.double_clicked() {
                        clicked = Some((call.id, call.customer_id, response.double_clicked()));
                    }
                });
            });
        if visible.0 <= visible.1 {
            let first = u32::try_from(visible.0).unwrap_or(u32::MAX) / PAGE;
            let last = u32::try_from(visible.1).unwrap_or(u32::MAX) / PAGE;
            for page in first..=last {
                self.ask_page(page, commands);
            }
            let near = first.saturating_sub(KEPT_PAGES)..=last.saturating_add(KEPT_PAGES);
            self.rows.retain(|page, _| near.contains(page));
        }
        if let Some((id, customer, double)) = clicked {
            self.selected = Some(id);
            if double {
                outcome.open = customer;
            }
        }
        if let Some(dialog) = edit_memo {
            self.selected = Some(dialog.id);
            self.memo = Some(dialog);
        }
    }

    fn memo_dialog(&mut self, ctx: &egui::Context, texts: &Texts, commands: &mut Vec<Command>) {
        let Some(dialog) = &mut self.memo else {
            return;
        };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("call_memo")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.strong(texts.get("call_log.memo_title"));
            ui.label(&dialog.about);
            ui.add_space(4.0);
            let label = ui.label(texts.get("card.memo"));
            let memo = ui
                .add(
                    egui::TextEdit::multiline(&mut dialog.text)
                        .desired_rows(4)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut dialog.focus) {
                memo.request_focus();
            }
            let problem = check_call_memo(&dialog.text)
                .err()
                .map(|invalid| describe(texts, &invalid));
            if let Some(problem) = problem.as_ref().or(dialog.error.as_ref()) {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let can_save = problem.is_none() && !dialog.saving;
                if ui
                    .add_enabled(can_save, egui::Button::new(texts.get("call_log.save")))
                    .clicked()
                {
                    dialog.saving = true;
                    dialog.error = None;
                    commands.push(Command::SaveCallMemo {
                        id: dialog.id,
                        memo: dialog.text.clone(),
                    });
                }
                if ui.button(texts.get("common.cancel")).clicked() {
                    close = true;
                }
                if dialog.saving {
                    ui.weak(texts.get("customer.saving"));
                }
            });
        });
        if close || (modal.should_close() && !dialog.saving) {
            self.memo = None;
        }
    }
}

/// The start of the local day written in `text` (YYYY-MM-DD), or of the day
/// after it when `end` (the range includes the last day). Blank is no limit.
pub(super) fn local_day(texts: &Texts, text: &str, end: bool) -> Result<Option<Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let problem = || texts.fmt("call_log.bad_date", &[("value", &text)]);
    let mut date = text.parse::<jiff::civil::Date>().map_err(|_| problem())?;
    if end {
        date = date.tomorrow().map_err(|_| problem())?;
    }
    let zoned = date
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|_| problem())?;
    Ok(Some(Timestamp(zoned.timestamp().as_millisecond())))
}

pub(super) fn date_text(
    ui: &mut egui::Ui,
    texts: &Texts,
    id: &str,
    label: &str,
    text: &mut String,
) {
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text("YYYY-MM-DD")
            .desired_width(100.0),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label));
    super::date_picker::button(ui, texts, egui::Id::unique(id), text);
    ui.label(label);
}

/// How an ended call ended, or where a call still going on is.
fn disposition_text<'a>(texts: &'a Texts, call: &Call) -> &'a str {
    match call.outcome {
        Some(outcome) => outcome_text(texts, outcome),
        None if call.answered_at.is_some() => texts.get("call_log.talking"),
        None => texts.get("call_log.ringing"),
    }
}

fn outcome_text(texts: &Texts, outcome: CallOutcome) -> &str {
    texts.get(match outcome {
        CallOutcome::Answered => "call_log.answered",
        CallOutcome::Missed => "call_log.missed",
        CallOutcome::Busy => "call_log.busy",
        CallOutcome::NoAnswer => "call_log.no_answer",
        CallOutcome::Failed => "call_log.failed",
        CallOutcome::AnsweredElsewhere => "call_log.answered_elsewhere",
    })
}

/// "종료 원인: 17 User busy" for the disposition's tooltip.
fn cause_text(texts: &Texts, call: &Call) -> Option<String> {
    let cause = match (call.cause, call.cause_text.as_str()) {
        (None, "") => return None,
        (Some(code), "") => code.to_string(),
        (None, words) => words.to_owned(),
        (Some(code), words) => format!("{code} {words}"),
    };
    Some(texts.fmt("call_log.cause", &[("cause", &cause)]))
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}
