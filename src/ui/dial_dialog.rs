//! 전화걸기: the dialog a `tel:` / `callto:` link opens (`ringdesk dial
//! LINK`, handed over by a second start or given at start). It shows the
//! number as read (canonical form) and the customers it belongs to; its
//! 전화걸기 button rings the agent's phone and then the number, the same
//! click-to-call as the card's numbers. Esc or 닫기 closes it.

use eframe::egui;

use super::i18n::Texts;
use super::widgets::escape_closes;
use crate::backend::{Command, Holder, QueryId};
use crate::domain::dial_link::number_in_link;
use crate::domain::{PhoneNumber, Region};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "dial_dialog";

/// One link to dial.
pub struct DialDialog {
    /// The link as handed over.
    link: String,
    /// The number in it, or `None` when it names none.
    number: Option<PhoneNumber>,
    /// Ties the customer lookup's answer to this link.
    request: QueryId,
    /// Who has the number; `None` until the backend answers.
    holders: Option<Vec<Holder>>,
    /// Set once the window should come to the front.
    raise: bool,
}

impl DialDialog {
    /// A dialog for `link`, read with `region`'s national conventions;
    /// the command that looks up its customers, when it names a number.
    #[must_use]
    pub fn new(link: &str, region: Region, request: QueryId) -> (Self, Option<Command>) {
        let number = number_in_link(link)
            .ok()
            .and_then(|text| PhoneNumber::parse(&text, region).ok());
        let lookup = number.as_ref().map(|number| Command::FindHolders {
            request,
            numbers: vec![number.key().to_owned()],
            email: String::new(),
            except: None,
        });
        let dialog = Self {
            link: link.trim().to_owned(),
            number,
            request,
            holders: None,
            raise: true,
        };
        (dialog, lookup)
    }

    /// The number as shown, when the link names one.
    #[must_use]
    pub fn number(&self) -> Option<&PhoneNumber> {
        self.number.as_ref()
    }

    /// Takes the backend's answer to the customer lookup, if it is this
    /// dialog's.
    pub fn holders_found(&mut self, request: QueryId, holders: &[Holder]) {
        if request == self.request {
            self.holders = Some(holders.to_vec());
        }
    }

    /// Draws the dialog; false once it is closed (dialled, 닫기 or Esc).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        commands: &mut Vec<Command>,
    ) -> bool {
        let id = egui::Id::unique(WINDOW);
        let mut open = true;
        let mut done = false;
        let window = egui::Window::new(texts.get("dial.title"))
            .id(id)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.set_min_width(320.0);
                match &self.number {
                    Some(number) => self.number_ui(ui, texts, number),
                    None => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            texts.fmt("dial.not_a_number", &[("link", &self.link)]),
                        );
                    }
                }
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    let call = ui.add_enabled(
                        self.number.is_some(),
                        egui::Button::new(texts.get("dial.call")),
                    );
                    if self.raise && self.number.is_some() {
                        call.request_focus();
                    }
                    if call.clicked() {
                        done = true;
                        commands.extend(self.dial_command());
                    }
                    if ui.button(texts.get("common.close")).clicked() {
                        done = true;
                    }
                });
            });
        if self.raise
            && let Some(window) = window
        {
            ctx.move_to_top(window.response.layer_id);
            self.raise = false;
        }
        open && !done && !escape_closes(ctx, id)
    }

    fn number_ui(&self, ui: &mut egui::Ui, texts: &Texts, number: &PhoneNumber) {
        egui::Grid::new("dial_dialog_grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label(texts.get("dial.number"));
                ui.strong(number.display());
                ui.end_row();
                ui.label(texts.get("dial.international"));
                ui.label(number.key());
                ui.end_row();
                ui.label(texts.get("dial.customer"));
                match &self.holders {
                    None => {
                        ui.weak(texts.get("dial.looking"));
                    }
                    Some(holders) if holders.is_empty() => {
                        ui.weak(texts.get("dial.no_customer"));
                    }
                    Some(holders) => {
                        ui.vertical(|ui| {
                            for holder in holders {
                                ui.strong(&holder.name);
                            }
                        });
                    }
                }
                ui.end_row();
            });
    }

    /// Click-to-call for the number, showing the customer's name on the
    /// agent's phone when one customer has it.
    fn dial_command(&self) -> Option<Command> {
        let number = self.number.as_ref()?;
        let caller_name = match self.holders.as_deref() {
            Some([only]) => only.name.clone(),
            _ => String::new(),
        };
        Some(Command::Dial {
            number: number.display().to_owned(),
            caller_name,
        })
    }
}
