//! 문자보내기: one message to one number, opened from a customer's card,
//! the caller pop-up or the call log; several may be open at once.
//!
//! The window runs the backend's own draft check ([`check_draft`]) on every
//! frame, so the byte count, the kind (SMS → LMS → too long), every problem
//! next to its field and the characters EUC-KR cannot carry are always
//! those the backend will find; Send stays disabled until the check is
//! clean. The backend checks again when it queues (the local time may have
//! crossed into the advertising night meanwhile) and answers with
//! `SmsQueued` or `SmsRefused`; after that the window follows the message
//! through its states as `MessageChanged` events arrive.
//!
//! A picture (사진 첨부, [`PictureSlot`]) makes the message an MMS; it is
//! read by the backend, chosen in a file dialog or dropped on the window.

use std::path::{Path, PathBuf};

use eframe::egui;

use super::format::{message_state_colour, message_state_text};
use super::i18n::Texts;
use super::problem_text::describe_issue;
use super::sms_form;
use super::sms_picture::PictureSlot;
use super::widgets::{drop_lands_in, escape_closes};
use crate::backend::{
    CheckedDraft, Command, ComposeContext, CustomerCard, Draft, DraftProblem, Message,
    MessageState, PictureFileError, QueryId, SmsField, check_draft, local_time,
};
use crate::domain::{Customer, CustomerId, MessageId, Picture};

/// The body editor's id salt, for Ctrl+Enter and the first focus.
const BODY: &str = "sms_composer_body";

/// What the composer needs from the main window each frame.
pub use super::sms_form::Data;

/// Where the message is after the agent pressed Send.
enum Stage {
    /// Being written; `refused` holds what the backend refused last time.
    Editing { refused: Vec<DraftProblem> },
    /// Sent to the backend, no answer yet.
    Sending(QueryId),
    /// In the outbox; `message` is its latest state once reported.
    Queued {
        id: MessageId,
        message: Option<Box<Message>>,
    },
}

/// One composer window.
pub struct SmsComposer {
    /// Tells this window apart from other composers.
    serial: u64,
    draft: Draft,
    /// The customer it goes to, for placeholders and advertising consent;
    /// arrives with the card when the window was opened with an id only.
    customer: Option<Customer>,
    stage: Stage,
    /// Put the cursor in the body on the first frame.
    focus_body: bool,
    /// A failure the backend reported while sending.
    error: Option<String>,
    /// The attach button, the file dialog and the attached file's name.
    picture: PictureSlot,
    /// Where the window was last drawn, to tell whether a file was dropped on it.
    rect: Option<egui::Rect>,
    closed: bool,
}

impl SmsComposer {
    /// A composer for `to`, written to `customer` when known (its card is
    /// asked for when only the id is); `serial` makes its window unique.
    #[must_use]
    pub fn new(serial: u64, to: &str, customer: Option<&Customer>, id: Option<CustomerId>) -> Self {
        Self {
            serial,
            draft: Draft {
                to: to.to_owned(),
                customer: customer.map(|customer| customer.id).or(id),
                ..Draft::default()
            },
            customer: customer.cloned(),
            stage: Stage::Editing {
                refused: Vec::new(),
            },
            focus_body: true,
            error: None,
            picture: PictureSlot::default(),
            rect: None,
            closed: false,
        }
    }

    /// The customer it is written to, when known only by id: the card the
    /// main window should ask for.
    #[must_use]
    pub fn wants_card(&self) -> Option<CustomerId> {
        match &self.customer {
            Some(_) => None,
            None => self.draft.customer,
        }
    }

    /// Whether the window was closed.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// A card arrived: the composer written to that customer takes it.
    pub fn card_loaded(&mut self, card: &CustomerCard) {
        if self.draft.customer == Some(card.customer.id) {
            self.customer = Some(card.customer.clone());
        }
    }

    /// The backend queued a message; true when it was this window's.
    pub fn queued(&mut self, request: QueryId, id: MessageId) -> bool {
        if matches!(self.stage, Stage::Sending(asked) if asked == request) {
            self.stage = Stage::Queued { id, message: None };
            return true;
        }
        false
    }

    /// The backend refused to queue; true when it was this window's.
    pub fn refused(&mut self, request: QueryId, problems: &[DraftProblem]) -> bool {
        if matches!(self.stage, Stage::Sending(asked) if asked == request) {
            self.stage = Stage::Editing {
                refused: problems.to_vec(),
            };
            return true;
        }
        false
    }

    /// A message changed state; the window showing it follows.
    pub fn message_changed(&mut self, changed: &Message) {
        if let Stage::Queued { id, message } = &mut self.stage
            && *id == changed.id
        {
            *message = Some(Box::new(changed.clone()));
        }
    }

    /// Whether a file dropped at `pointer` is meant for this window: one
    /// being written, under the pointer (any such window when the pointer
    /// is not known).
    #[must_use]
    pub fn takes_drop_at(&self, pointer: Option<egui::Pos2>) -> bool {
        matches!(self.stage, Stage::Editing { .. }) && drop_lands_in(pointer, self.rect)
    }

    /// A file was dropped on the window: the backend is asked to read it.
    pub fn attach_file(
        &mut self,
        path: PathBuf,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        self.picture.attach_file(path, next_request, commands);
    }

    /// The backend read a picture; true when this window asked for it.
    pub fn picture_loaded(&mut self, request: QueryId, path: &Path, picture: &Picture) -> bool {
        self.picture
            .loaded(request, path, picture, &mut self.draft.image)
    }

    /// The backend refused a file; true when this window asked for it.
    pub fn picture_refused(&mut self, request: QueryId, error: &PictureFileError) -> bool {
        self.picture.refused(request, error)
    }

    /// A request failed; a send in flight goes back to editing.
    pub fn failed(&mut self, action: &str, message: &str) {
        if action == "send message" && matches!(self.stage, Stage::Sending(_)) {
            self.stage = Stage::Editing {
                refused: Vec::new(),
            };
            self.error = Some(message.to_owned());
        }
    }

    fn check(&self, data: &Data<'_>) -> CheckedDraft {
        check_draft(
            &self.draft,
            &ComposeContext {
                settings: data.settings,
                region: data.region,
                senders: data.senders,
                fields: data.fields,
                customer: self.customer.as_ref(),
                local_time: local_time::now_time(),
            },
        )
    }

    /// Draws the window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        sms_form::default_sender(&mut self.draft, data.senders);
        let window = egui::Id::unique(("sms_composer", self.serial));
        let title = match &self.customer {
            Some(customer) => texts.fmt("composer.title_to", &[("name", &customer.name)]),
            None => texts.get("composer.title").to_owned(),
        };
        let mut open = true;
        let shown = egui::Window::new(title)
            .id(window)
            .open(&mut open)
            .default_width(460.0)
            .min_width(420.0)
            .show(ctx, |ui| {
                if matches!(self.stage, Stage::Queued { .. }) {
                    self.progress_ui(ui, texts);
                } else {
                    self.form_ui(ui, texts, data, next_request, commands);
                }
            });
        self.rect = shown.map(|shown| shown.response.rect);
        if !open || escape_closes(ctx, window) {
            self.closed = true;
        }
    }

    #[expect(clippy::too_many_lines, reason = "the form reads best top to bottom")]
    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let checked = self.check(data);
        let sending = matches!(self.stage, Stage::Sending(_));
        let refused: Vec<DraftProblem> = match &self.stage {
            Stage::Editing { refused } => refused.clone(),
            _ => Vec::new(),
        };
        let error_colour = ui.visuals().error_fg_color;
        egui::Grid::new(("composer_fields", self.serial))
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.get("composer.to"));
                ui.vertical(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.draft.to)
                            .hint_text("010-1234-5678")
                            .desired_width(200.0),
                    )
                    .labelled_by(label.id);
                    sms_form::problems_ui(ui, texts, &checked, SmsField::To);
                });
                ui.end_row();

                let label = ui.label(texts.get("composer.from"));
                ui.vertical(|ui| {
                    sms_form::sender_ui(
                        ui,
                        texts,
                        ("composer_from", self.serial),
                        label.id,
                        data.senders,
                        &mut self.draft.from,
                    );
                    sms_form::problems_ui(ui, texts, &checked, SmsField::From);
                });
                ui.end_row();

                let label = ui.label(texts.get("composer.template"));
                sms_form::template_ui(
                    ui,
                    texts,
                    ("composer_template", self.serial),
                    label.id,
                    data,
                    &mut self.draft,
                );
                ui.end_row();

                if sms_form::wants_subject(&checked, &self.draft) {
                    let label = ui.label(texts.get("composer.subject"));
                    sms_form::subject_ui(ui, texts, label.id, &checked, &mut self.draft.subject);
                    ui.end_row();
                }

                ui.label(texts.get("composer.picture"));
                ui.vertical(|ui| {
                    self.picture
                        .ui(ui, texts, &mut self.draft.image, next_request, commands);
                    sms_form::text_problems_ui(ui, texts, &checked, SmsField::Image, "");
                    sms_form::problems_ui(ui, texts, &checked, SmsField::Image);
                });
                ui.end_row();
            });

        // Above the body, where it stays put while problems come and go
        // below it.
        ui.add_space(4.0);
        sms_form::advertising_ui(ui, texts, data.settings, &checked, &mut self.draft);
        ui.add_space(4.0);
        let body = sms_form::body_ui(
            ui,
            texts,
            (BODY, self.serial),
            &checked,
            &mut self.draft.text,
        );
        if std::mem::take(&mut self.focus_body) {
            body.request_focus();
        }
        sms_form::body_problems_ui(ui, texts, &checked, &self.draft.text);

        if !refused.is_empty() {
            ui.add_space(4.0);
            ui.colored_label(error_colour, texts.get("composer.refused"));
            for problem in &refused {
                ui.colored_label(
                    error_colour,
                    format!("· {}", describe_issue(texts, &problem.issue)),
                );
            }
        }
        if let Some(error) = &self.error {
            ui.colored_label(error_colour, error);
        }

        ui.add_space(6.0);
        let ctrl_enter =
            ui.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        let can_send = checked.is_sendable() && !sending;
        ui.horizontal(|ui| {
            let send = ui
                .add_enabled(can_send, egui::Button::new(texts.get("composer.send")))
                .on_hover_text(texts.get("composer.send_hint"));
            if (send.clicked() || (ctrl_enter && can_send)) && !sending {
                *next_request += 1;
                let request = QueryId(*next_request);
                self.error = None;
                self.stage = Stage::Sending(request);
                commands.push(Command::SendSms {
                    request,
                    draft: Box::new(self.draft.clone()),
                });
            }
            if ui.button(texts.get("composer.close")).clicked() {
                self.closed = true;
            }
            if sending {
                ui.spinner();
                ui.weak(texts.get("composer.sending"));
            }
        });
    }

    /// After Send: the message's way through the outbox.
    fn progress_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let Stage::Queued { message, .. } = &self.stage else {
            return;
        };
        let state = message
            .as_ref()
            .map_or(MessageState::Queued, |message| message.state);
        ui.label(texts.fmt("composer.sent_to", &[("number", &self.draft.to)]));
        ui.colored_label(
            message_state_colour(ui.visuals(), state),
            texts.fmt(
                "composer.state",
                &[("state", &message_state_text(texts, state))],
            ),
        );
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            for step in [
                MessageState::Queued,
                MessageState::Sending,
                MessageState::Sent,
                MessageState::Delivered,
            ] {
                let reached = step_reached(state, step);
                let text = egui::RichText::new(message_state_text(texts, step));
                let text = if step == state {
                    text.strong()
                        .color(message_state_colour(ui.visuals(), state))
                } else if reached {
                    text
                } else {
                    text.weak()
                };
                ui.label(text);
                if step != MessageState::Delivered {
                    ui.weak("→");
                }
            }
        });
        if matches!(state, MessageState::Failed | MessageState::Cancelled) {
            let reason = message
                .as_ref()
                .and_then(|message| message.error.clone())
                .unwrap_or_default();
            ui.colored_label(
                ui.visuals().error_fg_color,
                texts.fmt(
                    "composer.failed",
                    &[
                        ("state", &message_state_text(texts, state)),
                        ("reason", &reason),
                    ],
                ),
            );
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button(texts.get("composer.new")).clicked() {
                // Same recipient and sender, a fresh text.
                self.draft.text.clear();
                self.draft.subject.clear();
                self.draft.template = None;
                self.draft.advertising = false;
                self.picture.clear(&mut self.draft.image);
                self.stage = Stage::Editing {
                    refused: Vec::new(),
                };
                self.focus_body = true;
            }
            if ui.button(texts.get("composer.close")).clicked() {
                self.closed = true;
            }
        });
    }
}

/// Whether a message in `state` has passed `step` on the usual way.
fn step_reached(state: MessageState, step: MessageState) -> bool {
    let order = |state| match state {
        // A failed or cancelled message got no further than queued as far
        // as the steps show; the reason line says the rest.
        MessageState::Queued | MessageState::Failed | MessageState::Cancelled => 0,
        MessageState::Sending => 1,
        MessageState::Sent => 2,
        MessageState::Delivered => 3,
    };
    order(step) <= order(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_message() {
        assert!(step_reached(MessageState::Sent, MessageState::Queued));
        assert!(step_reached(MessageState::Sent, MessageState::Sent));
        assert!(!step_reached(MessageState::Sent, MessageState::Delivered));
        assert!(!step_reached(MessageState::Failed, MessageState::Sending));
    }
}
