//! SMS문구: the saved texts agents send from, in the order the team
//! arranges them — create, edit, move up and down, delete after asking.
//!
//! The editor counts the body in EUC-KR bytes and names its kind (SMS or
//! LMS) on every keystroke, and points at a `#{…}` placeholder ringdesk
//! cannot fill while it is typed; both checks are pure and take
//! microseconds. The backend checks again on saving, so a text saved from
//! anywhere obeys the same rules. A preview fills the text in for a
//! customer found by search, as the backend would fill it when sending.

use eframe::egui;

use super::i18n::Texts;
use super::problem_text::{describe, describe_text};
use super::widgets::escape_closes;
use crate::backend::{
    BUILT_IN_PLACEHOLDERS, Command, Count, Destination, Limits, MessageText, QueryId, SearchBox,
    TextProblem, unknown_placeholders,
};
use crate::domain::{
    CustomerId, CustomerSummary, FieldDef, Invalid, MessageKind, NewTemplate, Problem, Region,
    SenderNumber, SenderNumberId, Template, TemplateId,
};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "sms_templates";
/// The body editor's id, to insert a placeholder where the cursor is.
const BODY_EDITOR: &str = "sms_template_body";
/// Characters of a body's first line shown in the list.
const LIST_BODY_CHARS: usize = 18;
/// Width of the list and preview column.
const LIST_WIDTH: f32 = 470.0;
/// Width of the editor column.
const EDITOR_WIDTH: f32 = 400.0;
/// Customers offered for the preview at a time.
const PREVIEW_HITS: u32 = 6;

/// What the editor on the right holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editing {
    Nothing,
    New,
    Template(TemplateId),
}

/// The editor's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Buffer {
    title: String,
    subject: String,
    body: String,
    sender: Option<SenderNumberId>,
    advertising: bool,
}

impl Buffer {
    fn of(template: &Template) -> Self {
        Self {
            title: template.title.clone(),
            subject: template.subject.clone(),
            body: template.body.clone(),
            sender: template.sender_number_id,
            advertising: template.advertising,
        }
    }

    fn to_new(&self) -> NewTemplate {
        NewTemplate {
            title: self.title.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            sender_number_id: self.sender,
            advertising: self.advertising,
        }
    }
}

/// Leaving the text in the editor: for another, for a new one, or closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leave {
    Open(TemplateId),
    New,
    Close,
}

/// The preview: a customer found by search and the text filled in for them.
#[derive(Default)]
struct Preview {
    search: String,
    query: QueryId,
    hits: Vec<CustomerSummary>,
    customer: Option<CustomerId>,
    /// The newest preview asked for, and the body it was asked with.
    request: Option<(QueryId, String)>,
    /// Whose details, the filled text, the placeholders left empty.
    filled: Option<(String, String, Vec<String>)>,
}

/// The SMS문구 window's state.
pub struct SmsTemplates {
    editing: Editing,
    buffer: Buffer,
    pending: Option<QueryId>,
    problem: Option<String>,
    notice: Option<String>,
    confirm_delete: Option<TemplateId>,
    /// What waits for "discard the changes?" to be answered.
    confirm_discard: Option<Leave>,
    closed: bool,
    preview: Preview,
}

impl Default for SmsTemplates {
    fn default() -> Self {
        Self {
            editing: Editing::Nothing,
            buffer: Buffer::default(),
            pending: None,
            problem: None,
            notice: None,
            confirm_delete: None,
            confirm_discard: None,
            closed: false,
            preview: Preview::default(),
        }
    }
}

/// What the window shows from the backend.
pub struct Data<'a> {
    /// The saved texts in order.
    pub templates: &'a [Template],
    /// The registered sender numbers.
    pub senders: &'a [SenderNumber],
    /// The user-defined fields, whose labels are placeholders too.
    pub fields: &'a [FieldDef],
    /// The SMS and LMS byte limits from the preferences.
    pub limits: Limits,
    /// How sender numbers are shown.
    pub region: Region,
}

impl SmsTemplates {
    /// A save this window asked for went through: the saved text stays in
    /// the editor, now as the stored one.
    pub fn saved(&mut self, texts: &Texts, request: QueryId, id: TemplateId) {
        if self.pending == Some(request) {
            self.pending = None;
            self.editing = Editing::Template(id);
            self.problem = None;
            self.notice = Some(texts.get("templates.saved").to_owned());
        }
    }

    /// A save this window asked for was refused; the typing stays.
    pub fn refused(&mut self, texts: &Texts, request: QueryId, invalid: &Invalid) {
        if self.pending == Some(request) {
            self.pending = None;
            self.notice = None;
            self.problem = Some(refusal_text(texts, invalid));
        }
    }

    /// A request failed; if it was this window's save, say so.
    pub fn failed(&mut self, action: &str, message: &str) {
        if self.pending.is_some() && action == "save template" {
            self.pending = None;
            self.notice = None;
            self.problem = Some(message.to_owned());
        }
    }

    /// Search results, if they answer the preview's search; true when taken.
    pub fn search_results(&mut self, query_id: QueryId, hits: &[CustomerSummary]) -> bool {
        if query_id != self.preview.query || query_id == QueryId::default() {
            return false;
        }
        self.preview.hits = hits.to_vec();
        true
    }

    /// The text filled in for the preview's customer, if it answers the newest request.
    pub fn preview_arrived(
        &mut self,
        request: QueryId,
        name: String,
        text: String,
        empty: Vec<String>,
    ) {
        if self
            .preview
            .request
            .as_ref()
            .is_some_and(|(asked, _)| *asked == request)
        {
            self.preview.filled = Some((name, text, empty));
        }
    }

    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        let mut close = false;
        egui::Window::new(texts.get("templates.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                // The list and the preview on the left, the editor on the
                // right: side by side they fit the main window's 1024×700.
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(LIST_WIDTH);
                        self.list_ui(ui, texts, data, commands);
                        if self.editing != Editing::Nothing {
                            ui.separator();
                            self.preview_ui(ui, texts, next_request, commands);
                        }
                    });
                    // A separator here would stretch the window to the screen's height.
                    ui.add_space(16.0);
                    ui.vertical(|ui| {
                        ui.set_width(EDITOR_WIDTH);
                        egui::ScrollArea::vertical()
                            .id_salt("template_editor")
                            .max_height(520.0)
                            .show(ui, |ui| {
                                self.editor_ui(ui, texts, data, next_request, commands);
                            });
                    });
                });
                ui.separator();
                close = ui.button(texts.get("templates.close")).clicked();
            });
        self.delete_question(ctx, texts, data.templates, commands);
        let escape = self.confirm_delete.is_none()
            && self.confirm_discard.is_none()
            && escape_closes(ctx, egui::Id::unique(WINDOW));
        if !open || close || escape {
            self.leave(Leave::Close, data.templates);
        }
        self.discard_question(ctx, texts, data.templates)
    }

    /// Leaves the text in the editor, or asks first when it has changes.
    fn leave(&mut self, leave: Leave, templates: &[Template]) {
        if self.has_changes(templates) {
            self.confirm_discard = Some(leave);
        } else {
            self.confirm_discard = None;
            self.go(leave, templates);
        }
    }

    /// Whether the editor holds typing that is not saved.
    fn has_changes(&self, templates: &[Template]) -> bool {
        match self.editing {
            Editing::Nothing => false,
            Editing::New => self.buffer != Buffer::default(),
            Editing::Template(id) => {
                let Some(stored) = templates.iter().find(|template| template.id == id) else {
                    return false;
                };
                // Compared as the store would keep it (title and subject trimmed).
                self.buffer.to_new().check().ok().is_none_or(|typed| {
                    typed.title != stored.title
                        || typed.subject != stored.subject
                        || typed.body != stored.body
                        || typed.sender_number_id != stored.sender_number_id
                        || typed.advertising != stored.advertising
                })
            }
        }
    }

    fn go(&mut self, leave: Leave, templates: &[Template]) {
        match leave {
            Leave::Open(id) => {
                if let Some(template) = templates.iter().find(|template| template.id == id) {
                    self.select(template);
                }
            }
            Leave::New => {
                self.editing = Editing::New;
                self.buffer = Buffer::default();
                self.problem = None;
                self.notice = None;
                self.preview.filled = None;
            }
            Leave::Close => self.closed = true,
        }
    }

    /// "Discard the changes?"; true while the window stays open.
    fn discard_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        templates: &[Template],
    ) -> bool {
        if let Some(leave) = self.confirm_discard {
            let modal = egui::Modal::new(egui::Id::unique("discard_template")).show(ctx, |ui| {
                ui.set_max_width(380.0);
                ui.label(texts.get("templates.confirm_discard"));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(texts.get("common.yes")).clicked() {
                        self.confirm_discard = None;
                        self.go(leave, templates);
                    }
                    if ui.button(texts.get("common.no")).clicked() {
                        self.confirm_discard = None;
                    }
                });
            });
            if modal.should_close() {
                self.confirm_discard = None;
            }
        }
        !self.closed
    }

    fn list_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        commands: &mut Vec<Command>,
    ) {
        if data.templates.is_empty() {
            ui.weak(texts.get("templates.none"));
        }
        egui::ScrollArea::vertical()
            .id_salt("template_list")
            .max_height(260.0)
            .show(ui, |ui| {
                egui::Grid::new("template_list_grid")
                    .striped(true)
                    .num_columns(6)
                    .show(ui, |ui| {
                        if !data.templates.is_empty() {
                            for key in [
                                "templates.order",
                                "templates.title_column",
                                "templates.body_column",
                                "templates.sender_column",
                            ] {
                                ui.strong(texts.get(key));
                            }
                            ui.end_row();
                        }
                        for (index, template) in data.templates.iter().enumerate() {
                            self.row_ui(ui, texts, data, index, template, commands);
                        }
                    });
            });
        ui.add_space(6.0);
        if ui.button(texts.get("templates.new")).clicked() {
            self.leave(Leave::New, data.templates);
        }
    }

    fn row_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        index: usize,
        template: &Template,
        commands: &mut Vec<Command>,
    ) {
        // The number is the handle a row is dragged by; the whole row takes the drop.
        let handle = ui
            .dnd_drag_source(
                egui::Id::unique(("template_drag", template.id.0)),
                template.id,
                |ui| ui.label((index + 1).to_string()),
            )
            .response
            .on_hover_text(texts.get("templates.drag_hint"));
        let selected = self.editing == Editing::Template(template.id);
        let title = ui
            .selectable_label(selected, &template.title)
            .on_hover_text(&template.body);
        if title.clicked() && !selected {
            self.leave(Leave::Open(template.id), data.templates);
        }
        let body = ui.label(first_line(&template.body));
        // The number alone keeps the row short; its label is a hover away.
        let sender = match template
            .sender_number_id
            .and_then(|id| data.senders.iter().find(|sender| sender.id == id))
        {
            Some(sender) => ui
                .label(super::sender_numbers::formatted(sender, data.region))
                .on_hover_text(&sender.label),
            None => ui.label(""),
        };
        let row = handle
            .rect
            .union(title.rect)
            .union(body.rect)
            .union(sender.rect);
        drop_target_ui(ui, data.templates, index, row, commands);
        let last = data.templates.len().saturating_sub(1);
        let position = u32::try_from(index).unwrap_or(u32::MAX);
        if ui
            .add_enabled(index > 0, egui::Button::new("▲"))
            .on_hover_text(texts.get("templates.move_up"))
            .clicked()
        {
            commands.push(Command::MoveTemplate {
                id: template.id,
                position: position.saturating_sub(1),
            });
        }
        if ui
            .add_enabled(index < last, egui::Button::new("▼"))
            .on_hover_text(texts.get("templates.move_down"))
            .clicked()
        {
            commands.push(Command::MoveTemplate {
                id: template.id,
                position: position.saturating_add(1),
            });
        }
        ui.end_row();
    }

    fn select(&mut self, template: &Template) {
        self.editing = Editing::Template(template.id);
        self.buffer = Buffer::of(template);
        self.problem = None;
        self.notice = None;
        self.preview.filled = None;
    }

    fn editor_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let current = match self.editing {
            Editing::Nothing => {
                ui.weak(texts.get("templates.pick_one"));
                return;
            }
            Editing::New => None,
            Editing::Template(id) => {
                let Some(template) = data.templates.iter().find(|template| template.id == id)
                else {
                    // Deleted meanwhile.
                    self.editing = Editing::Nothing;
                    return;
                };
                Some(template)
            }
        };
        ui.strong(texts.get(if current.is_some() {
            "templates.edit"
        } else {
            "templates.new_template"
        }));
        // What the last save said is stale once the text changes.
        let before = self.buffer.clone();
        self.fields_ui(ui, texts, data);
        let label = ui.label(texts.get("templates.body"));
        ui.add(
            egui::TextEdit::multiline(&mut self.buffer.body)
                .id(egui::Id::unique(BODY_EDITOR))
                .desired_rows(7)
                .desired_width(EDITOR_WIDTH - 20.0),
        )
        .labelled_by(label.id);
        measure_ui(ui, texts, &self.buffer, data.limits);
        let unknown = unknown_placeholders(&self.buffer.body, data.fields);
        if !unknown.is_empty() {
            let names: Vec<String> = unknown
                .iter()
                .map(|placeholder| format!("#{{{}}}", placeholder.name))
                .collect();
            ui.colored_label(
                ui.visuals().error_fg_color,
                texts.fmt("templates.unknown", &[("names", &names.join(", "))]),
            );
        }
        self.placeholders_ui(ui, texts, data.fields);
        if self.buffer != before {
            self.problem = None;
            self.notice = None;
        }
        ui.add_space(6.0);
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        if let Some(notice) = &self.notice {
            ui.label(notice);
        }
        ui.horizontal(|ui| {
            let save = ui.add_enabled(
                self.pending.is_none(),
                egui::Button::new(texts.get("templates.save")),
            );
            if save.clicked() {
                if unknown.is_empty() {
                    *next_request += 1;
                    let request = QueryId(*next_request);
                    self.pending = Some(request);
                    self.problem = None;
                    self.notice = None;
                    commands.push(Command::SaveTemplate {
                        request,
                        id: current.map(|template| template.id),
                        template: self.buffer.to_new(),
                    });
                } else {
                    self.problem = Some(texts.get("templates.unknown_refused").to_owned());
                }
            }
            if let Some(template) = current
                && ui.button(texts.get("templates.delete")).clicked()
            {
                self.confirm_delete = Some(template.id);
            }
        });
    }

    /// Title, sender number, subject and the advertising mark.
    fn fields_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, data: &Data<'_>) {
        egui::Grid::new("template_editor_grid")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.get("templates.title_field"));
                ui.add(egui::TextEdit::singleline(&mut self.buffer.title).desired_width(270.0))
                    .labelled_by(label.id);
                ui.end_row();
                self.sender_choice_ui(ui, texts, data.senders, data.region);
                ui.end_row();
                let label = ui.label(texts.get("templates.subject"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.buffer.subject)
                        .hint_text(texts.get("templates.subject_hint"))
                        .desired_width(270.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                ui.label("");
                ui.checkbox(
                    &mut self.buffer.advertising,
                    texts.get("templates.advertising"),
                );
                ui.end_row();
            });
    }

    fn sender_choice_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        senders: &[SenderNumber],
        region: Region,
    ) {
        let label = ui.label(texts.get("templates.sender"));
        let none = texts.get("templates.no_sender");
        let shown = self
            .buffer
            .sender
            .and_then(|id| senders.iter().find(|sender| sender.id == id))
            .map_or_else(|| none.to_owned(), |sender| sender_text(sender, region));
        egui::ComboBox::from_id_salt("template_sender")
            .selected_text(shown)
            .width(270.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.buffer.sender, None, none);
                // A disabled number stays choosable only for the text that
                // already has it, so opening a text never changes it.
                let chosen = self.buffer.sender;
                for sender in senders
                    .iter()
                    .filter(|sender| sender.enabled || chosen == Some(sender.id))
                {
                    ui.selectable_value(
                        &mut self.buffer.sender,
                        Some(sender.id),
                        sender_text(sender, region),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        if senders.is_empty() {
            ui.end_row();
            ui.label("");
            ui.weak(texts.get("templates.no_senders"));
        }
    }

    /// Buttons that put `#{이름}` and the like where the cursor is.
    fn placeholders_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, fields: &[FieldDef]) {
        ui.label(texts.get("templates.insert"));
        let names = BUILT_IN_PLACEHOLDERS
            .iter()
            .map(|(name, _)| (*name).to_owned())
            .chain(fields.iter().map(|field| field.label.clone()));
        let mut picked = None;
        ui.horizontal_wrapped(|ui| {
            for name in names {
                let placeholder = format!("#{{{name}}}");
                if ui
                    .button(&placeholder)
                    .on_hover_text(texts.get("templates.insert_hint"))
                    .clicked()
                {
                    picked = Some(placeholder);
                }
            }
        });
        if let Some(placeholder) = picked {
            insert_at_cursor(ui.ctx(), &mut self.buffer.body, &placeholder);
        }
    }

    fn preview_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        ui.strong(texts.get("templates.preview"));
        let label = ui.label(texts.get("templates.preview_customer"));
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut self.preview.search)
                    .hint_text(texts.get("templates.preview_hint"))
                    .desired_width(270.0),
            )
            .labelled_by(label.id);
        if search.changed() {
            *next_request += 1;
            self.preview.query = QueryId(*next_request);
            self.preview.hits.clear();
            if !self.preview.search.trim().is_empty() {
                commands.push(Command::SearchCustomers {
                    from: SearchBox::TemplatePreview,
                    query_id: self.preview.query,
                    text: self.preview.search.clone(),
                    offset: 0,
                    limit: PREVIEW_HITS,
                });
            }
        }
        ui.horizontal_wrapped(|ui| {
            for hit in &self.preview.hits {
                let text = match &hit.phone {
                    Some(phone) => format!("{} ({phone})", hit.name),
                    None => hit.name.clone(),
                };
                if ui
                    .selectable_label(self.preview.customer == Some(hit.id), text)
                    .clicked()
                {
                    self.preview.customer = Some(hit.id);
                    self.preview.request = None;
                }
            }
        });
        // Asked again whenever the text changes, so the preview follows the typing.
        if let Some(customer) = self.preview.customer
            && !self.buffer.body.trim().is_empty()
            && self
                .preview
                .request
                .as_ref()
                .is_none_or(|(_, body)| *body != self.buffer.body)
        {
            *next_request += 1;
            let request = QueryId(*next_request);
            self.preview.request = Some((request, self.buffer.body.clone()));
            commands.push(Command::PreviewTemplate {
                request,
                customer,
                body: self.buffer.body.clone(),
            });
        }
        if let Some((name, text, empty)) = &self.preview.filled {
            ui.label(texts.fmt("templates.preview_for", &[("name", name)]));
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(text);
            });
            if !empty.is_empty() {
                ui.weak(texts.fmt("templates.preview_empty", &[("names", &empty.join(", "))]));
            }
        }
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        templates: &[Template],
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete else {
            return;
        };
        let Some(template) = templates.iter().find(|template| template.id == id) else {
            self.confirm_delete = None;
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("delete_template")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt("templates.confirm_delete", &[("title", &template.title)]));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(Command::DeleteTemplate(id));
                    self.confirm_delete = None;
                    self.editing = Editing::Nothing;
                }
                if ui.button(texts.get("common.no")).clicked() {
                    self.confirm_delete = None;
                }
            });
        });
        if modal.should_close() {
            self.confirm_delete = None;
        }
    }
}

/// While a row is dragged over row `index`, a line where it would land;
/// on release there, the move.
fn drop_target_ui(
    ui: &egui::Ui,
    templates: &[Template],
    index: usize,
    row: egui::Rect,
    commands: &mut Vec<Command>,
) {
    let Some(dragged) = egui::DragAndDrop::payload::<TemplateId>(ui.ctx()) else {
        return;
    };
    let Some(from) = templates
        .iter()
        .position(|template| template.id == *dragged)
    else {
        return;
    };
    if from == index || !ui.rect_contains_pointer(row) {
        return;
    }
    // Moving down lands below the row, moving up above it.
    let y = if from < index {
        row.bottom()
    } else {
        row.top()
    };
    ui.painter()
        .hline(row.x_range(), y, ui.visuals().selection.stroke);
    if ui.input(|input| input.pointer.any_released()) {
        egui::DragAndDrop::clear_payload(ui.ctx());
        commands.push(Command::MoveTemplate {
            id: *dragged,
            position: u32::try_from(index).unwrap_or(u32::MAX),
        });
    }
}

/// "45 / 90바이트 · SMS", and what stops the text from being sent.
fn measure_ui(ui: &mut egui::Ui, texts: &Texts, buffer: &Buffer, limits: Limits) {
    // A template has no recipient yet; it is counted as most are sent, to
    // a Korean number.
    let measure = MessageText {
        body: &buffer.body,
        subject: &buffer.subject,
        image: None,
        destination: Destination::Korea,
    }
    .measure(limits);
    let kind = match measure.kind {
        MessageKind::Sms => texts.get("templates.kind_sms"),
        MessageKind::Lms => texts.get("templates.kind_lms"),
        MessageKind::Mms => texts.get("templates.kind_mms"),
    };
    if let Count::Bytes { body, max, .. } = measure.count {
        ui.label(texts.fmt(
            "templates.bytes",
            &[("bytes", &body), ("max", &max), ("kind", &kind)],
        ));
    }
    for problem in &measure.problems {
        // An empty editor is not a mistake yet; saving says so.
        if *problem == TextProblem::EmptyBody {
            continue;
        }
        let text = describe_text(texts, problem);
        ui.colored_label(ui.visuals().error_fg_color, text);
    }
}

/// Puts `text` at the body editor's cursor (at the end when it has none)
/// and leaves the cursor after it.
fn insert_at_cursor(ctx: &egui::Context, body: &mut String, text: &str) {
    let id = egui::Id::unique(BODY_EDITOR);
    let mut state = egui::TextEdit::load_state(ctx, id);
    let chars = body.chars().count();
    let at = state
        .as_ref()
        .and_then(|state| state.cursor.char_range())
        .map_or(chars, |range| range.primary.index.0.min(chars));
    let byte = body
        .char_indices()
        .nth(at)
        .map_or(body.len(), |(byte, _)| byte);
    body.insert_str(byte, text);
    if let Some(state) = &mut state {
        let after = egui::text::CCursor::new(at + text.chars().count());
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::one(after)));
        state.clone().store(ctx, id);
    }
    ctx.memory_mut(|memory| memory.request_focus(id));
}

/// A body's first line, cut short for the list.
fn first_line(body: &str) -> String {
    let line = body.lines().next().unwrap_or_default();
    if line.chars().count() > LIST_BODY_CHARS {
        let mut cut: String = line.chars().take(LIST_BODY_CHARS).collect();
        cut.push('…');
        cut
    } else {
        line.to_owned()
    }
}

/// "02-2299-7123 (대표번호)".
fn sender_text(sender: &SenderNumber, region: Region) -> String {
    let number = super::sender_numbers::formatted(sender, region);
    if sender.label.is_empty() {
        number
    } else {
        format!("{number} ({})", sender.label)
    }
}

/// A refusal from the backend, naming the field in the window's language.
fn refusal_text(texts: &Texts, invalid: &Invalid) -> String {
    let field = match invalid.field.as_str() {
        "title" => texts.get("templates.title_field"),
        "subject" => texts.get("templates.subject"),
        "body" => texts.get("templates.body"),
        "sender" => texts.get("templates.sender"),
        other => other,
    };
    let problem = match (invalid.field.as_str(), &invalid.problem) {
        // The backend's reasons are for the log; the window says them in its
        // own language.
        ("body", Problem::Malformed { value, .. }) => {
            texts.fmt("templates.unknown", &[("names", value)])
        }
        ("sender", _) => texts.get("templates.sender_gone").to_owned(),
        _ => describe(texts, invalid),
    };
    format!("{field}: {problem}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_shows_the_first_line_cut_short() {
        assert_eq!(first_line("안녕하세요\n둘째 줄"), "안녕하세요");
        assert_eq!(first_line(""), "");
        let long = "가".repeat(30);
        assert_eq!(first_line(&long).chars().count(), LIST_BODY_CHARS + 1);
    }
}
