//! 문자목록 and 문자발송결과: the messages sent and received, as a
//! virtualised table fed in pages, newest first, like the call log.
//!
//! The filter bar picks a period (a preset or two dates), the direction,
//! state, kind, a piece of the number and, when a card is open, that
//! customer; any change starts a new query and answers to an older one are
//! dropped. A selected row shows its whole text and error below the table;
//! failed messages carry a 재전송 button. When a message changes or arrives
//! the page on screen is asked again, which is one indexed query.
//!
//! Opened as 문자발송결과, the window also counts the period's messages per
//! state (one `ListMessages` with no rows per state: the page carries the
//! total) and each count filters the table to that state.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::call_log::{date_text, local_day};
use super::format::{local_date_time, message_state_colour, message_state_text};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe;
use super::widgets::escape_closes;
use crate::backend::{
    Command, LoggedMessage, MessageDirection, MessageFilter, MessageKind, MessageState, QueryId,
    local_time,
};
use crate::domain::{CustomerId, DatePreset, MessageId, NumberFragment, Timestamp};

/// Rows asked for at a time.
const PAGE: u32 = 100;
/// A page asked for and not answered within this is asked again (the
/// backend drops pages that a newer one has overtaken).
const RETRY: Duration = Duration::from_millis(400);
/// Messages change in bursts (a batch, a gateway's reports); the log asks
/// again at most this often.
const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// Pages kept on each side of those on screen.
const KEPT_PAGES: u32 = 10;
/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "message_log";
/// A day in milliseconds; Korea and Japan keep no summer time, so every
/// local day is this long.
const DAY_MILLIS: i64 = 86_400_000;
/// The states 문자발송결과 counts, in the order a message moves.
const COUNTED: [MessageState; 5] = [
    MessageState::Queued,
    MessageState::Sending,
    MessageState::Sent,
    MessageState::Delivered,
    MessageState::Failed,
];

/// The period part of the filter bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Today,
    Last7Days,
    Last30Days,
    Custom,
}

impl Period {
    const ALL: [(Period, &'static str); 4] = [
        (Self::Today, "list.today"),
        (Self::Last7Days, "list.last_7_days"),
        (Self::Last30Days, "messages.last_30_days"),
        (Self::Custom, "list.custom_range"),
    ];
}

/// What the window asks of the main window this frame.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Open this customer's card and form.
    pub open: Option<CustomerId>,
    /// Write a message to this number (and customer).
    pub compose: Option<(String, Option<CustomerId>)>,
    /// The window was closed.
    pub closed: bool,
}

/// The message log window's state.
pub struct MessageLog {
    /// Opened as 문자발송결과: state totals above the table.
    results: bool,
    period: Period,
    custom_from: String,
    custom_to: String,
    direction: Option<MessageDirection>,
    state: Option<MessageState>,
    kind: Option<MessageKind>,
    number: String,
    /// Only the messages of the customer whose card is open.
    card_only: bool,
    problem: Option<String>,
    filter: Option<MessageFilter>,
    query: QueryId,
    next_query: u64,
    total: Option<u64>,
    rows: HashMap<u32, Vec<LoggedMessage>>,
    asked: HashMap<u32, Instant>,
    /// Pages shown from before a refresh until their fresh copy arrives,
    /// so a live update does not blank the table.
    stale: HashSet<u32>,
    /// When the current query (or refresh) was asked.
    asked_at: Option<Instant>,
    /// 문자발송결과's totals: the request asking each state's count.
    count_requests: HashMap<QueryId, MessageState>,
    counts: HashMap<MessageState, u64>,
    /// Names of the customers sent messages on the pages held went to.
    names: HashMap<CustomerId, String>,
    selected: Option<(MessageDirection, i64)>,
    dirty: bool,
    error: Option<String>,
    notice: Option<String>,
}

impl MessageLog {
    /// Today's messages; with `results`, as 문자발송결과 with state totals.
    #[must_use]
    pub fn new(results: bool) -> Self {
        Self {
            results,
            period: Period::Today,
            custom_from: String::new(),
            custom_to: String::new(),
            direction: None,
            state: None,
            kind: None,
            number: String::new(),
            card_only: false,
            problem: None,
            filter: None,
            query: QueryId(0),
            // Far from the main window's request ids, so the totals'
            // requests are never mistaken for another window's.
            next_query: 1 << 40,
            total: None,
            rows: HashMap::new(),
            asked: HashMap::new(),
            stale: HashSet::new(),
            asked_at: None,
            count_requests: HashMap::new(),
            counts: HashMap::new(),
            names: HashMap::new(),
            selected: None,
            dirty: true,
            error: None,
            notice: None,
        }
    }

    /// Shows (or hides) the state totals.
    pub fn set_results(&mut self, results: bool) {
        if results && !self.results {
            self.dirty = true;
        }
        self.results = results;
    }

    /// Asks again: messages may have been queued, changed or received.
    pub fn refresh(&mut self) {
        self.dirty = true;
    }

    /// A page (or a state's total) arrived; true when it was this window's.
    pub fn page_arrived(
        &mut self,
        request: QueryId,
        offset: u32,
        total: u64,
        rows: Vec<LoggedMessage>,
        customers: Vec<(CustomerId, String)>,
    ) -> bool {
        if let Some(state) = self.count_requests.remove(&request) {
            self.counts.insert(state, total);
            return true;
        }
        if request == self.query {
            self.total = Some(total);
            self.asked.remove(&(offset / PAGE));
            self.stale.remove(&(offset / PAGE));
            self.rows.insert(offset / PAGE, rows);
            self.names.extend(customers);
            return true;
        }
        false
    }

    /// A failed message was queued again.
    pub fn resent(&mut self, texts: &Texts) {
        self.notice = Some(texts.get("messages.resent").to_owned());
        self.dirty = true;
    }

    /// A request failed.
    pub fn failed(&mut self, action: &str, message: &str) {
        if matches!(action, "list messages" | "resend message") {
            self.error = Some(message.to_owned());
        }
    }

    /// The filter the bar describes now, or what is wrong with it.
    fn wanted_filter(
        &self,
        texts: &Texts,
        card: Option<CustomerId>,
    ) -> Result<MessageFilter, String> {
        let today = || {
            DatePreset::Today
                .range(Timestamp::now(), local_time::utc_offset_seconds())
                .map_err(|invalid| describe(texts, &invalid))
        };
        let days_back = |days: i64| -> Result<(Timestamp, Timestamp), String> {
            let (from, to) = today()?;
            Ok((Timestamp(from.as_millis() - days * DAY_MILLIS), to))
        };
        let (from, to) = match self.period {
            Period::Today => today()?,
            Period::Last7Days => days_back(6)?,
            Period::Last30Days => days_back(29)?,
            Period::Custom => {
                let from = local_day(texts, &self.custom_from, false)?;
                let to = local_day(texts, &self.custom_to, true)?;
                (
                    from.unwrap_or(Timestamp(0)),
                    to.unwrap_or(Timestamp(i64::MAX)),
                )
            }
        };
        let mut filter = MessageFilter::period(from, to);
        filter.direction = self.direction;
        filter.states = self.state.into_iter().collect();
        filter.kind = self.kind;
        filter.customer = card.filter(|_| self.card_only);
        filter.number = NumberFragment::parse(&self.number).map_err(|invalid| {
            format!(
                "{}: {}",
                texts.get("call_log.number"),
                describe(texts, &invalid)
            )
        })?;
        Ok(filter)
    }

    fn new_request(&mut self) -> QueryId {
        self.next_query += 1;
        QueryId(self.next_query)
    }

    /// Starts a new query when the filter changed (or a refresh was asked).
    fn requery(&mut self, texts: &Texts, card: Option<CustomerId>, commands: &mut Vec<Command>) {
        match self.wanted_filter(texts, card) {
            Err(problem) => self.problem = Some(problem),
            Ok(filter) => {
                self.problem = None;
                let changed = self.filter.as_ref() != Some(&filter);
                if changed {
                    self.total = None;
                    self.rows.clear();
                    self.names.clear();
                    self.stale.clear();
                } else if self.dirty && self.asked_at.is_some_and(|at| at.elapsed() < REFRESH_EVERY)
                {
                    return;
                } else if self.dirty {
                    // The same filter asked again: the rows on screen stay
                    // until their fresh copies arrive.
                    self.stale = self.rows.keys().copied().collect();
                }
                if changed || self.dirty {
                    self.dirty = false;
                    self.error = None;
                    self.query = self.new_request();
                    self.asked.clear();
                    self.asked_at = Some(Instant::now());
                    if self.results {
                        self.ask_counts(&filter, commands);
                    }
                    self.filter = Some(filter);
                    // The first page also brings the total, which an empty
                    // table would otherwise never ask for again.
                    self.ask_page(0, commands);
                }
            }
        }
    }

    /// One row-less page per state: its total is the state's count in the
    /// period (with the other filters, but any state).
    fn ask_counts(&mut self, filter: &MessageFilter, commands: &mut Vec<Command>) {
        self.count_requests.clear();
        for state in COUNTED {
            let request = self.new_request();
            self.count_requests.insert(request, state);
            let mut filter = filter.clone();
            filter.states = vec![state];
            commands.push(Command::ListMessages {
                request,
                filter,
                offset: 0,
                limit: 0,
            });
        }
    }

    fn ask_page(&mut self, page: u32, commands: &mut Vec<Command>) {
        let Some(filter) = &self.filter else {
            return;
        };
        if (self.rows.contains_key(&page) && !self.stale.contains(&page))
            || self.asked.get(&page).is_some_and(|at| at.elapsed() < RETRY)
        {
            return;
        }
        self.asked.insert(page, Instant::now());
        commands.push(Command::ListMessages {
            request: self.query,
            filter: filter.clone(),
            offset: page * PAGE,
            limit: PAGE,
        });
    }

    fn row(&self, index: usize) -> Option<&LoggedMessage> {
        let index = u32::try_from(index).ok()?;
        self.rows
            .get(&(index / PAGE))?
            .get(usize::try_from(index % PAGE).ok()?)
    }

    fn selected_row(&self) -> Option<&LoggedMessage> {
        let selected = self.selected?;
        self.rows
            .values()
            .flatten()
            .find(|row| key(row) == selected)
    }

    /// Draws the window; `card` is the customer whose card is open, with
    /// their name, for the "this customer only" choice.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        card: Option<(CustomerId, &str)>,
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        self.requery(texts, card.map(|(id, _)| id), commands);
        let mut open = true;
        let title = if self.results {
            texts.get("menu.sms_results")
        } else {
            texts.get("menu.message_log")
        };
        egui::Window::new(title)
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .default_size([1000.0, 600.0])
            .min_width(780.0)
            .show(ctx, |ui| {
                self.filter_bar(ui, texts, card.map(|(_, name)| name));
                if self.results {
                    self.totals_bar(ui, texts);
                }
                for line in [&self.problem, &self.error].into_iter().flatten() {
                    ui.colored_label(ui.visuals().error_fg_color, line);
                }
                if let Some(notice) = &self.notice {
                    ui.label(notice);
                }
                ui.separator();
                self.details(ui, texts, commands, &mut outcome);
                self.table(ui, texts, commands, &mut outcome);
            });
        outcome.closed = !open || escape_closes(ctx, egui::Id::unique(WINDOW));
        if self.total.is_none() && self.problem.is_none() {
            ctx.request_repaint();
        }
        if self.dirty {
            // A refresh held back by REFRESH_EVERY runs when it is due.
            ctx.request_repaint_after(REFRESH_EVERY);
        }
        // A state's count the backend did not answer (it may drop list
        // requests a newer one overtook) is asked again.
        if self.results
            && !self.count_requests.is_empty()
            && self.asked_at.is_some_and(|at| at.elapsed() > RETRY * 3)
            && let Some(filter) = self.filter.clone()
        {
            self.asked_at = Some(Instant::now());
            self.ask_counts(&filter, commands);
        }
        outcome
    }

    #[expect(clippy::too_many_lines, reason = "the bar reads best left to right")]
    fn filter_bar(&mut self, ui: &mut egui::Ui, texts: &Texts, card: Option<&str>) {
        ui.horizontal_wrapped(|ui| {
            let total = self.total.map_or_else(
                || texts.get("list.loading").to_owned(),
                |total| texts.fmt("messages.total", &[("count", &thousands(total))]),
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
                    "message_log_from",
                    texts.get("list.from"),
                    &mut self.custom_from,
                );
                date_text(
                    ui,
                    texts,
                    "message_log_to",
                    texts.get("list.to"),
                    &mut self.custom_to,
                );
            }
        });
        ui.horizontal_wrapped(|ui| {
            let any = texts.get("list.any");
            super::widgets::optional_choice(
                ui,
                texts.get("messages.direction"),
                "message_log_direction",
                &mut self.direction,
                any,
                [
                    (
                        MessageDirection::Sent,
                        direction_text(texts, MessageDirection::Sent),
                    ),
                    (
                        MessageDirection::Received,
                        direction_text(texts, MessageDirection::Received),
                    ),
                ]
                .into_iter(),
            );
            let states: Vec<(MessageState, String)> = MessageState::ALL
                .iter()
                .map(|state| (*state, message_state_text(texts, *state)))
                .collect();
            super::widgets::optional_choice(
                ui,
                texts.get("messages.state"),
                "message_log_state",
                &mut self.state,
                any,
                states.iter().map(|(state, text)| (*state, text.as_str())),
            );
            super::widgets::optional_choice(
                ui,
                texts.get("messages.kind"),
                "message_log_kind",
                &mut self.kind,
                any,
                [
                    (MessageKind::Sms, "SMS"),
                    (MessageKind::Lms, "LMS"),
                    (MessageKind::Mms, "MMS"),
                ]
                .into_iter(),
            );
            let label = ui.label(texts.get("call_log.number"));
            ui.add(
                egui::TextEdit::singleline(&mut self.number)
                    .hint_text(texts.get("call_log.number_hint"))
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
            match card {
                Some(name) => {
                    ui.checkbox(
                        &mut self.card_only,
                        texts.fmt("messages.card_only", &[("name", &name)]),
                    );
                }
                None => self.card_only = false,
            }
            ui.separator();
            if ui.button(texts.get("call_log.refresh")).clicked() {
                self.dirty = true;
            }
            if ui.button(texts.get("list.clear")).clicked() {
                self.period = Period::Today;
                self.direction = None;
                self.state = None;
                self.kind = None;
                self.number.clear();
                self.card_only = false;
            }
        });
    }

    /// 문자발송결과: each state's count in the period, each a quick filter.
    fn totals_bar(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal_wrapped(|ui| {
            for state in COUNTED {
                let count = self
                    .counts
                    .get(&state)
                    .map_or_else(|| "…".to_owned(), |count| thousands(*count));
                let text =
                    egui::RichText::new(format!("{} {count}", message_state_text(texts, state)))
                        .color(message_state_colour(ui.visuals(), state));
                if ui
                    .selectable_label(self.state == Some(state), text)
                    .clicked()
                {
                    self.state = (self.state != Some(state)).then_some(state);
                }
            }
        });
    }

    /// The selected message in full, with 재전송 when it failed.
    fn details(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        commands: &mut Vec<Command>,
        outcome: &mut Outcome,
    ) {
        let Some(row) = self.selected_row() else {
            return;
        };
        let mut resend = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            match row {
                LoggedMessage::Sent(message) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.strong(local_date_time(message.created_at));
                        ui.label(format!("→ {}", message.to_raw));
                        if let Some(name) = message.customer_id.and_then(|id| self.names.get(&id)) {
                            ui.label(name);
                        }
                        ui.label(message.kind.as_str().to_uppercase());
                        ui.colored_label(
                            message_state_colour(ui.visuals(), message.state),
                            message_state_text(texts, message.state),
                        );
                        if message.state == MessageState::Failed
                            && ui.button(texts.get("messages.resend")).clicked()
                        {
                            resend = Some(message.id);
                        }
                        if ui.button(texts.get("card.sms")).clicked() {
                            outcome.compose = Some((message.to_raw.clone(), message.customer_id));
                        }
                    });
                    if !message.subject.is_empty() {
                        ui.strong(&message.subject);
                    }
                    if let Some(image) = message.image {
                        ui.label(texts.fmt(
                            "messages.picture",
                            &[("kb", &image.size_bytes.div_ceil(1000))],
                        ));
                    }
                    ui.label(&message.body);
                    if let Some(error) = &message.error {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            texts.fmt("messages.error_is", &[("error", error)]),
                        );
                    }
                }
                LoggedMessage::Received(message) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.strong(local_date_time(message.received_at));
                        ui.label(format!("← {}", message.from_raw));
                        if let Some(name) = &message.customer_name {
                            ui.label(name);
                        }
                        if ui.button(texts.get("card.sms")).clicked() {
                            outcome.compose = Some((message.from_raw.clone(), message.customer_id));
                        }
                    });
                    ui.label(&message.body);
                }
            }
        });
        if let Some(id) = resend {
            self.resend(id, commands);
        }
    }

    fn resend(&mut self, id: MessageId, commands: &mut Vec<Command>) {
        self.notice = None;
        self.error = None;
        commands.push(Command::ResendMessage(id));
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
            ui.weak(texts.get("messages.none"));
            return;
        }
        // As in the call log: a table measured before its rows arrive keeps
        // its columns squeezed, so it joins from the second frame on.
        if ui.is_sizing_pass() {
            ui.ctx().request_repaint();
            return;
        }
        let total = usize::try_from(self.total.unwrap_or(0)).unwrap_or(usize::MAX);
        let shown_rows = if self.total.is_none() && self.problem.is_none() {
            1
        } else {
            total
        };
        let mut visible = (usize::MAX, 0usize);
        let mut clicked: Option<((MessageDirection, i64), Option<CustomerId>, bool)> = None;
        let mut resend = None;
        let headers = [
            "calls.time",
            // "구분" fits the narrow column; the filter says 보낸/받은.
            "calls.direction",
            "calls.number",
            "calls.customer",
            "messages.kind",
            "messages.state",
            "messages.text",
            "messages.error",
            "",
        ];
        TableBuilder::new(ui)
            .id_salt("message_table")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .column(Column::initial(120.0).at_least(100.0).resizable(true))
            .column(Column::initial(50.0).at_least(40.0).resizable(true))
            .column(
                Column::initial(115.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(
                Column::initial(80.0)
                    .at_least(50.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::initial(44.0).at_least(40.0).resizable(true))
            .column(
                Column::initial(64.0)
                    .at_least(50.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(
                Column::initial(120.0)
                    .at_least(60.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::exact(70.0))
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
                    let Some(message) = self.row(index) else {
                        for _ in headers {
                            row.col(|ui| {
                                ui.weak("…");
                            });
                        }
                        return;
                    };
                    row.set_selected(self.selected == Some(key(message)));
                    let customer = customer_of(message);
                    match message {
                        LoggedMessage::Sent(sent) => {
                            row.col(|ui| cell(ui, local_date_time(sent.created_at)));
                            row.col(|ui| {
                                cell(ui, direction_text(texts, MessageDirection::Sent));
                            });
                            row.col(|ui| cell(ui, &sent.to_raw));
                            row.col(|ui| {
                                let shown = sent
                                    .customer_id
                                    .and_then(|id| self.names.get(&id))
                                    .map_or("", String::as_str);
                                cell(ui, shown);
                            });
                            row.col(|ui| cell(ui, sent.kind.as_str().to_uppercase()));
                            row.col(|ui| {
                                let colour = message_state_colour(ui.visuals(), sent.state);
                                cell(
                                    ui,
                                    egui::RichText::new(message_state_text(texts, sent.state))
                                        .color(colour),
                                );
                            });
                            row.col(|ui| {
                                if sent.image.is_some() {
                                    // A word, not 📷: egui's emoji fonts are
                                    // not built in, and no CJK font has it.
                                    let text = format!(
                                        "{} {}",
                                        texts.get("messages.picture_mark"),
                                        first_line(&sent.body)
                                    );
                                    ui.add(
                                        egui::Label::new(text)
                                            .selectable(false)
                                            .truncate()
                                            .sense(egui::Sense::hover()),
                                    )
                                    .on_hover_text(texts.get("messages.picture_hint"));
                                } else {
                                    cell(ui, first_line(&sent.body));
                                }
                            });
                            row.col(|ui| {
                                let error = sent.error.as_deref().unwrap_or_default();
                                let response = ui.add(
                                    egui::Label::new(
                                        egui::RichText::new(error)
                                            .color(ui.visuals().error_fg_color),
                                    )
                                    .selectable(false)
                                    .truncate()
                                    .sense(egui::Sense::hover()),
                                );
                                if !error.is_empty() {
                                    response.on_hover_text(error);
                                }
                            });
                            row.col(|ui| {
                                if sent.state == MessageState::Failed
                                    && ui.small_button(texts.get("messages.resend")).clicked()
                                {
                                    resend = Some(sent.id);
                                }
                            });
                        }
                        LoggedMessage::Received(received) => {
                            row.col(|ui| cell(ui, local_date_time(received.received_at)));
                            row.col(|ui| {
                                cell(ui, direction_text(texts, MessageDirection::Received));
                            });
                            row.col(|ui| cell(ui, &received.from_raw));
                            row.col(|ui| {
                                cell(
                                    ui,
                                    received
                                        .customer_name
                                        .as_deref()
                                        .unwrap_or(texts.get("calls.unknown")),
                                );
                            });
                            row.col(|ui| cell(ui, ""));
                            row.col(|ui| cell(ui, ""));
                            row.col(|ui| cell(ui, first_line(&received.body)));
                            row.col(|ui| cell(ui, ""));
                            row.col(|ui| cell(ui, ""));
                        }
                    }
                    let response = row.response();
                    if response.clicked() || response.double_clicked() {
                        clicked = Some((key(message), customer, response.double_clicked()));
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
        if let Some((key, customer, double)) = clicked {
            self.selected = Some(key);
            if double {
                outcome.open = customer;
            }
        }
        if let Some(id) = resend {
            self.resend(id, commands);
        }
    }
}

/// A row's identity: sent and received messages are numbered apart.
fn key(message: &LoggedMessage) -> (MessageDirection, i64) {
    match message {
        LoggedMessage::Sent(sent) => (MessageDirection::Sent, sent.id.0),
        LoggedMessage::Received(received) => (MessageDirection::Received, received.id.0),
    }
}

fn customer_of(message: &LoggedMessage) -> Option<CustomerId> {
    match message {
        LoggedMessage::Sent(sent) => sent.customer_id,
        LoggedMessage::Received(received) => received.customer_id,
    }
}

fn direction_text(texts: &Texts, direction: MessageDirection) -> &str {
    texts.get(match direction {
        MessageDirection::Sent => "messages.outgoing",
        MessageDirection::Received => "messages.incoming",
    })
}

/// A text's first line, for its row.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}
