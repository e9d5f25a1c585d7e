//! The preferences' block for an HTTP SMS provider (`[sms.http]`), shown
//! while `sms.gateway` is `http`: the addresses and the API key in front,
//! the JSON field names folded away, since most providers need only a few
//! of them renamed. State values and timing stay in the settings file: they
//! are set once from the provider's manual, not tuned at the desk.

use eframe::egui;

use super::{section, text_row};
use crate::config::HttpProviderSettings;
use crate::ui::i18n::Texts;

/// Draws the block, editing `http` in place.
pub(super) fn http_provider_ui(ui: &mut egui::Ui, texts: &Texts, http: &mut HttpProviderSettings) {
    section(ui, texts.get("prefs_http.title"));
    egui::Grid::new("prefs_sms_http")
        .num_columns(2)
        .show(ui, |ui| {
            text_row(
                ui,
                texts.get("prefs_http.send_url"),
                &mut http.send_url,
                false,
            );
            text_row(
                ui,
                texts.get("prefs_http.auth_header"),
                &mut http.auth_header,
                false,
            );
            text_row(
                ui,
                texts.get("prefs_http.auth_value"),
                &mut http.auth_value,
                true,
            );
            text_row(
                ui,
                texts.get("prefs_http.balance_url"),
                &mut http.balance_url,
                false,
            );
            text_row(
                ui,
                texts.get("prefs_http.status_url"),
                &mut http.status_url,
                false,
            );
        });
    egui::CollapsingHeader::new(texts.get("prefs_http.fields"))
        .id_salt("prefs_sms_http_fields")
        .show(ui, |ui| {
            egui::Grid::new("prefs_sms_http_fields_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    for (key, field) in [
                        ("prefs_http.to_field", &mut http.to_field),
                        ("prefs_http.from_field", &mut http.from_field),
                        ("prefs_http.text_field", &mut http.text_field),
                        ("prefs_http.subject_field", &mut http.subject_field),
                        ("prefs_http.kind_field", &mut http.kind_field),
                        ("prefs_http.image_field", &mut http.image_field),
                        ("prefs_http.reference_field", &mut http.reference_field),
                        ("prefs_http.id_field", &mut http.id_field),
                        ("prefs_http.error_field", &mut http.error_field),
                        ("prefs_http.balance_field", &mut http.balance_field),
                        ("prefs_http.status_field", &mut http.status_field),
                        ("prefs_http.reason_field", &mut http.reason_field),
                    ] {
                        text_row(ui, texts.get(key), field, false);
                    }
                });
            ui.small(texts.get("prefs_http.note"));
        });
}
