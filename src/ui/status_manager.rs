//! 고객 상태: the list a customer's status is picked from (신규, 상담중,
//! 계약…) — add a status, rename it, move it up or down the list, delete it
//! (its customers are left without a status).

use eframe::egui;

use super::i18n::Texts;
use super::widgets::escape_closes;
use crate::backend::Command;
use crate::domain::{Status, StatusId, StatusName};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "status_manager";

/// The window's state.
#[derive(Default)]
pub struct StatusManager {
    selected: Option<StatusId>,
    rename: String,
    new_name: String,
    confirm_delete: Option<StatusId>,
}

impl StatusManager {
    /// Draws the window; false once it is closed. A refused change shows
    /// in the status bar.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        statuses: &[Status],
        commands: &mut Vec<Command>,
    ) -> bool {
        if self
            .selected
            .is_some_and(|id| statuses.iter().all(|status| status.id != id))
        {
            self.selected = None;
        }
        let mut open = true;
        egui::Window::new(texts.get("statuses.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(200.0);
                        egui::ScrollArea::vertical()
                            .max_height(300.0)
                            .show(ui, |ui| {
                                for status in statuses {
                                    if ui
                                        .selectable_label(
                                            self.selected == Some(status.id),
                                            &status.name,
                                        )
                                        .clicked()
                                    {
                                        self.selected = Some(status.id);
                                        self.rename.clone_from(&status.name);
                                    }
                                }
                                if statuses.is_empty() {
                                    ui.weak(texts.get("statuses.none"));
                                }
                            });
                    });
                    ui.add_space(12.0);
                    ui.vertical(|ui| self.selected_status(ui, texts, statuses, commands));
                });
                ui.separator();
                self.new_status(ui, texts, commands);
            });
        self.delete_question(ctx, texts, statuses, commands);
        let escape = self.confirm_delete.is_none() && escape_closes(ctx, egui::Id::unique(WINDOW));
        open && !escape
    }

    fn selected_status(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        statuses: &[Status],
        commands: &mut Vec<Command>,
    ) {
        let Some(place) = self
            .selected
            .and_then(|id| statuses.iter().position(|status| status.id == id))
        else {
            ui.weak(texts.get("statuses.pick_one"));
            return;
        };
        let status = &statuses[place];
        let label = ui.label(texts.get("statuses.name"));
        ui.text_edit_singleline(&mut self.rename)
            .labelled_by(label.id);
        ui.horizontal(|ui| {
            let renamed = StatusName::new(&self.rename)
                .ok()
                .filter(|name| name.as_str() != status.name);
            if ui
                .add_enabled(
                    renamed.is_some(),
                    egui::Button::new(texts.get("statuses.rename")),
                )
                .clicked()
                && let Some(name) = renamed
            {
                commands.push(Command::RenameStatus {
                    id: status.id,
                    name,
                });
            }
            if ui.button(texts.get("statuses.delete")).clicked() {
                self.confirm_delete = Some(status.id);
            }
        });
        ui.horizontal(|ui| {
            let to = |place: usize| u32::try_from(place).unwrap_or(u32::MAX);
            if ui
                .add_enabled(place > 0, egui::Button::new(texts.get("list.move_up")))
                .clicked()
            {
                commands.push(Command::MoveStatus {
                    id: status.id,
                    position: to(place - 1),
                });
            }
            if ui
                .add_enabled(
                    place + 1 < statuses.len(),
                    egui::Button::new(texts.get("list.move_down")),
                )
                .clicked()
            {
                commands.push(Command::MoveStatus {
                    id: status.id,
                    position: to(place + 1),
                });
            }
        });
    }

    fn new_status(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let label = ui.label(texts.get("statuses.new_name"));
            ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(160.0))
                .labelled_by(label.id);
            let checked = StatusName::new(&self.new_name);
            if ui
                .add_enabled(
                    checked.is_ok(),
                    egui::Button::new(texts.get("statuses.add")),
                )
                .clicked()
                && let Ok(name) = checked
            {
                commands.push(Command::CreateStatus(name));
                self.new_name.clear();
            }
        });
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        statuses: &[Status],
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete else {
            return;
        };
        let Some(status) = statuses.iter().find(|status| status.id == id) else {
            self.confirm_delete = None;
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("delete_status")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt("statuses.confirm_delete", &[("name", &status.name)]));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(Command::DeleteStatus(id));
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
