//! Small widgets several windows share.

use eframe::egui;

/// A labelled choice among `options`, or none (`none` names that choice):
/// status, assignee, group or tag, in forms and filters alike.
pub fn optional_choice<'a, T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    id_salt: impl egui::AsIdSalt,
    value: &mut Option<T>,
    none: &str,
    options: impl Iterator<Item = (T, &'a str)> + Clone,
) {
    let label = ui.label(label);
    let shown = options
        .clone()
        .find(|(option, _)| Some(*option) == *value)
        .map_or(none, |(_, name)| name);
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, none);
            for (option, name) in options {
                ui.selectable_value(value, Some(option), name);
            }
        })
        .response
        .labelled_by(label.id);
}
