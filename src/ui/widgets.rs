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

/// A text picked from a list (a customer's source): `none` for empty, then
/// the list's `options`. A text the list lacks stays as it is and shows as
/// `off_list` (already worded with the text), so opening a card never
/// changes what it holds; the list's entries are matched without ASCII case.
pub fn text_choice(
    ui: &mut egui::Ui,
    label: &str,
    id_salt: impl egui::AsIdSalt,
    value: &mut String,
    none: &str,
    options: &[&str],
    off_list: &str,
) {
    let label = ui.label(label);
    let listed = options
        .iter()
        .copied()
        .find(|option| option.eq_ignore_ascii_case(value.trim()));
    let empty = value.trim().is_empty();
    let shown = match listed {
        _ if empty => none,
        Some(option) => option,
        None => off_list,
    };
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if ui.selectable_label(empty, none).clicked() {
                value.clear();
            }
            if listed.is_none() && !empty {
                ui.add(egui::Button::selectable(true, off_list));
            }
            for option in options {
                if ui
                    .selectable_label(listed == Some(*option), *option)
                    .clicked()
                {
                    (*option).clone_into(value);
                }
            }
        })
        .response
        .labelled_by(label.id);
}

/// Whether a file dropped with the pointer at `pointer` lands on a window
/// last drawn at `rect`: inside it, or anywhere when the pointer's place is
/// not known (a drop without pointer events); never on one not drawn yet.
#[must_use]
pub fn drop_lands_in(pointer: Option<egui::Pos2>, rect: Option<egui::Rect>) -> bool {
    match (pointer, rect) {
        (Some(pointer), Some(rect)) => rect.contains(pointer),
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// True when Esc was pressed and `window` is the topmost window, so Esc
/// closes one dialog at a time, the one in front.
pub fn escape_closes(ctx: &egui::Context, window: egui::Id) -> bool {
    ctx.input(|input| input.key_pressed(egui::Key::Escape))
        && ctx
            .top_layer_id()
            // A window closed this frame keeps its place in egui's order.
            .filter(|layer| ctx.memory(|memory| memory.areas().is_visible(layer)))
            .is_none_or(|layer| layer.id == window)
}

/// A frame leaving room on the right for a scroll bar, which egui floats
/// over the content: wrapped text and full-width fields stay readable.
pub fn scroll_margin() -> egui::Frame {
    egui::Frame::new().inner_margin(egui::Margin {
        right: 12,
        ..egui::Margin::ZERO
    })
}

/// The first `shown` characters of `text`, with … when there were more: a
/// sheet's cell may hold megabytes, too much to lay out every frame.
#[must_use]
pub fn clipped(mut text: String, shown: usize) -> String {
    if let Some((cut, _)) = text.char_indices().nth(shown) {
        text.truncate(cut);
        text.push('…');
    }
    text
}
