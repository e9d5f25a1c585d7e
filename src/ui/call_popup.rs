//! The caller pop-up: a small window in front of all others that shows who
//! is calling before the agent picks up, follows the call (ringing,
//! connected 00:42, ended), and takes a memo for the call log.
//!
//! One pop-up per call, opened on ringing or on answer as the preferences
//! say. When several customers share the number it offers a short pick
//! list; for a stranger it offers to register the number.

use eframe::egui;

use super::format::{direction_text, local_date_time, outcome_text};
use super::i18n::Texts;
use crate::backend::{CallChange, CallPopup, Command, Lookups, PopupMatch, TrackedCall};
use crate::config::PopupMoment;
use crate::domain::call::CALL_MEMO_MAX_BYTES;
use crate::domain::{CallId, CustomerId, Timestamp};

/// The pop-up's size: room for a name, a few fields and a memo.
const SIZE: [f32; 2] = [380.0, 460.0];
/// Space between the pop-up and the screen's edges (more below, for a taskbar).
const CORNER_GAP: f32 = 16.0;

/// What the agent asked of a pop-up this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Open this customer's card and form.
    OpenCustomer(CustomerId),
    /// Register a new customer with this number.
    Register(String),
    /// Write a message to the caller's number, to the customer when known.
    Sms {
        /// The number as shown.
        number: String,
        /// The customer chosen in the pop-up.
        customer: Option<CustomerId>,
    },
}

/// One call's pop-up.
struct Popup {
    data: CallPopup,
    /// The call log's row, once written.
    call_id: Option<CallId>,
    /// Which of several matching customers the agent picked.
    chosen: Option<usize>,
    memo: String,
    memo_saved: String,
    /// Shown yet: with "pop on answer" it waits for the answer.
    visible: bool,
    closed: bool,
    attention_asked: bool,
}

/// Every open pop-up.
#[derive(Default)]
pub struct CallPopups {
    popups: Vec<Popup>,
}

impl CallPopups {
    /// A call started ringing: prepare its pop-up, shown now or on answer.
    pub fn ringing(&mut self, data: CallPopup, moment: PopupMoment) {
        let linked = data.call.linked_id.clone();
        if self
            .popups
            .iter()
            .any(|popup| popup.data.call.linked_id == linked)
        {
            return;
        }
        // A new call replaces the pop-ups of calls that have ended, unless
        // their memo is not saved yet: an agent back from a break finds the
        // current call, not a stack of old ones.
        self.popups
            .retain(|popup| popup.data.call.ended_at.is_none() || popup.memo != popup.memo_saved);
        // A single match needs no choosing.
        let chosen = (data.matches.len() == 1).then_some(0);
        self.popups.push(Popup {
            visible: moment == PopupMoment::Ring || data.call.answered_at.is_some(),
            data,
            call_id: None,
            chosen,
            memo: String::new(),
            memo_saved: String::new(),
            closed: false,
            attention_asked: false,
        });
    }

    /// A call changed: the pop-up follows it.
    pub fn changed(&mut self, change: CallChange, call: &TrackedCall, id: Option<CallId>) {
        let Some(popup) = self
            .popups
            .iter_mut()
            .find(|popup| popup.data.call.linked_id == call.linked_id)
        else {
            return;
        };
        popup.data.call = call.clone();
        popup.call_id = popup.call_id.or(id);
        if change == CallChange::Answered {
            popup.visible = true;
        }
        // A call that ended before the agent was meant to see it leaves no pop-up.
        if change == CallChange::Ended && !popup.visible {
            popup.closed = true;
        }
    }

    /// True while a pop-up is on screen (the window keeps painting for
    /// its clock, even when minimised).
    #[must_use]
    pub fn any_visible(&self) -> bool {
        self.popups
            .iter()
            .any(|popup| popup.visible && !popup.closed)
    }

    /// Draws the pop-ups; returns what the agent asked for.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) -> Option<Intent> {
        let mut intent = None;
        for popup in self
            .popups
            .iter_mut()
            .filter(|popup| popup.visible && !popup.closed)
        {
            if !popup.attention_asked {
                popup.attention_asked = true;
                // A minimised ringdesk flashes in the taskbar.
                ctx.send_viewport_cmd_to(
                    egui::ViewportId::ROOT,
                    egui::ViewportCommand::RequestUserAttention(egui::UserAttentionType::Critical),
                );
            }
            let id = egui::ViewportId::from_hash_of(("call_popup", &popup.data.call.linked_id));
            let mut builder = egui::ViewportBuilder::default()
                .with_title(texts.get("popup.title"))
                .with_inner_size(SIZE)
                .with_resizable(false)
                .with_always_on_top();
            // The screen's bottom-right corner, where notifications appear
            // and where it hides the least of the agent's work.
            if let Some(monitor) = ctx.input(|input| input.viewport().monitor_size) {
                builder = builder.with_position(egui::pos2(
                    (monitor.x - SIZE[0] - CORNER_GAP).max(0.0),
                    (monitor.y - SIZE[1] - CORNER_GAP * 3.0).max(0.0),
                ));
            }
            ctx.show_viewport_immediate(id, builder, |ui, _class| {
                egui::Frame::central_panel(ui.style()).show(ui, |ui| {
                    if let Some(asked) = popup.body(ui, texts, lookups, commands) {
                        intent = Some(asked);
                    }
                });
                if ui.ctx().input(|input| input.viewport().close_requested()) {
                    popup.closed = true;
                }
            });
        }
        self.popups.retain(|popup| !popup.closed);
        if self.any_visible() {
            // The "connected 00:42" clock.
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
        }
        intent
    }
}

impl Popup {
    fn body(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
    ) -> Option<Intent> {
        let mut intent = None;
        ui.set_min_width(SIZE[0] - 24.0);
        self.state_line(ui, texts);
        if self.data.call.ended_at.is_some()
            && !self.data.number.is_withheld()
            && ui.button(texts.get("call_log.call_back")).clicked()
        {
            let name = self
                .chosen
                .and_then(|index| self.data.matches.get(index))
                .map(|found| found.customer.name.clone())
                .unwrap_or_default();
            commands.push(Command::Dial {
                number: self.data.number.display().to_owned(),
                caller_name: name,
            });
        }
        if !self.data.number.is_withheld() && ui.button(texts.get("card.sms")).clicked() {
            intent = Some(Intent::Sms {
                number: self.data.number.display().to_owned(),
                customer: self
                    .chosen
                    .and_then(|index| self.data.matches.get(index))
                    .map(|found| found.customer.id),
            });
        }
        ui.separator();
        let chosen = self.chosen.and_then(|index| self.data.matches.get(index));
        match (chosen, self.data.matches.len()) {
            (Some(found), _) => {
                if let Some(asked) = customer(ui, texts, lookups, found) {
                    intent = Some(asked);
                }
            }
            (None, 0) => {
                ui.label(egui::RichText::new(texts.get("popup.unknown")).strong());
                if !self.data.call.name.is_empty() {
                    ui.label(&self.data.call.name);
                }
                if !self.data.number.is_withheld()
                    && ui.button(texts.get("popup.register")).clicked()
                {
                    intent = Some(Intent::Register(self.data.number.display().to_owned()));
                }
            }
            (None, count) => {
                ui.label(texts.fmt("popup.several", &[("count", &count)]));
                for (index, found) in self.data.matches.iter().enumerate() {
                    let customer = &found.customer;
                    let text = if customer.company.is_empty() {
                        customer.name.clone()
                    } else {
                        format!("{} · {}", customer.name, customer.company)
                    };
                    if ui.button(text).clicked() {
                        self.chosen = Some(index);
                    }
                }
            }
        }
        ui.separator();
        self.memo_box(ui, texts, commands);
        ui.horizontal(|ui| {
            if self.data.matches.len() > 1
                && self.chosen.is_some()
                && ui.button(texts.get("popup.other_match")).clicked()
            {
                self.chosen = None;
            }
            if ui.button(texts.get("common.close")).clicked() {
                self.closed = true;
            }
        });
        intent
    }

    /// "수신 중 · 010-1234-5678 · 0301234567", then "통화 중 00:42", then "종료".
    fn state_line(&self, ui: &mut egui::Ui, texts: &Texts) {
        let call = &self.data.call;
        let number = if self.data.number.is_withheld() {
            texts.get("popup.withheld").to_owned()
        } else {
            self.data.number.display().to_owned()
        };
        let state = match (call.answered_at, call.ended_at, call.outcome) {
            (_, Some(_), Some(outcome)) => {
                texts.fmt("popup.ended", &[("outcome", &outcome_text(texts, outcome))])
            }
            (_, Some(_), None) => texts.get("popup.ended_plain").to_owned(),
            (Some(answered), None, _) => texts.fmt(
                "popup.connected",
                &[(
                    "time",
                    &clock(Timestamp::now().as_millis() - answered.as_millis()),
                )],
            ),
            (None, None, _) => texts.get("popup.ringing").to_owned(),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(state).strong());
            ui.label(direction_text(texts, call.direction));
        });
        ui.label(egui::RichText::new(number).size(20.0).strong());
        if !call.line.is_empty() {
            ui.weak(texts.fmt("popup.line", &[("line", &call.line)]));
        }
    }

    fn memo_box(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        let label = ui.label(texts.get("popup.memo"));
        ui.add(
            egui::TextEdit::multiline(&mut self.memo)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        let too_long = self.memo.len() > CALL_MEMO_MAX_BYTES;
        ui.horizontal(|ui| {
            let can_save = self.call_id.is_some() && !too_long && self.memo != self.memo_saved;
            if ui
                .add_enabled(can_save, egui::Button::new(texts.get("popup.save_memo")))
                .clicked()
                && let Some(id) = self.call_id
            {
                commands.push(Command::SaveCallMemo {
                    id,
                    memo: self.memo.clone(),
                });
                self.memo_saved.clone_from(&self.memo);
            }
            if too_long {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    texts.fmt("popup.memo_too_long", &[("max", &CALL_MEMO_MAX_BYTES)]),
                );
            } else if !self.memo.is_empty() && self.memo == self.memo_saved {
                ui.weak(texts.get("popup.memo_saved"));
            }
        });
    }
}

/// The matched customer: name, company, groups, the fields marked for the
/// pop-up, the last call with its memo and the latest note.
fn customer(
    ui: &mut egui::Ui,
    texts: &Texts,
    lookups: &Lookups,
    found: &PopupMatch,
) -> Option<Intent> {
    let customer = &found.customer;
    let mut intent = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(&customer.name).size(22.0).strong());
        if !customer.company.is_empty() {
            ui.label(&customer.company);
        }
    });
    if !customer.groups.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.weak(texts.get("popup.groups"));
            ui.label(customer.groups.join(", "));
        });
    }
    let shown: Vec<_> = lookups
        .fields
        .iter()
        .filter(|def| def.show_in_popup)
        .filter_map(|def| customer.fields.iter().find(|field| field.key == def.key))
        .collect();
    if !shown.is_empty() {
        egui::Grid::new(("popup_fields", customer.id.0))
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for field in shown {
                    ui.weak(&field.label);
                    ui.label(super::format::field_value(texts, &field.value));
                    ui.end_row();
                }
            });
    }
    ui.add_space(4.0);
    ui.weak(texts.get("card.last_call"));
    match &found.last_call {
        Some(call) => {
            let outcome = call
                .outcome
                .map(|outcome| outcome_text(texts, outcome))
                .unwrap_or_default();
            ui.label(format!(
                "{} · {} {}",
                local_date_time(call.started_at),
                direction_text(texts, call.direction),
                outcome
            ));
            if !call.memo.is_empty() {
                ui.label(egui::RichText::new(&call.memo).italics());
            }
        }
        None => {
            ui.label(texts.get("card.no_calls"));
        }
    }
    if let Some(note) = &found.latest_note {
        ui.add_space(4.0);
        ui.weak(texts.get("popup.latest_note"));
        ui.label(format!(
            "{} · {}",
            local_date_time(note.created_at),
            note.body
        ));
    }
    ui.add_space(4.0);
    if ui.button(texts.get("popup.open_customer")).clicked() {
        intent = Some(Intent::OpenCustomer(customer.id));
    }
    intent
}

/// 42 s → "00:42"; an hour and more → "1:02:03".
fn clock(millis: i64) -> String {
    let seconds = millis.max(0) / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes:02}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ringing(linked_id: &str) -> CallPopup {
        CallPopup {
            call: TrackedCall {
                linked_id: linked_id.to_owned(),
                extension: "1001".to_owned(),
                direction: crate::domain::Direction::In,
                number: "01012345678".to_owned(),
                name: String::new(),
                line: String::new(),
                ringing_at: Timestamp(1),
                answered_at: None,
                ended_at: None,
                outcome: None,
                cause: None,
                cause_text: String::new(),
            },
            number: crate::domain::PhoneNumber::withheld(""),
            matches: Vec::new(),
        }
    }

    fn ended(popups: &mut CallPopups, linked_id: &str) {
        let mut call = ringing(linked_id).call;
        call.ended_at = Some(Timestamp(2));
        popups.changed(CallChange::Ended, &call, None);
    }

    #[test]
    fn a_new_call_replaces_ended_pop_ups_but_not_an_unsaved_memo() {
        let mut popups = CallPopups::default();
        popups.ringing(ringing("a"), PopupMoment::Ring);
        popups.ringing(ringing("b"), PopupMoment::Ring);
        popups.ringing(ringing("b"), PopupMoment::Ring);
        assert_eq!(popups.popups.len(), 2, "one pop-up per call");
        ended(&mut popups, "a");
        ended(&mut popups, "b");
        popups.popups[1].memo = "다시 전화 요망".to_owned();
        popups.ringing(ringing("c"), PopupMoment::Ring);
        let open: Vec<_> = popups
            .popups
            .iter()
            .map(|popup| popup.data.call.linked_id.as_str())
            .collect();
        assert_eq!(open, ["b", "c"]);
    }

    #[test]
    fn with_pop_on_answer_a_call_ended_unanswered_leaves_nothing() {
        let mut popups = CallPopups::default();
        popups.ringing(ringing("a"), PopupMoment::Answer);
        assert!(!popups.any_visible());
        ended(&mut popups, "a");
        assert!(!popups.any_visible());
    }

    #[test]
    fn the_clock_reads_like_a_phone() {
        assert_eq!(clock(42_000), "00:42");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(clock(-5), "00:00");
    }
}
