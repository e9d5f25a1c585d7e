//! 대량문자발송: one text to many customers, laid out as `CRMmini`'s — the
//! recipients on the left, the message on the right.
//!
//! Customers are gathered from three tabs (고객검색: a customer-list filter,
//! 고객그룹: ticked groups, 전체그룹: everyone in any group); each 추가 asks
//! the backend ([`Command::GatherCandidates`]) and appends the answer to the
//! window's candidates ([`Gathered`]), each customer once. The candidates
//! are sorted out ([`Gathered::sort_out`]: pure, about a millisecond for
//! 100,000) whenever they change or 광고 is ticked, into the recipients
//! shown in a virtualised table and the customers left out, counted by
//! reason, each reason's list one click away. Rows picked in the table are removed with 삭제.
//!
//! The text is written in the shared bulk editor ([`BulkMessage`]): its 광고
//! decides the sorting, its samples are the first recipients with their
//! customers' cards (asked with [`Command::LoadCard`]) for placeholders
//! such as #{회사}, and its confirmation stores the batch
//! ([`BatchKind::Bulk`]) with the recipients as listed.

use std::collections::{BTreeSet, HashMap, HashSet};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::bulk_message::{BulkMessage, PREVIEWED, Recipients, Sample};
use super::customer_filter::FilterEditor;
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe;
use super::sms_form;
use super::widgets::{drop_lands_in, escape_closes};
use crate::backend::{
    BatchId, BatchKind, BatchProblem, Candidate, Command, CustomerCard, Gather, Gathered, Group,
    LeftOutReason, Lookups, QueryId, RecipientList, local_time,
};
use crate::domain::{Customer, CustomerFilter, CustomerId, GroupId, SavedViewId, Timestamp};

/// The recipients' source tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    /// 고객검색: a customer-list filter.
    Search,
    /// 고객그룹: ticked groups.
    Groups,
    /// 전체그룹: everyone in any group.
    AllGroups,
}

/// What the window needs from the main window each frame.
pub struct Data<'a> {
    /// Statuses, tags, users and fields for the filter.
    pub lookups: &'a Lookups,
    /// The group tree.
    pub groups: &'a [Group],
    /// The filter of the open 고객목록, if it is open.
    pub list_filter: Option<&'a CustomerFilter>,
    /// Saved texts, sender numbers, fields, settings and region for the text.
    pub message: &'a sms_form::Data<'a>,
    /// Messages the gateway's credit still pays for, when it sells credit.
    pub balance: Option<u64>,
}

/// The 대량문자발송 window's state.
pub struct BulkSms {
    tab: Tab,
    /// 고객검색's filter.
    editor: FilterEditor,
    /// Why the filter cannot be used, in words.
    filter_problem: Option<String>,
    /// The saved view picked to add its customers.
    view: Option<SavedViewId>,
    /// 고객그룹's ticked groups.
    ticked: BTreeSet<GroupId>,
    /// The gathering asked and not answered yet.
    gathering: Option<QueryId>,
    /// What the last gathering added, in words.
    notice: Option<String>,
    /// Everyone gathered, in order, each customer once.
    gathered: Gathered,
    /// Whether the text is an advertisement, as `sorted` was sorted for.
    advertising: bool,
    /// `gathered` sorted out for `advertising`.
    sorted: RecipientList,
    /// How many were left out for each reason in [`LeftOutReason::ALL`].
    left_out_counts: [usize; 4],
    /// The reason whose list is open, with the rows of `sorted.left_out` it has.
    left_out_shown: Option<(LeftOutReason, Vec<usize>)>,
    /// Customers picked in the table.
    selected: HashSet<CustomerId>,
    /// The row a Shift+click selects from.
    anchor: Option<usize>,
    /// The first recipients' customers, for placeholders such as #{회사}.
    cards: HashMap<CustomerId, Customer>,
    /// Customers whose cards were asked for.
    cards_asked: HashSet<CustomerId>,
    /// The text, with its confirmation.
    message: BulkMessage,
    /// A failure the backend reported.
    error: Option<String>,
    /// Where the window was last drawn, to tell whether a file was dropped on it.
    rect: Option<egui::Rect>,
    closed: bool,
}

impl Default for BulkSms {
    fn default() -> Self {
        Self::new()
    }
}

impl BulkSms {
    /// An empty window on the 고객검색 tab.
    #[must_use]
    pub fn new() -> Self {
        Self {
            tab: Tab::Search,
            editor: FilterEditor::new("bulk_filter"),
            filter_problem: None,
            view: None,
            ticked: BTreeSet::new(),
            gathering: None,
            notice: None,
            gathered: Gathered::new(),
            advertising: false,
            sorted: RecipientList::default(),
            left_out_counts: [0; 4],
            left_out_shown: None,
            selected: HashSet::new(),
            anchor: None,
            cards: HashMap::new(),
            cards_asked: HashSet::new(),
            message: BulkMessage::new("bulk_sms"),
            error: None,
            rect: None,
            closed: false,
        }
    }

    /// Whether the window was closed.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The text editor, for the picture the backend reads for it.
    pub fn editor(&mut self) -> &mut BulkMessage {
        &mut self.message
    }

    /// Whether a file dropped at `pointer` is meant for this window: its
    /// text's picture, while the text is being written.
    #[must_use]
    pub fn takes_drop_at(&self, pointer: Option<egui::Pos2>) -> bool {
        self.message.takes_picture() && drop_lands_in(pointer, self.rect)
    }

    /// Gathered customers arrived; true when this window asked for them.
    /// Those already in the list are not added again.
    pub fn candidates_arrived(
        &mut self,
        texts: &Texts,
        request: QueryId,
        candidates: Vec<Candidate>,
    ) -> bool {
        if self.gathering != Some(request) {
            return false;
        }
        self.gathering = None;
        let found = candidates.len();
        let added = self.gathered.add(candidates);
        self.notice = Some(texts.fmt(
            "bulk_sms.added",
            &[
                ("added", &thousands(added as u64)),
                ("known", &thousands((found - added) as u64)),
            ],
        ));
        self.resort();
        true
    }

    /// A customer's card arrived: kept when it is one the window asked
    /// for; true when it answers this window's request.
    pub fn card_loaded(&mut self, card: &CustomerCard) -> bool {
        let id = card.customer.id;
        if !self.cards_asked.contains(&id) {
            return false;
        }
        self.cards.insert(id, card.customer.clone()).is_none()
    }

    /// Asks for the cards of the first recipients not asked for yet.
    fn ask_cards(&mut self, commands: &mut Vec<Command>) {
        for picked in self.sorted.recipients.iter().take(PREVIEWED) {
            if self.cards_asked.insert(picked.customer_id) {
                commands.push(Command::LoadCard {
                    id: picked.customer_id,
                });
            }
        }
    }

    /// A request failed; a gathering under way stops, a batch being
    /// stored goes back to editing.
    pub fn failed(&mut self, action: &str, message: &str) {
        if action == "gather recipients" && self.gathering.is_some() {
            self.gathering = None;
            self.error = Some(message.to_owned());
        }
        self.message.failed(action, message);
    }

    /// The backend stored a batch; true when this window asked for it.
    pub fn started(&mut self, request: QueryId, id: BatchId) -> bool {
        self.message.started(request, id)
    }

    /// The backend refused a batch; true when this window asked for it.
    pub fn refused(&mut self, request: QueryId, problem: &BatchProblem) -> bool {
        self.message.refused(request, problem)
    }

    /// The batch whose results the manager asked to see, once.
    pub fn wants_results(&mut self) -> Option<BatchId> {
        self.message.wants_results()
    }

    /// Sorts the list again for a text that is (or is not) an advertisement,
    /// when that changed.
    pub fn set_advertising(&mut self, advertising: bool) {
        if self.advertising != advertising {
            self.advertising = advertising;
            self.resort();
        }
    }

    /// Sorts the candidates out again; the selection keeps the recipients
    /// still in the list.
    fn resort(&mut self) {
        self.sorted = self.gathered.sort_out(self.advertising);
        self.left_out_counts = LeftOutReason::ALL.map(|reason| self.sorted.count(reason));
        if let Some((reason, _)) = self.left_out_shown {
            self.show_left_out(reason);
        }
        // Usually nothing is picked (삭제 takes the picked rows away), and
        // the list is not walked at all.
        if !self.selected.is_empty() {
            let mut still = HashSet::with_capacity(self.selected.len());
            still.extend(
                self.sorted
                    .recipients
                    .iter()
                    .map(|picked| picked.customer_id)
                    .filter(|id| self.selected.contains(id)),
            );
            self.selected = still;
        }
        self.anchor = None;
    }

    fn show_left_out(&mut self, reason: LeftOutReason) {
        let rows = self
            .sorted
            .left_out
            .iter()
            .enumerate()
            .filter(|(_, left)| left.reason == reason)
            .map(|(index, _)| index)
            .collect();
        self.left_out_shown = Some((reason, rows));
    }

    fn gather(&mut self, from: Gather, next_request: &mut u64, commands: &mut Vec<Command>) {
        *next_request += 1;
        let request = QueryId(*next_request);
        self.gathering = Some(request);
        self.notice = None;
        self.error = None;
        commands.push(Command::GatherCandidates { request, from });
    }

    /// Takes the picked recipients out of the list.
    fn remove_selected(&mut self) {
        if self.selected.is_empty() {
            return;
        }
        let selected = std::mem::take(&mut self.selected);
        self.gathered.remove(&selected);
        self.resort();
    }

    fn clear(&mut self) {
        self.gathered.clear();
        self.selected.clear();
        self.notice = None;
        self.resort();
    }

    /// Draws the window and the list of those left out, when open.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        self.ask_cards(commands);
        let id = window_id();
        let mut open = !escape_closes(ctx, id);
        let shown = egui::Window::new(texts.get("bulk_sms.title"))
            .id(id)
            .open(&mut open)
            .default_size([1100.0, 660.0])
            .min_width(760.0)
            .min_height(420.0)
            .show(ctx, |ui| {
                egui::Panel::left("bulk_sms_recipients")
                    .resizable(true)
                    .default_size(560.0)
                    .size_range(420.0..=800.0)
                    .show(ui, |ui| {
                        self.sources_ui(ui, texts, data, next_request, commands);
                        ui.separator();
                        self.review_ui(ui, texts);
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    self.message_ui(ui, texts, data, next_request, commands);
                });
            });
        self.rect = shown.map(|shown| shown.response.rect);
        if !open {
            self.closed = true;
        }
        self.left_out_window(ctx, texts);
    }

    fn sources_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            for (tab, key) in [
                (Tab::Search, "bulk_sms.tab_search"),
                (Tab::Groups, "bulk_sms.tab_groups"),
                (Tab::AllGroups, "bulk_sms.tab_all"),
            ] {
                ui.selectable_value(&mut self.tab, tab, texts.get(key));
            }
        });
        ui.separator();
        let busy = self.gathering.is_some();
        match self.tab {
            Tab::Search => self.search_tab(ui, texts, data, next_request, commands),
            Tab::Groups => {
                if data.groups.is_empty() {
                    ui.weak(texts.get("bulk_sms.no_groups"));
                } else {
                    egui::ScrollArea::vertical()
                        .id_salt("bulk_sms_groups")
                        .max_height(190.0)
                        .auto_shrink([false, true])
                        .show(ui, |ui| {
                            group_ticks(ui, data.groups, None, &mut self.ticked);
                        });
                }
                // A group deleted since it was ticked is not asked for.
                self.ticked
                    .retain(|id| data.groups.iter().any(|group| group.id == *id));
                if ui
                    .add_enabled(
                        !busy && !self.ticked.is_empty(),
                        egui::Button::new(texts.get("bulk_sms.add")),
                    )
                    .clicked()
                {
                    let groups = self.ticked.iter().copied().collect();
                    self.gather(Gather::Groups(groups), next_request, commands);
                }
            }
            Tab::AllGroups => {
                ui.label(texts.get("bulk_sms.all_hint"));
                if ui
                    .add_enabled(!busy, egui::Button::new(texts.get("bulk_sms.add_all")))
                    .clicked()
                {
                    self.gather(Gather::AllGroups, next_request, commands);
                }
            }
        }
        if busy {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(texts.get("bulk_sms.gathering"));
            });
        } else if let Some(notice) = &self.notice {
            ui.label(notice);
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    fn search_tab(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal_wrapped(|ui| {
            self.editor.pickers_ui(ui, texts, data.lookups, data.groups);
        });
        ui.horizontal_wrapped(|ui| {
            self.editor.dates_ui(ui, texts);
        });
        ui.horizontal(|ui| {
            ui.toggle_value(&mut self.editor.show_advanced, texts.get("list.advanced"));
            if ui.button(texts.get("list.clear")).clicked() {
                self.editor.clear();
            }
        });
        if self.editor.show_advanced {
            self.editor.advanced_ui(ui, texts, data.lookups);
        }
        let busy = self.gathering.is_some();
        let mut asked = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new(texts.get("bulk_sms.add")))
                .clicked()
            {
                asked = Some(self.editor.filter().clone());
            }
            let list = ui
                .add_enabled(
                    !busy && data.list_filter.is_some(),
                    egui::Button::new(texts.get("bulk_sms.add_list_filter")),
                )
                .on_hover_text(texts.get("bulk_sms.add_list_filter_hint"))
                .on_disabled_hover_text(texts.get("bulk_sms.list_closed"));
            if list.clicked() {
                asked = data.list_filter.cloned();
            }
        });
        if !data.lookups.views.is_empty() {
            ui.horizontal(|ui| {
                let label = ui.label(texts.get("list.views"));
                let current = self
                    .view
                    .and_then(|id| data.lookups.views.iter().find(|view| view.id == id));
                egui::ComboBox::from_id_salt("bulk_views")
                    .selected_text(current.map_or_else(
                        || texts.get("list.view_none").to_owned(),
                        |view| view.name.clone(),
                    ))
                    .show_ui(ui, |ui| {
                        for view in &data.lookups.views {
                            ui.selectable_value(&mut self.view, Some(view.id), view.name.as_str());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if ui
                    .add_enabled(
                        !busy && current.is_some(),
                        egui::Button::new(texts.get("bulk_sms.add_view")),
                    )
                    .on_hover_text(texts.get("bulk_sms.add_view_hint"))
                    .clicked()
                    && let Some(view) = current
                {
                    asked = Some(
                        view.layout
                            .filter_now(Timestamp::now(), local_time::utc_offset_seconds()),
                    );
                }
            });
        }
        if let Some(mut filter) = asked {
            // Customers in the recycle bin get no texts.
            filter.in_recycle_bin = false;
            match filter.check(&data.lookups.fields) {
                Ok(_) => {
                    self.filter_problem = None;
                    self.gather(Gather::Filter(Box::new(filter)), next_request, commands);
                }
                Err(invalid) => {
                    self.filter_problem =
                        Some(format!("{}: {}", invalid.field, describe(texts, &invalid)));
                }
            }
        }
        if let Some(problem) = &self.filter_problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }

    /// The count, the left-out buttons, 삭제 and 모두 지우기, and the table.
    fn review_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let count = self.sorted.recipients.len();
        ui.heading(texts.fmt(
            "bulk_sms.sending_to",
            &[("count", &thousands(count as u64))],
        ));
        ui.horizontal_wrapped(|ui| {
            ui.label(texts.get("bulk_sms.left_out"));
            for (index, reason) in LeftOutReason::ALL.into_iter().enumerate() {
                let left = self.left_out_counts.get(index).copied().unwrap_or(0);
                let text = texts.fmt(
                    reason_count_key(reason),
                    &[("count", &thousands(left as u64))],
                );
                if ui
                    .add_enabled(left > 0, egui::Button::new(text))
                    .on_hover_text(texts.get("bulk_sms.left_out_hint"))
                    .clicked()
                {
                    self.show_left_out(reason);
                }
            }
        });
        ui.horizontal(|ui| {
            let remove = ui
                .add_enabled(
                    !self.selected.is_empty(),
                    egui::Button::new(texts.get("bulk_sms.remove")),
                )
                .on_hover_text(texts.get("bulk_sms.remove_hint"));
            // Delete works as 삭제 while this window is in front and no
            // text field has the keyboard.
            let ctx = ui.ctx();
            let delete_key = ctx.input(|input| input.key_pressed(egui::Key::Delete))
                && ctx.memory(|memory| memory.focused().is_none())
                && ctx.top_layer_id().map(|layer| layer.id) == Some(window_id());
            if remove.clicked() || delete_key {
                self.remove_selected();
            }
            if ui
                .add_enabled(
                    !self.gathered.candidates().is_empty(),
                    egui::Button::new(texts.get("bulk_sms.clear")),
                )
                .clicked()
            {
                self.clear();
            }
            if !self.selected.is_empty() {
                ui.weak(texts.fmt(
                    "bulk_sms.selected",
                    &[("count", &thousands(self.selected.len() as u64))],
                ));
            }
        });
        if count == 0 {
            ui.weak(texts.get("bulk_sms.empty"));
            return;
        }
        self.table(ui, texts);
    }

    fn table(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("bulk_sms_table")
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .column(Column::exact(64.0))
            .column(
                Column::initial(180.0)
                    .at_least(80.0)
                    .resizable(true)
                    .clip(true),
            )
            .column(Column::remainder().at_least(120.0))
            .header(ROW_HEIGHT, |mut header| {
                for key in ["bulk_sms.column_no", "column.name", "column.phone"] {
                    header.col(|ui| {
                        ui.strong(texts.get(key));
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, self.sorted.recipients.len(), |mut row| {
                    let index = row.index();
                    let Some(picked) = self.sorted.recipients.get(index) else {
                        return;
                    };
                    row.set_selected(self.selected.contains(&picked.customer_id));
                    row.col(|ui| {
                        cell(ui, thousands(index as u64 + 1));
                    });
                    let candidates = self.gathered.candidates();
                    row.col(|ui| {
                        cell(ui, picked.name(candidates));
                    });
                    row.col(|ui| {
                        cell(ui, picked.number(candidates));
                    });
                    let response = row.response();
                    if response.clicked() {
                        let modifiers = response.ctx.input(|input| input.modifiers);
                        clicked = Some((index, picked.customer_id, modifiers));
                    }
                });
            });
        if let Some((index, id, modifiers)) = clicked {
            self.click(index, id, modifiers);
        }
    }

    /// Click picks one row; Ctrl+click adds or removes one; Shift+click
    /// picks the rows from the last one clicked.
    fn click(&mut self, index: usize, id: CustomerId, modifiers: egui::Modifiers) {
        if modifiers.shift
            && let Some(anchor) = self.anchor
        {
            if !modifiers.command {
                self.selected.clear();
            }
            let (from, to) = (anchor.min(index), anchor.max(index));
            if let Some(rows) = self.sorted.recipients.get(from..=to) {
                self.selected
                    .extend(rows.iter().map(|picked| picked.customer_id));
            }
            return;
        }
        if modifiers.command {
            if !self.selected.remove(&id) {
                self.selected.insert(id);
            }
        } else {
            self.selected.clear();
            self.selected.insert(id);
        }
        self.anchor = Some(index);
    }

    /// The shared editor, checked against the first recipients; its 광고
    /// sorts the list again; its confirmation stores the batch.
    fn message_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        // Checked at the number the batch will store (a number abroad in
        // international form), so a Japanese 090-… is not read as Korean.
        let first = self.sorted.first_new_recipients(
            self.gathered.candidates(),
            data.message.region,
            PREVIEWED,
        );
        let samples: Vec<Sample<'_>> = first
            .iter()
            .map(|recipient| Sample {
                to: &recipient.to_raw,
                customer: recipient.customer_id.and_then(|id| self.cards.get(&id)),
                values: &[],
            })
            .collect();
        let confirmed = self.message.ui(
            ui,
            texts,
            data.message,
            &Recipients {
                count: self.sorted.recipients.len(),
                samples: &samples,
                balance: data.balance,
            },
            next_request,
            commands,
        );
        if let Some(confirmed) = confirmed {
            let recipients = self
                .sorted
                .to_new_recipients(self.gathered.candidates(), data.message.region);
            let title = texts.fmt(
                "bulk_sms.batch_title",
                &[("count", &thousands(recipients.len() as u64))],
            );
            self.message.start(
                confirmed,
                BatchKind::Bulk,
                title,
                recipients,
                next_request,
                commands,
            );
        }
        let advertising = self.message.advertising();
        self.set_advertising(advertising);
    }

    /// The customers left out for one reason: name, number, reason.
    fn left_out_window(&mut self, ctx: &egui::Context, texts: &Texts) {
        let Some((reason, rows)) = &self.left_out_shown else {
            return;
        };
        let id = egui::Id::unique("bulk_sms_left_out");
        let mut open = !escape_closes(ctx, id);
        let reason_text = texts.get(reason_key(*reason));
        egui::Window::new(texts.fmt("bulk_sms.left_out_title", &[("reason", &reason_text)]))
            .id(id)
            .open(&mut open)
            .default_size([540.0, 360.0])
            .show(ctx, |ui| {
                ui.label(texts.fmt(
                    "bulk_sms.left_out_count",
                    &[("count", &thousands(rows.len() as u64))],
                ));
                TableBuilder::new(ui)
                    .id_salt("bulk_sms_left_out_table")
                    .striped(true)
                    .auto_shrink([false, false])
                    .column(
                        Column::initial(150.0)
                            .at_least(80.0)
                            .resizable(true)
                            .clip(true),
                    )
                    .column(
                        Column::initial(140.0)
                            .at_least(80.0)
                            .resizable(true)
                            .clip(true),
                    )
                    .column(Column::remainder().at_least(100.0))
                    .header(ROW_HEIGHT, |mut header| {
                        for key in ["column.name", "column.phone", "bulk_sms.reason"] {
                            header.col(|ui| {
                                ui.strong(texts.get(key));
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                            let Some(left) = rows
                                .get(row.index())
                                .and_then(|index| self.sorted.left_out.get(*index))
                            else {
                                return;
                            };
                            let candidates = self.gathered.candidates();
                            row.col(|ui| {
                                cell(ui, left.name(candidates));
                            });
                            row.col(|ui| {
                                let number = left.number(candidates);
                                cell(ui, if number.is_empty() { "-" } else { number });
                            });
                            row.col(|ui| match left.same_as(candidates) {
                                Some(name) => {
                                    let text = texts
                                        .fmt("bulk_sms.reason_duplicate_of", &[("name", &name)]);
                                    ui.add(egui::Label::new(&text).selectable(false).truncate())
                                        .on_hover_text(&text);
                                }
                                None => cell(ui, texts.get(reason_key(left.reason))),
                            });
                        });
                    });
            });
        if !open {
            self.left_out_shown = None;
        }
    }
}

/// The group tree under `parent`, each group with a tick.
fn group_ticks(
    ui: &mut egui::Ui,
    groups: &[Group],
    parent: Option<GroupId>,
    ticked: &mut BTreeSet<GroupId>,
) {
    for group in groups.iter().filter(|group| group.parent_id == parent) {
        let mut on = ticked.contains(&group.id);
        let label = format!("{} ({})", group.name, thousands(group.members));
        if ui.checkbox(&mut on, label).changed() {
            if on {
                ticked.insert(group.id);
            } else {
                ticked.remove(&group.id);
            }
        }
        if groups.iter().any(|child| child.parent_id == Some(group.id)) {
            ui.indent(("bulk_group", group.id.0), |ui| {
                group_ticks(ui, groups, Some(group.id), ticked);
            });
        }
    }
}

/// The window's id: Esc and Delete act on it when it is in front.
fn window_id() -> egui::Id {
    egui::Id::unique("bulk_sms")
}

fn reason_key(reason: LeftOutReason) -> &'static str {
    match reason {
        LeftOutReason::OptedOut => "bulk_sms.reason_opted_out",
        LeftOutReason::NoMobile => "bulk_sms.reason_no_mobile",
        LeftOutReason::InvalidNumber => "bulk_sms.reason_invalid",
        LeftOutReason::Duplicate => "bulk_sms.reason_duplicate",
    }
}

fn reason_count_key(reason: LeftOutReason) -> &'static str {
    match reason {
        LeftOutReason::OptedOut => "bulk_sms.count_opted_out",
        LeftOutReason::NoMobile => "bulk_sms.count_no_mobile",
        LeftOutReason::InvalidNumber => "bulk_sms.count_invalid",
        LeftOutReason::Duplicate => "bulk_sms.count_duplicate",
    }
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}
