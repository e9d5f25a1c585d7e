//! 발신번호: the numbers messages may be sent from — register one (only a
//! complete, valid number; Korean law wants sender numbers registered before
//! use), change its label, switch it off and on, and delete it after saying
//! which saved texts (SMS문구) prefer it, since the store leaves those
//! without a sender number.

use eframe::egui;

use super::i18n::Texts;
use super::problem_text::describe;
use super::widgets::escape_closes;
use crate::backend::{Command, QueryId};
use crate::domain::{
    Invalid, PhoneNumber, Problem, Region, SenderNumber, SenderNumberId, Template,
};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "sender_numbers";

/// The label being changed in one row.
struct Relabel {
    id: SenderNumberId,
    label: String,
    pending: Option<QueryId>,
}

/// The 발신번호 window's state.
#[derive(Default)]
pub struct SenderNumbers {
    number: String,
    label: String,
    pending: Option<QueryId>,
    problem: Option<String>,
    relabel: Option<Relabel>,
    relabel_problem: Option<String>,
    confirm_delete: Option<SenderNumberId>,
}

/// What the window shows from the backend.
pub struct Data<'a> {
    /// The registered numbers.
    pub senders: &'a [SenderNumber],
    /// The saved texts, to say which use a number before it is deleted.
    pub templates: &'a [Template],
    /// How numbers without a country code are read and shown.
    pub region: Region,
}

impl SenderNumbers {
    /// A registration or relabelling this window asked for went through.
    pub fn saved(&mut self, request: QueryId) {
        if self.pending == Some(request) {
            self.pending = None;
            self.number.clear();
            self.label.clear();
            self.problem = None;
        }
        if self
            .relabel
            .as_ref()
            .is_some_and(|relabel| relabel.pending == Some(request))
        {
            self.relabel = None;
            self.relabel_problem = None;
        }
    }

    /// A registration or relabelling was refused; the typing stays.
    pub fn refused(&mut self, texts: &Texts, request: QueryId, invalid: &Invalid) {
        if self.pending == Some(request) {
            self.pending = None;
            self.problem = Some(refusal_text(texts, invalid));
        }
        if let Some(relabel) = &mut self.relabel
            && relabel.pending == Some(request)
        {
            relabel.pending = None;
            self.relabel_problem = Some(refusal_text(texts, invalid));
        }
    }

    /// A request failed; if it was this window's, say so.
    pub fn failed(&mut self, action: &str, message: &str) {
        if action == "add sender number" && self.pending.take().is_some() {
            self.problem = Some(message.to_owned());
        }
        if action == "change sender number"
            && let Some(relabel) = &mut self.relabel
            && relabel.pending.take().is_some()
        {
            self.relabel_problem = Some(message.to_owned());
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
        egui::Window::new(texts.get("senders.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(620.0)
            .show(ctx, |ui| {
                self.list_ui(ui, texts, data, next_request, commands);
                ui.separator();
                self.add_ui(ui, texts, data, next_request, commands);
                ui.separator();
                close = ui.button(texts.get("senders.close")).clicked();
            });
        self.delete_question(ctx, texts, data, commands);
        let escape = self.confirm_delete.is_none() && escape_closes(ctx, egui::Id::unique(WINDOW));
        open && !close && !escape
    }

    fn list_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        if data.senders.is_empty() {
            ui.weak(texts.get("senders.none"));
            return;
        }
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .show(ui, |ui| {
                egui::Grid::new("sender_list")
                    .striped(true)
                    .num_columns(4)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        for key in ["senders.number", "senders.label", "senders.state"] {
                            ui.strong(texts.get(key));
                        }
                        ui.end_row();
                        for sender in data.senders {
                            self.row_ui(ui, texts, data.region, sender, next_request, commands);
                        }
                    });
            });
        if let Some(problem) = &self.relabel_problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }

    fn row_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        region: Region,
        sender: &SenderNumber,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let number = formatted(sender, region);
        if sender.enabled {
            ui.label(&number);
        } else {
            ui.weak(&number);
        }
        match &mut self.relabel {
            Some(relabel) if relabel.id == sender.id => {
                ui.horizontal(|ui| {
                    let edit = ui.add(
                        egui::TextEdit::singleline(&mut relabel.label)
                            .desired_width(160.0)
                            .hint_text(texts.get("senders.label_hint")),
                    );
                    // The row's number names the field for screen readers and tests.
                    edit.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::TextInput,
                            true,
                            texts.fmt("senders.label_of", &[("number", &number)]),
                        )
                    });
                    let enter =
                        edit.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
                    if (ui.button(texts.get("senders.apply")).clicked() || enter)
                        && relabel.pending.is_none()
                    {
                        *next_request += 1;
                        let request = QueryId(*next_request);
                        relabel.pending = Some(request);
                        commands.push(Command::SetSenderLabel {
                            request,
                            id: sender.id,
                            label: relabel.label.clone(),
                        });
                    }
                });
            }
            _ => {
                ui.horizontal(|ui| {
                    ui.label(&sender.label);
                    if ui
                        .small_button("✏")
                        .on_hover_text(texts.get("senders.relabel"))
                        .clicked()
                    {
                        self.relabel = Some(Relabel {
                            id: sender.id,
                            label: sender.label.clone(),
                            pending: None,
                        });
                        self.relabel_problem = None;
                    }
                });
            }
        }
        let mut enabled = sender.enabled;
        if ui
            .checkbox(&mut enabled, texts.get("senders.enabled"))
            .on_hover_text(texts.get("senders.enabled_hint"))
            .changed()
        {
            commands.push(Command::SetSenderEnabled {
                id: sender.id,
                enabled,
            });
        }
        if ui.button(texts.get("senders.delete")).clicked() {
            self.confirm_delete = Some(sender.id);
        }
        ui.end_row();
    }

    fn add_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        ui.strong(texts.get("senders.new"));
        egui::Grid::new("sender_add")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.get("senders.number"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.number)
                        .hint_text(texts.get("senders.number_hint"))
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(texts.get("senders.label"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.label)
                        .hint_text(texts.get("senders.label_hint"))
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            });
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let register = ui.add_enabled(
            self.pending.is_none(),
            egui::Button::new(texts.get("senders.add")),
        );
        if register.clicked() {
            // A number registered already is said here in the window's
            // language; the backend refuses it too, for any other caller.
            let taken = PhoneNumber::parse(&self.number, data.region)
                .ok()
                .filter(PhoneNumber::is_verified)
                .and_then(|number| {
                    data.senders
                        .iter()
                        .find(|sender| sender.key == number.key())
                });
            if let Some(sender) = taken {
                self.problem = Some(format!(
                    "{}: {}",
                    texts.get("senders.number"),
                    texts.fmt(
                        "senders.taken",
                        &[("number", &formatted(sender, data.region))]
                    )
                ));
            } else {
                *next_request += 1;
                let request = QueryId(*next_request);
                self.pending = Some(request);
                self.problem = None;
                commands.push(Command::AddSender {
                    request,
                    number: self.number.clone(),
                    label: self.label.clone(),
                });
            }
        }
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete else {
            return;
        };
        let Some(sender) = data.senders.iter().find(|sender| sender.id == id) else {
            self.confirm_delete = None;
            return;
        };
        let using: Vec<&str> = data
            .templates
            .iter()
            .filter(|template| template.sender_number_id == Some(id))
            .map(|template| template.title.as_str())
            .collect();
        let number = formatted(sender, data.region);
        let modal = egui::Modal::new(egui::Id::unique("delete_sender")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.label(texts.fmt("senders.confirm_delete", &[("number", &number)]));
            if !using.is_empty() {
                ui.add_space(4.0);
                ui.label(texts.fmt(
                    "senders.used_by",
                    &[("count", &using.len()), ("titles", &using.join(", "))],
                ));
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(Command::DeleteSender(id));
                    self.confirm_delete = None;
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

/// A sender number as people write it (`02-2299-7123`, `1588-1234`), read
/// from its stored E.164 key; as registered when that cannot be read.
#[must_use]
pub fn formatted(sender: &SenderNumber, region: Region) -> String {
    PhoneNumber::parse(&sender.key, region)
        .ok()
        .filter(PhoneNumber::is_verified)
        .map_or_else(|| sender.raw.clone(), |number| number.display().to_owned())
}

/// A refusal from the backend, naming the field in the window's language.
fn refusal_text(texts: &Texts, invalid: &Invalid) -> String {
    let field = match invalid.field.as_str() {
        "number" => texts.get("senders.number"),
        "label" => texts.get("senders.label"),
        other => other,
    };
    let problem = match (&invalid.field[..], &invalid.problem) {
        // The domain's reason is for the command line; the window says it
        // in its own language.
        ("number", Problem::Malformed { value, .. }) => {
            texts.fmt("senders.not_registrable", &[("value", value)])
        }
        _ => describe(texts, invalid),
    };
    format!("{field}: {problem}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    #[test]
    fn numbers_show_as_people_write_them() {
        let sender = SenderNumber {
            id: SenderNumberId(1),
            key: "+82222997123".to_owned(),
            raw: "+82 2 2299 7123".to_owned(),
            label: String::new(),
            enabled: true,
            created_at: Timestamp(0),
        };
        assert_eq!(formatted(&sender, Region::KOREA), "02-2299-7123");
    }
}
