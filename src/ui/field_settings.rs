//! 사용자 정의설정: the admin's dialog for the company's own customer
//! fields — add, rename, reorder, change flags and choices, change the type
//! (the backend refuses a change that would lose values), and delete after
//! saying how many customers hold a value.

use eframe::egui;

use super::i18n::Texts;
use super::problem_text::describe;
use super::widgets::escape_closes;
use crate::backend::{Command, Lookups};
use crate::domain::{FieldDef, FieldId, FieldKind, NewFieldDef};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "field_settings";

/// What is being edited on the right of the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Editing {
    Nothing,
    New,
    Field(FieldId),
}

/// The edit buffer of one field.
#[derive(Debug, Clone, Default)]
struct Buffer {
    key: String,
    label: String,
    kind: Option<FieldKind>,
    choices: String,
    required: bool,
    show_in_list: bool,
    show_in_popup: bool,
}

/// The dialog's state.
pub struct FieldSettings {
    editing: Editing,
    buffer: Buffer,
    problem: Option<String>,
    confirm_delete: Option<(FieldId, Option<u64>)>,
}

impl Default for FieldSettings {
    fn default() -> Self {
        Self {
            editing: Editing::Nothing,
            buffer: Buffer::default(),
            problem: None,
            confirm_delete: None,
        }
    }
}

impl FieldSettings {
    /// The count of customers holding a value arrived.
    pub fn usage(&mut self, id: FieldId, customers: u64) {
        if let Some((asked, count)) = &mut self.confirm_delete
            && *asked == id
        {
            *count = Some(customers);
        }
    }

    /// Draws the dialog; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        let mut close = false;
        egui::Window::new(texts.get("fields.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(720.0)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(330.0);
                        self.list(ui, texts, &lookups.fields, commands);
                    });
                    // A separator here would stretch the window to the screen's height.
                    ui.add_space(16.0);
                    ui.vertical(|ui| self.editor(ui, texts, &lookups.fields, commands));
                });
                ui.separator();
                close = ui.button(texts.get("fields.close")).clicked();
            });
        self.delete_question(ctx, texts, lookups, commands);
        let escape = self.confirm_delete.is_none() && escape_closes(ctx, egui::Id::unique(WINDOW));
        open && !close && !escape
    }

    fn list(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        fields: &[FieldDef],
        commands: &mut Vec<Command>,
    ) {
        if fields.is_empty() {
            ui.weak(texts.get("fields.none"));
        }
        egui::Grid::new("field_list").striped(true).show(ui, |ui| {
            for (index, def) in fields.iter().enumerate() {
                let selected = self.editing == Editing::Field(def.id);
                if ui
                    .selectable_label(
                        selected,
                        format!("{} ({})", def.label, kind_text(texts, def.kind)),
                    )
                    .clicked()
                {
                    self.select(def);
                }
                if ui
                    .add_enabled(index > 0, egui::Button::new("▲"))
                    .on_hover_text(texts.get("fields.move_up"))
                    .clicked()
                {
                    reorder(fields, index, index - 1, commands);
                }
                if ui
                    .add_enabled(index + 1 < fields.len(), egui::Button::new("▼"))
                    .on_hover_text(texts.get("fields.move_down"))
                    .clicked()
                {
                    reorder(fields, index, index + 1, commands);
                }
                ui.end_row();
            }
        });
        ui.add_space(6.0);
        if ui.button(texts.get("fields.add")).clicked() {
            self.editing = Editing::New;
            self.buffer = Buffer {
                kind: Some(FieldKind::Text),
                show_in_list: true,
                ..Buffer::default()
            };
            self.problem = None;
        }
    }

    fn select(&mut self, def: &FieldDef) {
        self.editing = Editing::Field(def.id);
        self.buffer = Buffer {
            key: def.key.clone(),
            label: def.label.clone(),
            kind: Some(def.kind),
            choices: def.choices.join("\n"),
            required: def.required,
            show_in_list: def.show_in_list,
            show_in_popup: def.show_in_popup,
        };
        self.problem = None;
    }

    fn editor(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        fields: &[FieldDef],
        commands: &mut Vec<Command>,
    ) {
        let current = match &self.editing {
            Editing::Nothing => return,
            Editing::New => None,
            Editing::Field(id) => {
                let Some(def) = fields.iter().find(|def| def.id == *id) else {
                    // Deleted meanwhile.
                    self.editing = Editing::Nothing;
                    return;
                };
                Some(def.clone())
            }
        };
        if current.is_none() {
            ui.strong(texts.get("fields.new_field"));
        }
        egui::Grid::new("field_editor")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.get("fields.label"));
                ui.text_edit_singleline(&mut self.buffer.label)
                    .labelled_by(label.id);
                ui.end_row();
                let key = ui.label(texts.get("fields.key"));
                ui.add_enabled(
                    current.is_none(),
                    egui::TextEdit::singleline(&mut self.buffer.key)
                        .hint_text(texts.get("fields.key_hint")),
                )
                .labelled_by(key.id);
                ui.end_row();
                let kind_label = ui.label(texts.get("fields.kind"));
                let kind = self.buffer.kind.unwrap_or(FieldKind::Text);
                egui::ComboBox::from_id_salt("field_kind")
                    .selected_text(kind_text(texts, kind))
                    .show_ui(ui, |ui| {
                        for option in FieldKind::ALL {
                            ui.selectable_value(
                                &mut self.buffer.kind,
                                Some(option),
                                kind_text(texts, option),
                            );
                        }
                    })
                    .response
                    .labelled_by(kind_label.id);
                ui.end_row();
                if self.buffer.kind == Some(FieldKind::Choice) {
                    let choices = ui.label(texts.get("fields.choices"));
                    ui.add(
                        egui::TextEdit::multiline(&mut self.buffer.choices)
                            .hint_text(texts.get("fields.choices_hint"))
                            .desired_rows(4),
                    )
                    .labelled_by(choices.id);
                    ui.end_row();
                }
                ui.label("");
                ui.checkbox(&mut self.buffer.required, texts.get("fields.required"));
                ui.end_row();
                ui.label("");
                ui.checkbox(
                    &mut self.buffer.show_in_list,
                    texts.get("fields.show_in_list"),
                );
                ui.end_row();
                ui.label("");
                ui.checkbox(
                    &mut self.buffer.show_in_popup,
                    texts.get("fields.show_in_popup"),
                );
                ui.end_row();
            });
        if let Some(def) = &current
            && Some(def.kind) != self.buffer.kind
        {
            ui.weak(texts.get("fields.kind_change"));
        }
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        ui.horizontal(|ui| {
            if ui.button(texts.get("fields.apply")).clicked() {
                self.apply(texts, current.as_ref(), commands);
            }
            if let Some(def) = &current
                && ui.button(texts.get("fields.delete")).clicked()
            {
                self.confirm_delete = Some((def.id, None));
                commands.push(Command::CountFieldValues(def.id));
            }
        });
    }

    fn apply(&mut self, texts: &Texts, current: Option<&FieldDef>, commands: &mut Vec<Command>) {
        let kind = self.buffer.kind.unwrap_or(FieldKind::Text);
        let choices: Vec<String> = self
            .buffer
            .choices
            .lines()
            .map(str::trim)
            .filter(|choice| !choice.is_empty())
            .map(str::to_owned)
            .collect();
        let choices = if kind == FieldKind::Choice {
            choices
        } else {
            Vec::new()
        };
        self.problem = None;
        match current {
            None => {
                let def = NewFieldDef::new(&self.buffer.key, &self.buffer.label, kind)
                    .and_then(|def| def.with_choices(&choices));
                match def {
                    Ok(mut def) => {
                        def.required = self.buffer.required;
                        def.show_in_list = self.buffer.show_in_list;
                        def.show_in_popup = self.buffer.show_in_popup;
                        commands.push(Command::CreateField(def));
                        self.editing = Editing::Nothing;
                    }
                    Err(invalid) => {
                        self.problem = Some(format!(
                            "{}: {}",
                            field_name(texts, &invalid.field),
                            describe(texts, &invalid)
                        ));
                    }
                }
            }
            Some(def) => {
                if def.kind != kind {
                    commands.push(Command::ChangeFieldKind {
                        id: def.id,
                        kind,
                        choices: choices.clone(),
                    });
                }
                commands.push(Command::UpdateField(FieldDef {
                    label: self.buffer.label.trim().to_owned(),
                    choices: if def.kind == kind {
                        choices
                    } else {
                        def.choices.clone()
                    },
                    required: self.buffer.required,
                    show_in_list: self.buffer.show_in_list,
                    show_in_popup: self.buffer.show_in_popup,
                    ..def.clone()
                }));
            }
        }
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) {
        let Some((id, count)) = self.confirm_delete else {
            return;
        };
        let label = lookups
            .fields
            .iter()
            .find(|def| def.id == id)
            .map_or_else(String::new, |def| def.label.clone());
        let modal = egui::Modal::new(egui::Id::unique("delete_field")).show(ctx, |ui| {
            ui.set_max_width(400.0);
            match count {
                None => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(texts.get("fields.counting"));
                    });
                }
                Some(count) => {
                    ui.label(texts.fmt(
                        "fields.confirm_delete",
                        &[("label", &label), ("count", &super::app::thousands(count))],
                    ));
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(count.is_some(), egui::Button::new(texts.get("common.yes")))
                    .clicked()
                {
                    commands.push(Command::DeleteField(id));
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

/// Swaps two fields' places, numbering all positions afresh so equal
/// positions from older data cannot keep them in place.
fn reorder(fields: &[FieldDef], from: usize, to: usize, commands: &mut Vec<Command>) {
    let mut order: Vec<&FieldDef> = fields.iter().collect();
    order.swap(from, to);
    for (position, def) in order.into_iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        if def.position != position {
            commands.push(Command::UpdateField(FieldDef {
                position,
                ..def.clone()
            }));
        }
    }
}

/// The name of a field type in the window's language.
#[must_use]
pub fn kind_text(texts: &Texts, kind: FieldKind) -> &str {
    texts.get(match kind {
        FieldKind::Text => "kind.text",
        FieldKind::Number => "kind.number",
        FieldKind::Date => "kind.date",
        FieldKind::YesNo => "kind.yesno",
        FieldKind::Choice => "kind.choice",
        FieldKind::Email => "kind.email",
        FieldKind::Phone => "kind.phone",
    })
}

fn field_name<'a>(texts: &'a Texts, field: &'a str) -> &'a str {
    match field {
        "key" => texts.get("fields.key"),
        "label" => texts.get("fields.label"),
        "choices" => texts.get("fields.choices"),
        other => other,
    }
}
