//! A window that edits one of the book's short named lists — statuses
//! (고객 상태), sources (인지경로): add an entry, rename it, move it up or
//! down the list, delete it after a question. What differs between the lists
//! (their texts, their commands, what deleting does to customers) is a
//! [`ListKind`].

use std::marker::PhantomData;

use eframe::egui;

use super::i18n::Texts;
use super::widgets::escape_closes;
use crate::backend::Command;
use crate::domain::Invalid;

/// One list the window edits.
pub trait ListKind {
    /// An entry's id.
    type Id: Copy + Eq + Send + Sync + 'static;
    /// An entry as the backend lists it.
    type Item;
    /// A checked name.
    type Name;
    /// The section of `assets/i18n` with the window's texts (`title`,
    /// `none`, `pick_one`, `name`, `rename`, `delete`, `new_name`, `add`,
    /// `confirm_delete`), which is also the window's id.
    const SECTION: &'static str;

    /// An entry's id.
    fn id(item: &Self::Item) -> Self::Id;
    /// An entry's name.
    fn name(item: &Self::Item) -> &str;
    /// Checks a typed name.
    ///
    /// # Errors
    /// Empty or too long.
    fn check(text: &str) -> Result<Self::Name, Invalid>;
    /// A checked name's text.
    fn text(name: &Self::Name) -> &str;
    /// The command that adds an entry at the end.
    fn create(name: Self::Name) -> Command;
    /// The command that renames an entry.
    fn rename(id: Self::Id, name: Self::Name) -> Command;
    /// The command that moves an entry to `position` (0 is the top).
    fn move_to(id: Self::Id, position: u32) -> Command;
    /// The command that deletes an entry.
    fn delete(id: Self::Id) -> Command;
}

/// The window's state.
pub struct ListManager<K: ListKind> {
    selected: Option<K::Id>,
    rename: String,
    new_name: String,
    confirm_delete: Option<K::Id>,
    kind: PhantomData<K>,
}

impl<K: ListKind> Default for ListManager<K> {
    fn default() -> Self {
        Self {
            selected: None,
            rename: String::new(),
            new_name: String::new(),
            confirm_delete: None,
            kind: PhantomData,
        }
    }
}

/// The text of `key` in the list's section.
fn text<K: ListKind>(texts: &Texts, key: &str) -> String {
    texts.get(&format!("{}.{key}", K::SECTION)).to_owned()
}

impl<K: ListKind> ListManager<K> {
    /// Draws the window; false once it is closed. A refused change shows
    /// in the status bar.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        items: &[K::Item],
        commands: &mut Vec<Command>,
    ) -> bool {
        if self
            .selected
            .is_some_and(|id| items.iter().all(|item| K::id(item) != id))
        {
            self.selected = None;
        }
        let window = egui::Id::unique(K::SECTION);
        let mut open = true;
        egui::Window::new(text::<K>(texts, "title"))
            .id(window)
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
                                for item in items {
                                    let id = K::id(item);
                                    if ui
                                        .selectable_label(self.selected == Some(id), K::name(item))
                                        .clicked()
                                    {
                                        self.selected = Some(id);
                                        K::name(item).clone_into(&mut self.rename);
                                    }
                                }
                                if items.is_empty() {
                                    ui.weak(text::<K>(texts, "none"));
                                }
                            });
                    });
                    ui.add_space(12.0);
                    ui.vertical(|ui| self.selected_ui(ui, texts, items, commands));
                });
                ui.separator();
                self.new_entry_ui(ui, texts, commands);
            });
        self.delete_question(ctx, texts, items, commands);
        let escape = self.confirm_delete.is_none() && escape_closes(ctx, window);
        open && !escape
    }

    fn selected_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        items: &[K::Item],
        commands: &mut Vec<Command>,
    ) {
        let Some((place, item)) = self
            .selected
            .and_then(|id| items.iter().enumerate().find(|(_, item)| K::id(item) == id))
        else {
            ui.weak(text::<K>(texts, "pick_one"));
            return;
        };
        let id = K::id(item);
        let label = ui.label(text::<K>(texts, "name"));
        ui.text_edit_singleline(&mut self.rename)
            .labelled_by(label.id);
        ui.horizontal(|ui| {
            let renamed = K::check(&self.rename)
                .ok()
                .filter(|name| K::text(name) != K::name(item));
            if ui
                .add_enabled(
                    renamed.is_some(),
                    egui::Button::new(text::<K>(texts, "rename")),
                )
                .clicked()
                && let Some(name) = renamed
            {
                commands.push(K::rename(id, name));
            }
            if ui.button(text::<K>(texts, "delete")).clicked() {
                self.confirm_delete = Some(id);
            }
        });
        ui.horizontal(|ui| {
            let to = |place: usize| u32::try_from(place).unwrap_or(u32::MAX);
            if ui
                .add_enabled(place > 0, egui::Button::new(texts.get("list.move_up")))
                .clicked()
            {
                commands.push(K::move_to(id, to(place.saturating_sub(1))));
            }
            if ui
                .add_enabled(
                    place + 1 < items.len(),
                    egui::Button::new(texts.get("list.move_down")),
                )
                .clicked()
            {
                commands.push(K::move_to(id, to(place + 1)));
            }
        });
    }

    fn new_entry_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let label = ui.label(text::<K>(texts, "new_name"));
            ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(160.0))
                .labelled_by(label.id);
            let checked = K::check(&self.new_name);
            if ui
                .add_enabled(checked.is_ok(), egui::Button::new(text::<K>(texts, "add")))
                .clicked()
                && let Ok(name) = checked
            {
                commands.push(K::create(name));
                self.new_name.clear();
            }
        });
    }

    fn delete_question(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        items: &[K::Item],
        commands: &mut Vec<Command>,
    ) {
        let Some(id) = self.confirm_delete else {
            return;
        };
        let Some(item) = items.iter().find(|item| K::id(item) == id) else {
            self.confirm_delete = None;
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique((K::SECTION, "delete"))).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt(
                &format!("{}.confirm_delete", K::SECTION),
                &[("name", &K::name(item))],
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(K::delete(id));
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
