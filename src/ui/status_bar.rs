//! The status bar: the PBX link, the SMS gateway and how many customers the
//! book holds, and the last failure when there was one.

use eframe::egui;

use super::app::{Shown, thousands};
use super::i18n::Texts;
use crate::config::Settings;

/// Draws the status bar.
pub fn show(ui: &mut egui::Ui, texts: &Texts, settings: &Settings, shown: &Shown) {
    ui.horizontal(|ui| {
        let pbx = if settings.pbx.host.is_empty() {
            texts.get("status.pbx_off").to_owned()
        } else {
            texts.fmt("status.pbx_configured", &[("host", &settings.pbx.host)])
        };
        ui.label(pbx);
        ui.separator();
        let sms = if settings.sms.gateway_url.is_empty() {
            texts.get("status.sms_off").to_owned()
        } else {
            let host = settings
                .sms
                .gateway_url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or(&settings.sms.gateway_url);
            texts.fmt("status.sms_configured", &[("host", &host)])
        };
        ui.label(sms);
        ui.separator();
        match shown.customers {
            Some(count) => ui.label(texts.fmt("status.customers", &[("count", &thousands(count))])),
            None => ui.label(texts.get("status.counting")),
        };
        if let Some(error) = &shown.error {
            ui.separator();
            ui.colored_label(
                ui.visuals().error_fg_color,
                texts.fmt("status.error", &[("message", error)]),
            );
        }
    });
}
