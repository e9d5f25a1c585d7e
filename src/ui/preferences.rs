//! 사용자 환경설정: the signed-in user's own settings (language, extension,
//! when the caller's card pops; their list columns are chosen in the list),
//! then the desk's — the person at the desk, the PBX, the SMS gateway, the
//! default country — which admins change for everyone at this desk and
//! others see greyed out. The language switches the window as soon as it is
//! chosen; OK saves (through the backend, which keeps each user's own keys
//! with them), Cancel puts everything back.

mod sms_http;

use eframe::egui;

use super::i18n::{Texts, native_name};
use super::widgets::escape_closes;
use crate::config::{GatewayKind, Language, PopupMoment, SecretsPlace, Settings};
use crate::domain::Region;

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "preferences";

/// What the dialog asks of the window this frame.
#[derive(Debug)]
pub enum Outcome {
    /// Still open, nothing to do.
    Open,
    /// Show the window in this language while the dialog is open.
    Preview(Language),
    /// Closed without saving.
    Cancel,
    /// Save these settings.
    Save(Box<Settings>),
}

/// The dialog's state: a copy of the settings being edited.
pub struct Preferences {
    settings: Settings,
    port: String,
    dlr_port: String,
    region: String,
    /// Whether the desk's settings may be changed (an admin signed in).
    desk_editable: bool,
}

impl Preferences {
    /// A dialog editing a copy of `settings`, the desk's part only when
    /// `desk_editable`.
    #[must_use]
    pub fn new(settings: &Settings, desk_editable: bool) -> Self {
        Self {
            settings: settings.clone(),
            port: settings.pbx.port.to_string(),
            dlr_port: settings.sms.kannel.dlr_port.to_string(),
            region: settings.phone.default_region.code().to_owned(),
            desk_editable,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context, texts: &Texts) -> Outcome {
        let mut outcome = Outcome::Open;
        let mut open = true;
        let port = self
            .port
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|port| *port > 0);
        // 0 is allowed: any free port (tests use it).
        let dlr_port = self.dlr_port.trim().parse::<u16>().ok();
        let region = self.region.trim().parse::<Region>().ok();
        egui::Window::new(texts.get("prefs.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                if let Some(language) = self.mine_ui(ui, texts) {
                    outcome = Outcome::Preview(language);
                }
                section(ui, texts.get("prefs.desk"));
                note(ui, texts.get("prefs.desk_note"));
                ui.add_enabled_ui(self.desk_editable, |ui| {
                    self.desk_ui(ui, texts, port, dlr_port, region);
                });
                ui.separator();
                ui.horizontal(|ui| {
                    let valid = port.is_some() && dlr_port.is_some() && region.is_some();
                    if ui
                        .add_enabled(valid, egui::Button::new(texts.get("prefs.ok")))
                        .clicked()
                        && let (Some(port), Some(dlr_port), Some(region)) = (port, dlr_port, region)
                    {
                        let mut saved = self.settings.clone();
                        saved.pbx.port = port;
                        saved.sms.kannel.dlr_port = dlr_port;
                        saved.phone.default_region = region;
                        outcome = Outcome::Save(Box::new(saved));
                    }
                    if ui.button(texts.get("prefs.cancel")).clicked() {
                        outcome = Outcome::Cancel;
                    }
                });
            });
        if !open || escape_closes(ctx, egui::Id::unique(WINDOW)) {
            outcome = Outcome::Cancel;
        }
        outcome
    }

    /// 내 설정: what the signed-in user keeps for themselves; the language
    /// when one was chosen this frame.
    fn mine_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) -> Option<Language> {
        let mut chosen = None;
        let settings = &mut self.settings;
        section(ui, texts.get("prefs.mine"));
        note(ui, texts.get("prefs.mine_note"));
        egui::Grid::new("prefs_mine").num_columns(2).show(ui, |ui| {
            ui.label(texts.get("prefs.language"));
            ui.horizontal(|ui| {
                for language in [Language::Ko, Language::Ja, Language::En] {
                    if ui
                        .radio_value(&mut settings.ui.language, language, native_name(language))
                        .changed()
                    {
                        chosen = Some(language);
                    }
                }
            });
            ui.end_row();
            text_row(
                ui,
                texts.get("prefs.extension"),
                &mut settings.pbx.extension,
                false,
            );
            ui.label(texts.get("prefs.popup"));
            ui.horizontal(|ui| {
                ui.radio_value(
                    &mut settings.pbx.pop_on,
                    PopupMoment::Ring,
                    texts.get("prefs.popup_ring"),
                );
                ui.radio_value(
                    &mut settings.pbx.pop_on,
                    PopupMoment::Answer,
                    texts.get("prefs.popup_answer"),
                );
            });
            ui.end_row();
        });
        chosen
    }

    /// The desk's settings: the person at the desk, the default country,
    /// the PBX and the SMS gateway.
    fn desk_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        port: Option<u16>,
        dlr_port: Option<u16>,
        region: Option<Region>,
    ) {
        let settings = &mut self.settings;
        egui::Grid::new("prefs_desk").num_columns(2).show(ui, |ui| {
            text_row(
                ui,
                texts.get("prefs.user_name"),
                &mut settings.user.name,
                false,
            );
            let label = ui.label(texts.get("prefs.region"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.region).desired_width(60.0))
                    .labelled_by(label.id);
                if region.is_none() {
                    ui.colored_label(ui.visuals().error_fg_color, "KR, JP, US…");
                }
            });
            ui.end_row();
        });
        self.pbx_ui(ui, texts, port);
        self.sms_ui(ui, texts, dlr_port);
    }

    /// The desk's PBX (Asterisk AMI) link.
    fn pbx_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, port: Option<u16>) {
        let settings = &mut self.settings;
        section(ui, texts.get("prefs.pbx"));
        egui::Grid::new("prefs_pbx").num_columns(2).show(ui, |ui| {
            text_row(ui, texts.get("prefs.host"), &mut settings.pbx.host, false);
            let label = ui.label(texts.get("prefs.port"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.port).desired_width(80.0))
                    .labelled_by(label.id);
                if port.is_none() {
                    ui.colored_label(ui.visuals().error_fg_color, "1–65535");
                }
            });
            ui.end_row();
            text_row(
                ui,
                texts.get("prefs.pbx_user"),
                &mut settings.pbx.user,
                false,
            );
            text_row(
                ui,
                texts.get("prefs.secret"),
                &mut settings.pbx.secret,
                true,
            );
            ui.label("");
            ui.add(
                egui::Label::new(
                    egui::RichText::new(secrets_note(texts, &settings.secrets_kept)).weak(),
                )
                .wrap(),
            );
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut settings.pbx.tls, texts.get("prefs.tls"));
            ui.end_row();
            text_row(
                ui,
                texts.get("prefs.prefix"),
                &mut settings.pbx.outbound_prefix,
                false,
            );
        });
    }

    /// The desk's SMS gateway.
    fn sms_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, dlr_port: Option<u16>) {
        let settings = &mut self.settings;
        section(ui, texts.get("prefs.sms"));
        egui::Grid::new("prefs_sms").num_columns(2).show(ui, |ui| {
            ui.label(texts.get("prefs.gateway"));
            ui.horizontal(|ui| {
                ui.radio_value(
                    &mut settings.sms.gateway,
                    GatewayKind::DryRun,
                    texts.get("prefs.gateway_dry_run"),
                );
                ui.radio_value(
                    &mut settings.sms.gateway,
                    GatewayKind::Kannel,
                    texts.get("prefs.gateway_kannel"),
                );
                ui.radio_value(
                    &mut settings.sms.gateway,
                    GatewayKind::Http,
                    texts.get("prefs.gateway_http"),
                );
            });
            ui.end_row();
            if settings.sms.gateway == GatewayKind::Kannel {
                let kannel = &mut settings.sms.kannel;
                text_row(
                    ui,
                    texts.get("prefs.sendsms_url"),
                    &mut kannel.sendsms_url,
                    false,
                );
                text_row(ui, texts.get("prefs.sms_user"), &mut kannel.username, false);
                text_row(
                    ui,
                    texts.get("prefs.sms_password"),
                    &mut kannel.password,
                    true,
                );
                let label = ui.label(texts.get("prefs.dlr_port"));
                ui.vertical(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut self.dlr_port).desired_width(80.0))
                        .labelled_by(label.id);
                    if dlr_port.is_none() {
                        ui.colored_label(ui.visuals().error_fg_color, "0–65535");
                    }
                });
                ui.end_row();
            }
        });
        if settings.sms.gateway == GatewayKind::Http {
            sms_http::http_provider_ui(ui, texts, &mut settings.sms.http);
        }
    }
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(6.0);
    ui.strong(title);
}

/// A line under a heading saying whose settings these are.
fn note(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap());
}

/// Where the passwords and keys of this window are kept.
fn secrets_note(texts: &Texts, place: &SecretsPlace) -> String {
    match place {
        SecretsPlace::System => texts.get("prefs.secrets_system").to_owned(),
        SecretsPlace::File(file) => texts.fmt("prefs.secrets_file", &[("file", &file.display())]),
        SecretsPlace::Nowhere => texts.get("prefs.secrets_nowhere").to_owned(),
    }
}

/// A labelled line; `secret` shows dots instead of the text.
fn text_row(ui: &mut egui::Ui, label: &str, text: &mut String, secret: bool) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .password(secret)
            .desired_width(260.0),
    )
    .labelled_by(label.id);
    ui.end_row();
}
