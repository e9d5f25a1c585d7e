//! The status bar: who is signed in, the PBX link (with a reconnect button when it is down),
//! the SMS gateway (name, remaining credit, problem), how many customers the book holds, what click-to-call
//! is doing, and the last failure when there was one.

use eframe::egui;

use super::app::{Shown, thousands};
use super::i18n::Texts;
use crate::backend::LinkState;
use crate::config::{GatewayKind, Settings};
use crate::domain::User;

/// Draws the status bar; true when the agent asked to reconnect to the PBX.
pub fn show(
    ui: &mut egui::Ui,
    texts: &Texts,
    settings: &Settings,
    shown: &Shown,
    user: Option<&User>,
) -> bool {
    ui.horizontal(|ui| {
        if let Some(user) = user {
            ui.label(texts.fmt(
                "status.user",
                &[
                    ("name", &user.display_name),
                    ("role", &super::sign_in::role_name(texts, user.role)),
                ],
            ));
            ui.separator();
        }
        let reconnect = pbx(ui, texts, settings, shown);
        ui.separator();
        sms(ui, texts, settings, shown);
        ui.separator();
        match shown.customers {
            Some(count) => ui.label(texts.fmt("status.customers", &[("count", &thousands(count))])),
            None => ui.label(texts.get("status.counting")),
        };
        if let Some(notice) = &shown.notice {
            ui.separator();
            ui.label(notice);
        }
        if let Some(error) = &shown.error {
            ui.separator();
            ui.colored_label(
                ui.visuals().error_fg_color,
                texts.fmt("status.error", &[("message", error)]),
            );
        }
        reconnect
    })
    .inner
}

/// The PBX link's state; true when the reconnect button was clicked.
fn pbx(ui: &mut egui::Ui, texts: &Texts, settings: &Settings, shown: &Shown) -> bool {
    let host = settings.pbx.host.as_str();
    let (text, down) = match &shown.pbx {
        None | Some(LinkState::Connecting) if !host.is_empty() => (
            texts.fmt("status.pbx_connecting", &[("host", &host)]),
            false,
        ),
        None | Some(LinkState::Off | LinkState::Connecting) => {
            (texts.get("status.pbx_off").to_owned(), false)
        }
        Some(LinkState::Connected { pbx_version }) => (
            texts.fmt("status.pbx_connected", &[("version", pbx_version)]),
            false,
        ),
        Some(LinkState::LoginFailed { reason }) => (
            texts.fmt("status.pbx_login_failed", &[("reason", reason)]),
            true,
        ),
        Some(LinkState::Retrying { in_secs, reason }) => {
            let waited = shown.pbx_since.map_or(0, |since| since.elapsed().as_secs());
            let seconds = in_secs.saturating_sub(waited);
            // The countdown ticks.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
            (
                texts.fmt(
                    "status.pbx_retrying",
                    &[("seconds", &seconds), ("reason", reason)],
                ),
                true,
            )
        }
    };
    if down {
        ui.colored_label(ui.visuals().error_fg_color, text);
        ui.button(texts.get("status.pbx_reconnect")).clicked()
    } else {
        ui.label(text);
        false
    }
}

/// The SMS gateway as it last reported itself: its name, the messages its
/// credit pays for when it sells credit, and why it cannot be used in red.
/// Before its first report, the kind the settings name.
fn sms(ui: &mut egui::Ui, texts: &Texts, settings: &Settings, shown: &Shown) {
    let Some(gateway) = &shown.sms_gateway else {
        match settings.sms.gateway {
            GatewayKind::DryRun => ui.label(texts.get("status.sms_dry_run")),
            GatewayKind::Kannel => ui.label(texts.fmt(
                "status.sms_kannel",
                &[("host", &host_of(&settings.sms.kannel.sendsms_url))],
            )),
            GatewayKind::Http => ui.label(texts.fmt(
                "status.sms_http",
                &[("host", &host_of(&settings.sms.http.send_url))],
            )),
        };
        return;
    };
    ui.label(texts.fmt("status.sms_gateway", &[("name", &gateway.name)]));
    if let Some(balance) = gateway.balance {
        ui.label(texts.fmt("status.sms_balance", &[("count", &thousands(balance))]));
    }
    if let Some(problem) = &gateway.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
}

/// The host (and port) of an address, to name a gateway briefly.
fn host_of(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(url)
}
