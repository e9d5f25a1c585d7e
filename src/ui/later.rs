//! Windows for menu entries and buttons whose feature arrives with a later
//! part of ringdesk: each says what will be there, so nothing is a dead end.

use eframe::egui;

use super::i18n::Texts;
use super::widgets::escape_closes;

/// A feature that is announced but not built yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    /// 관리자 웹 바로가기
    AdminWeb,
}

impl Feature {
    fn keys(&self) -> (&'static str, &'static str) {
        match self {
            Self::AdminWeb => ("menu.admin_web", "later.admin_web"),
        }
    }
}

/// Shows a window per announced feature; drops those closed this frame.
pub fn show(ctx: &egui::Context, texts: &Texts, open: &mut Vec<Feature>) {
    open.retain(|feature| {
        let (title, body) = feature.keys();
        let id = egui::Id::unique(("later", format!("{feature:?}")));
        let mut keep = !escape_closes(ctx, id);
        let mut window_open = true;
        egui::Window::new(texts.get(title))
            .id(id)
            .open(&mut window_open)
            .collapsible(false)
            .resizable(false)
            .default_width(380.0)
            .show(ctx, |ui| {
                ui.label(texts.get(body));
                ui.add_space(8.0);
                if ui.button(texts.get("later.ok")).clicked() {
                    keep = false;
                }
            });
        keep && window_open
    });
}
