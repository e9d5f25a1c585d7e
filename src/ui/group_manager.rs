//! 고객그룹: the group tree to manage — add a group (at the top or under
//! another), rename, remove (its customers stay, they only leave the
//! group), and open its members in the customer list.

use eframe::egui;

use super::app::thousands;
use super::i18n::Texts;
use super::widgets::escape_closes;
use crate::backend::{Command, Group};
use crate::domain::GroupId;

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "group_manager";

/// What the window asks of the main window this frame.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Show this group's members in the customer list.
    pub show_members: Option<GroupId>,
    /// The window was closed.
    pub closed: bool,
}

/// The window's state.
#[derive(Default)]
pub struct GroupManager {
    selected: Option<GroupId>,
    rename: String,
    new_name: String,
    under_selected: bool,
    confirm_delete: Option<GroupId>,
}

impl GroupManager {
    /// Draws the window; a refused change shows in the status bar.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        groups: &[Group],
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        if self
            .selected
            .is_some_and(|id| groups.iter().all(|group| group.id != id))
        {
            self.selected = None;
        }
        let mut open = true;
        egui::Window::new(texts.get("groups.manage_title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(240.0);
                        egui::ScrollArea::vertical()
                            .max_height(320.0)
                            .show(ui, |ui| self.tree(ui, texts, groups, None, 0));
                    });
                    ui.add_space(12.0);
                    ui.vertical(|ui| {
                        self.selected_group(ui, texts, groups, commands, &mut outcome);
                    });
                });
                ui.separator();
                self.new_group(ui, texts, groups, commands);
            });
        self.delete_question(ctx, texts, groups, commands);
        let escape = self.confirm_delete.is_none() && escape_closes(ctx, egui::Id::unique(WINDOW));
        outcome.closed = !open || escape;
        outcome
    }

    fn tree(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        groups: &[Group],
        parent: Option<GroupId>,
        depth: u8,
    ) {
        for group in groups.iter().filter(|group| group.parent_id == parent) {
            ui.horizontal(|ui| {
                ui.add_space(f32::from(depth) * 16.0);
                let label = texts.fmt(
                    "groups.count",
                    &[("name", &group.name), ("count", &thousands(group.members))],
                );
                if ui
                    .selectable_label(self.selected == Some(group.id), label)
                    .clicked()
                {
                    self.selected = Some(group.id);
                    self.rename.clone_from(&group.name);
                }
            });
            if depth < 8 {
                self.tree(ui, texts, groups, Some(group.id), depth + 1);
            }
        }
    }

    fn selected_group(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        groups: &[Group],
        commands: &mut Vec<Command>,
        outcome: &mut Outcome,
    ) {
        let Some(group) = self
            .selected
            .and_then(|id| groups.iter().find(|group| group.id == id))
        else {
            ui.weak(texts.get("groups.pick_one"));
            return;
        };
        let label = ui.label(texts.get("groups.name"));
        ui.text_edit_singleline(&mut self.rename)
            .labelled_by(label.id);
        ui.horizontal(|ui| {
            let changed = !self.rename.trim().is_empty() && self.rename.trim() != group.name;
            if ui
                .add_enabled(changed, egui::Button::new(texts.get("groups.rename")))
                .clicked()
            {
                commands.push(Command::RenameGroup {
                    id: group.id,
                    name: self.rename.trim().to_owned(),
                });
            }
            if ui.button(texts.get("groups.delete")).clicked() {
                self.confirm_delete = Some(group.id);
            }
        });
        if ui.button(texts.get("groups.show_members")).clicked() {
            outcome.show_members = Some(group.id);
        }
    }

    fn new_group(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        groups: &[Group],
        commands: &mut Vec<Command>,
    ) {
        let parent = self
            .selected
            .and_then(|id| groups.iter().find(|group| group.id == id));
        ui.horizontal(|ui| {
            let label = ui.label(texts.get("groups.new_name"));
            ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(160.0))
                .labelled_by(label.id);
            match parent {
                Some(parent) => {
                    ui.checkbox(
                        &mut self.under_selected,
                        texts.fmt("groups.under", &[("name", &parent.name)]),
                    );
                }
                None => self.under_selected = false,
            }
            if ui
                .add_enabled(
                    !self.new_name.trim().is_empty(),
                    egui::Button::new(texts.get("groups.add")),
                )
                .clicked()
            {
                commands.push(Command::CreateGroup {
                    name: self.new_name.trim().to_owned(),
                    parent: if self.under_selected {
                        parent.map(|parent| parent.id)
                    } else {
                        None
                    },
                });
                self.new_name.clear();
            }
        });
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        groups: &[Group],
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete else {
            return;
        };
        let Some(group) = groups.iter().find(|group| group.id == id) else {
            self.confirm_delete = None;
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("delete_group")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt(
                "groups.confirm_delete",
                &[("name", &group.name), ("count", &thousands(group.members))],
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(Command::DeleteGroup(id));
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
