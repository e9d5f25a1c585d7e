//! The text editor of every bulk-send window (대량, 임의, 엑셀문자발송):
//! sender number, saved text, subject, picture (사진 첨부, the single
//! composer's [`PictureSlot`]), 광고, body and 예약발송, checked on
//! every frame with the backend's own [`check_draft`] against a sample
//! recipient — the first of the list, its customer's details and its sheet
//! values filled in as the batch runner fills them ([`fill_columns`]) — a
//! preview of the first recipients' texts, and the confirmation before the
//! batch is stored. A picture makes every message an MMS; the batch stores
//! it once, and the confirmation counts MMS.
//!
//! The window around it owns the recipient list. It passes a count and a
//! few samples every frame; only when the manager confirms does it build
//! the whole list, for [`BulkMessage::start`]. The backend answers with
//! `BatchStarted` (the batch goes on in the background) or `BatchRefused`.

use std::path::{Path, PathBuf};

use eframe::egui;
use jiff::civil::{Date, Time};

use super::date_picker;
use super::format::local_date_time;
use super::i18n::Texts;
use super::problem_text::{describe, describe_issue};
use super::sms_form::{self, Data};
use super::sms_picture::PictureSlot;
use super::widgets::clipped;
use crate::backend::{
    BatchId, BatchKind, BatchProblem, CheckedDraft, Command, ComposeContext, Draft, MessageKind,
    NewBatch, NewRecipient, PictureFileError, QueryId, Role, SmsField, check_draft, fill_columns,
    local_time,
};
use crate::domain::{Customer, Picture, SenderNumberId, Timestamp};

/// Recipients whose personalised text the preview shows.
pub const PREVIEWED: usize = 3;
/// Characters of a previewed text shown: more than any message may hold
/// (2,000 bytes), less than a sheet's cell may put in it.
const PREVIEW_CHARS: usize = 2_500;

/// One recipient the text is checked and previewed for.
pub struct Sample<'a> {
    /// The number as given.
    pub to: &'a str,
    /// The customer it belongs to, for `#{이름}` and advertising consent.
    pub customer: Option<&'a Customer>,
    /// A sheet row's values by column name, for `#{열이름}`.
    pub values: &'a [(String, String)],
}

/// What the window around the editor knows of its recipient list this frame.
pub struct Recipients<'a> {
    /// How many would be sent to; 0 while the list is being made.
    pub count: usize,
    /// The first few ([`PREVIEWED`]), in order: the first is the one the
    /// text is checked against.
    pub samples: &'a [Sample<'a>],
    /// Messages the gateway's credit still pays for, when it sells credit.
    pub balance: Option<u64>,
}

/// The manager confirmed: the window builds its list and calls
/// [`BulkMessage::start`].
#[derive(Debug, Clone, Copy)]
#[must_use = "the batch is stored only by BulkMessage::start"]
pub struct Confirmed {
    sender: Option<SenderNumberId>,
    scheduled_at: Option<Timestamp>,
}

/// Where the send is.
enum Stage {
    /// Being written; `refused` is what the backend refused last time.
    Editing { refused: Option<BatchProblem> },
    /// The confirmation is open, since egui's pass `opened_in` (the click
    /// that opened it is no click outside it).
    Confirming { opened_in: u64 },
    /// Asked the backend to store it.
    Starting(QueryId),
    /// Stored; it runs in the background.
    Started(BatchId),
}

/// The bulk-send text editor with its confirmation.
pub struct BulkMessage {
    /// Tells this editor's widgets apart from other windows'.
    id: egui::Id,
    /// The text as typed, with its picture (`to` and `customer` stay
    /// empty: they come from the sample when it is checked).
    draft: Draft,
    /// The attach button, the file dialog and the attached file's name.
    picture: PictureSlot,
    /// 예약발송 ticked.
    scheduled: bool,
    /// The scheduled day, `YYYY-MM-DD`.
    date: String,
    /// The scheduled time, `HH:MM`.
    time: String,
    stage: Stage,
    /// A failure the backend reported while storing.
    error: Option<String>,
    /// The manager asked to see the results of the batch.
    wants_results: Option<BatchId>,
    /// Text to put into the body at its cursor on the next frame (a
    /// `#{열이름}` chip of 엑셀문자발송).
    insert: Option<String>,
}

/// Why the scheduled time cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScheduleProblem {
    /// Not a date and a time.
    Unreadable,
    /// Already past.
    Past,
}

impl BulkMessage {
    /// An empty editor; `id_salt` keeps its widgets apart from other windows'.
    #[must_use]
    pub fn new(id_salt: &str) -> Self {
        Self {
            id: egui::Id::unique(("bulk_message", id_salt)),
            draft: Draft::default(),
            picture: PictureSlot::default(),
            scheduled: false,
            date: String::new(),
            time: String::new(),
            stage: Stage::Editing { refused: None },
            error: None,
            wants_results: None,
            insert: None,
        }
    }

    /// The body as typed, placeholders unfilled (엑셀문자발송 finds the
    /// columns it uses in it).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.draft.text
    }

    /// Puts `text` into the body at its cursor (at its end when it was
    /// never focused) on the next frame, and focuses it.
    pub fn insert(&mut self, text: &str) {
        self.insert = Some(text.to_owned());
    }

    /// Whether the text is an advertisement (광고 ticked): the window
    /// around it leaves out those who opted out.
    #[must_use]
    pub fn advertising(&self) -> bool {
        self.draft.advertising
    }

    /// Whether the text is being written, so a file dropped on its window
    /// becomes its picture.
    #[must_use]
    pub fn takes_picture(&self) -> bool {
        matches!(self.stage, Stage::Editing { .. })
    }

    /// A file was dropped on the window: the backend is asked to read it
    /// as the picture.
    pub fn attach_file(
        &mut self,
        path: PathBuf,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        self.picture.attach_file(path, next_request, commands);
    }

    /// The backend read a picture; true when this editor asked for it.
    pub fn picture_loaded(&mut self, request: QueryId, path: &Path, picture: &Picture) -> bool {
        self.picture
            .loaded(request, path, picture, &mut self.draft.image)
    }

    /// The backend refused a file; true when this editor asked for it.
    pub fn picture_refused(&mut self, request: QueryId, error: &PictureFileError) -> bool {
        self.picture.refused(request, error)
    }

    /// The batch whose results the manager asked to see, once.
    pub fn wants_results(&mut self) -> Option<BatchId> {
        self.wants_results.take()
    }

    /// The backend stored a batch; true when this editor asked for it.
    pub fn started(&mut self, request: QueryId, id: BatchId) -> bool {
        if matches!(self.stage, Stage::Starting(asked) if asked == request) {
            self.stage = Stage::Started(id);
            return true;
        }
        false
    }

    /// The backend refused a batch; true when this editor asked for it.
    pub fn refused(&mut self, request: QueryId, problem: &BatchProblem) -> bool {
        if matches!(self.stage, Stage::Starting(asked) if asked == request) {
            self.stage = Stage::Editing {
                refused: Some(problem.clone()),
            };
            return true;
        }
        false
    }

    /// A request failed; a batch being stored goes back to editing.
    pub fn failed(&mut self, action: &str, message: &str) {
        if action == "start the bulk send" && matches!(self.stage, Stage::Starting(_)) {
            self.stage = Stage::Editing { refused: None };
            self.error = Some(message.to_owned());
        }
    }

    /// Stores the confirmed batch with `recipients`: sends
    /// [`Command::StartBatch`].
    pub fn start(
        &mut self,
        confirmed: Confirmed,
        kind: BatchKind,
        title: String,
        recipients: Vec<NewRecipient>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let Confirmed {
            sender,
            scheduled_at,
        } = confirmed;
        *next_request += 1;
        let request = QueryId(*next_request);
        self.error = None;
        self.stage = Stage::Starting(request);
        commands.push(Command::StartBatch {
            request,
            batch: Box::new(NewBatch {
                kind,
                title,
                created_by: None,
                sender_number_id: sender,
                subject: self.draft.subject.clone(),
                body_template: self.draft.text.clone(),
                advertising: self.draft.advertising,
                scheduled_at,
                image: self.draft.image.clone(),
            }),
            recipients,
        });
    }

    /// The scheduled moment and its wall-clock time, None when it goes now.
    fn schedule(&self) -> Result<Option<(Timestamp, Time)>, ScheduleProblem> {
        if !self.scheduled {
            return Ok(None);
        }
        let date = self.date.trim().parse::<Date>();
        let time = self.time.trim().parse::<Time>();
        let (Ok(date), Ok(time)) = (date, time) else {
            return Err(ScheduleProblem::Unreadable);
        };
        let at = local_time::at(date, time).ok_or(ScheduleProblem::Unreadable)?;
        if at <= Timestamp::now() {
            return Err(ScheduleProblem::Past);
        }
        Ok(Some((at, time)))
    }

    /// The draft as `sample` would receive it, checked at `local_time`.
    fn check(
        &self,
        data: &Data<'_>,
        sample: Option<&Sample<'_>>,
        local_time: Time,
    ) -> CheckedDraft {
        let values = sample.map_or(&[][..], |sample| sample.values);
        let customer = sample.and_then(|sample| sample.customer);
        let draft = Draft {
            to: sample
                .map(|sample| sample.to.to_owned())
                .unwrap_or_default(),
            customer: customer.map(|customer| customer.id),
            text: fill_columns(&self.draft.text, values),
            subject: fill_columns(&self.draft.subject, values),
            ..self.draft.clone()
        };
        check_draft(
            &draft,
            &ComposeContext {
                settings: data.settings,
                region: data.region,
                senders: data.senders,
                fields: data.fields,
                customer,
                local_time,
            },
        )
    }

    /// Draws the editor; returns [`Confirmed`] in the frame the manager
    /// confirms the send. A picture chosen in the dialog is asked for with
    /// `next_request` in `commands`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        recipients: &Recipients<'_>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> Option<Confirmed> {
        if let Stage::Started(id) = self.stage {
            self.started_ui(ui, texts, id);
            return None;
        }
        sms_form::default_sender(&mut self.draft, data.senders);
        let schedule = self.schedule();
        // An advertisement's night rule applies when it goes out.
        let at = match schedule {
            Ok(Some((_, time))) => time,
            _ => local_time::now_time(),
        };
        let first = recipients.samples.first();
        let mut checked = self.check(data, first, at);
        if first.is_none() {
            // No recipient yet: the list says so, not the text.
            checked
                .problems
                .retain(|problem| problem.field != SmsField::To);
        }
        let clean = first.is_some() && checked.is_sendable() && schedule.is_ok();
        // The 보내기 row stays in view however long the form and preview grow.
        egui::Panel::bottom(self.id.with("send"))
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(4.0);
                self.send_ui(ui, texts, recipients, clean);
            });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(self.id.with("form"))
                .show(ui, |ui| {
                    // Room for the scroll bar, which floats over the content.
                    super::widgets::scroll_margin().show(ui, |ui| {
                        self.form_ui(ui, texts, data, &checked, next_request, commands);
                        self.schedule_ui(ui, texts, schedule);
                        ui.separator();
                        self.preview_ui(ui, texts, data, recipients, &checked, at);
                    });
                });
        });
        if let Stage::Confirming { opened_in } = self.stage {
            return self.confirm_ui(ui.ctx(), texts, recipients, &checked, schedule, opened_in);
        }
        None
    }

    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        checked: &CheckedDraft,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        egui::Grid::new(self.id.with("fields"))
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.get("composer.from"));
                ui.vertical(|ui| {
                    sms_form::sender_ui(
                        ui,
                        texts,
                        self.id.with("from"),
                        label.id,
                        data.senders,
                        &mut self.draft.from,
                    );
                    sms_form::problems_ui(ui, texts, checked, SmsField::From);
                });
                ui.end_row();

                let label = ui.label(texts.get("composer.template"));
                sms_form::template_ui(
                    ui,
                    texts,
                    self.id.with("template"),
                    label.id,
                    data,
                    &mut self.draft,
                );
                ui.end_row();

                if sms_form::wants_subject(checked, &self.draft) {
                    let label = ui.label(texts.get("composer.subject"));
                    sms_form::subject_ui(ui, texts, label.id, checked, &mut self.draft.subject);
                    ui.end_row();
                }

                ui.label(texts.get("composer.picture"));
                ui.vertical(|ui| {
                    self.picture
                        .ui(ui, texts, &mut self.draft.image, next_request, commands);
                    sms_form::text_problems_ui(ui, texts, checked, SmsField::Image, "");
                    sms_form::problems_ui(ui, texts, checked, SmsField::Image);
                });
                ui.end_row();
            });
        ui.add_space(4.0);
        sms_form::advertising_ui(ui, texts, data.settings, checked, &mut self.draft);
        ui.add_space(4.0);
        let body = sms_form::body_ui(
            ui,
            texts,
            self.id.with("body"),
            checked,
            &mut self.draft.text,
        );
        if let Some(text) = self.insert.take() {
            insert_at_cursor(ui.ctx(), body.id, &mut self.draft.text, &text);
        }
        sms_form::body_problems_ui(ui, texts, checked, &self.draft.text);
    }

    /// 예약발송: a tick, then a day (with the calendar) and a time.
    fn schedule_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        schedule: Result<Option<(Timestamp, Time)>, ScheduleProblem>,
    ) {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            if ui
                .checkbox(&mut self.scheduled, texts.get("bulk.schedule"))
                .changed()
                && self.scheduled
                && self.date.is_empty()
            {
                // The next full hour, a likely choice to change from.
                let next = jiff::Zoned::now()
                    .checked_add(jiff::Span::new().hours(1))
                    .unwrap_or_else(|_| jiff::Zoned::now());
                self.date = next.date().to_string();
                self.time = format!("{:02}:00", next.hour());
            }
            if self.scheduled {
                let label = ui.label(texts.get("bulk.schedule_date"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.date)
                        .hint_text("2026-05-14")
                        .desired_width(90.0),
                )
                .labelled_by(label.id);
                date_picker::button(ui, texts, self.id.with("date"), &mut self.date);
                let label = ui.label(texts.get("bulk.schedule_time"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.time)
                        .hint_text("14:30")
                        .desired_width(50.0),
                )
                .labelled_by(label.id);
            }
        });
        if let Err(problem) = schedule {
            let key = match problem {
                ScheduleProblem::Unreadable => "bulk.schedule_unreadable",
                ScheduleProblem::Past => "bulk.schedule_past",
            };
            ui.colored_label(ui.visuals().error_fg_color, texts.get(key));
        }
    }

    /// The first recipients' texts as they will receive them.
    fn preview_ui(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        data: &Data<'_>,
        recipients: &Recipients<'_>,
        first: &CheckedDraft,
        at: Time,
    ) {
        let samples = recipients
            .samples
            .get(..PREVIEWED)
            .unwrap_or(recipients.samples);
        ui.strong(texts.fmt("bulk.preview", &[("count", &samples.len())]));
        if samples.is_empty() {
            ui.weak(texts.get("bulk.preview_none"));
            return;
        }
        let error_colour = ui.visuals().error_fg_color;
        for (index, sample) in samples.iter().enumerate() {
            let checked = if index == 0 {
                first.clone()
            } else {
                self.check(data, Some(sample), at)
            };
            let to = match sample.customer {
                Some(customer) => format!("{} ({})", customer.name, sample.to),
                None => sample.to.to_owned(),
            };
            ui.group(|ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.weak(to);
                    ui.weak(sms_form::kind_text(texts, checked.measure.kind));
                });
                if !checked.subject.is_empty() {
                    ui.strong(clipped(checked.subject.clone(), PREVIEW_CHARS));
                }
                ui.label(clipped(checked.text.clone(), PREVIEW_CHARS));
                // The first one's text problems are under the body already.
                for problem in &checked.problems {
                    let shown_above = index == 0 && problem.field != SmsField::To;
                    let same_as_first = index > 0 && first.problems.contains(problem);
                    if !shown_above && !same_as_first {
                        ui.colored_label(error_colour, describe_issue(texts, &problem.issue));
                    }
                }
            });
        }
    }

    /// The 보내기 button, what keeps it off, and the backend's last answer.
    fn send_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        recipients: &Recipients<'_>,
        clean: bool,
    ) {
        let error_colour = ui.visuals().error_fg_color;
        if let Stage::Editing {
            refused: Some(problem),
        } = &self.stage
        {
            ui.colored_label(error_colour, refusal_text(texts, problem));
        }
        if let Some(error) = &self.error {
            ui.colored_label(error_colour, error);
        }
        let starting = matches!(self.stage, Stage::Starting(_));
        let can_send = clean && recipients.count > 0 && !starting;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(can_send, egui::Button::new(texts.get("bulk.send")))
                .on_hover_text(texts.get("bulk.send_hint"))
                .clicked()
            {
                self.stage = Stage::Confirming {
                    opened_in: ui.ctx().cumulative_pass_nr(),
                };
            }
            if starting {
                ui.spinner();
                ui.weak(texts.get("bulk.starting"));
            } else if recipients.count == 0 {
                ui.weak(texts.get("bulk.no_recipients"));
            }
        });
    }

    /// The confirmation: how many, which kind, the credit it takes, 광고,
    /// when. OK gives [`Confirmed`]; Cancel goes back to editing.
    fn confirm_ui(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        recipients: &Recipients<'_>,
        checked: &CheckedDraft,
        schedule: Result<Option<(Timestamp, Time)>, ScheduleProblem>,
        opened_in: u64,
    ) -> Option<Confirmed> {
        let count = recipients.count;
        let mut answer = None;
        let modal = egui::Modal::new(self.id.with("confirm")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading(texts.get("bulk.confirm_title"));
            ui.add_space(6.0);
            ui.label(texts.fmt("bulk.confirm_count", &[("count", &thousands(count))]));
            ui.label(texts.fmt(
                "bulk.confirm_kind",
                &[("kind", &sms_form::kind_text(texts, checked.measure.kind))],
            ));
            if checked.measure.kind == MessageKind::Sms && has_placeholders(&self.draft.text) {
                ui.weak(texts.get("bulk.confirm_kind_varies"));
            }
            let credit = if checked.measure.kind == MessageKind::Mms {
                "bulk.confirm_credit_mms"
            } else {
                "bulk.confirm_credit"
            };
            ui.label(texts.fmt(credit, &[("count", &thousands(count))]));
            if let Some(balance) = recipients.balance {
                let needed = u64::try_from(count).unwrap_or(u64::MAX);
                if let Some(after) = balance.checked_sub(needed) {
                    ui.label(texts.fmt(
                        "bulk.confirm_balance",
                        &[
                            ("balance", &thousands(balance)),
                            ("after", &thousands(after)),
                        ],
                    ));
                } else {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        texts.fmt(
                            "bulk.confirm_short",
                            &[
                                ("balance", &thousands(balance)),
                                ("short", &thousands(needed - balance)),
                            ],
                        ),
                    );
                }
            }
            let yes_no = if self.draft.advertising {
                texts.get("bulk.yes")
            } else {
                texts.get("bulk.no")
            };
            ui.label(texts.fmt("bulk.confirm_ad", &[("answer", &yes_no)]));
            match schedule {
                Ok(Some((at, _))) => {
                    ui.label(texts.fmt("bulk.confirm_at", &[("at", &local_date_time(at))]));
                }
                _ => {
                    ui.label(texts.get("bulk.confirm_now"));
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("bulk.ok")).clicked() {
                    answer = Some(true);
                }
                if ui.button(texts.get("bulk.cancel")).clicked() {
                    answer = Some(false);
                }
            });
        });
        if modal.should_close() && answer.is_none() && ctx.cumulative_pass_nr() != opened_in {
            answer = Some(false);
        }
        match answer {
            Some(true) => {
                self.stage = Stage::Editing { refused: None };
                Some(Confirmed {
                    sender: checked.sender.as_ref().map(|sender| sender.id),
                    scheduled_at: schedule.ok().flatten().map(|(at, _)| at),
                })
            }
            Some(false) => {
                self.stage = Stage::Editing { refused: None };
                None
            }
            None => None,
        }
    }

    /// After the batch was stored: where to follow it, and a fresh start.
    fn started_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, id: BatchId) {
        ui.label(texts.fmt("bulk.started", &[("id", &id.0)]));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button(texts.get("bulk.results")).clicked() {
                self.wants_results = Some(id);
            }
            if ui.button(texts.get("bulk.new")).clicked() {
                // Same sender; a fresh text without a picture, sent now.
                self.draft.text.clear();
                self.draft.subject.clear();
                self.draft.template = None;
                self.draft.advertising = false;
                self.picture.clear(&mut self.draft.image);
                self.scheduled = false;
                self.stage = Stage::Editing { refused: None };
            }
        });
    }
}

/// Whether `text` has a `#{…}` that may change its length per recipient.
fn has_placeholders(text: &str) -> bool {
    text.contains("#{")
}

/// 1234567 → "1,234,567".
fn thousands(n: impl TryInto<u64>) -> String {
    super::app::thousands(n.try_into().unwrap_or(u64::MAX))
}

/// Why the backend did not store the batch, in the window's language.
fn refusal_text(texts: &Texts, problem: &BatchProblem) -> String {
    match problem {
        BatchProblem::NotAllowed { role } => {
            let role = match role {
                Role::Agent => texts.get("bulk.role_agent"),
                Role::Manager => texts.get("bulk.role_manager"),
                Role::Admin => texts.get("bulk.role_admin"),
            };
            texts.fmt("bulk.not_allowed", &[("role", &role)])
        }
        BatchProblem::Invalid(invalid) => {
            let field = match invalid.field.as_str() {
                "title" => texts.get("bulk.field_title"),
                "subject" => texts.get("composer.subject"),
                "body_template" => texts.get("composer.body"),
                "image" => texts.get("composer.picture"),
                "recipients" => texts.get("bulk.field_recipients"),
                other => other,
            };
            texts.fmt(
                "bulk.refused",
                &[("field", &field), ("problem", &describe(texts, invalid))],
            )
        }
    }
}

/// Puts `text` into the text edit `id` holding `body` at its cursor (at the
/// end when it has none), moves the cursor after it and focuses the edit.
fn insert_at_cursor(ctx: &egui::Context, id: egui::Id, body: &mut String, text: &str) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let at: usize = state
        .cursor
        .char_range()
        .map_or_else(|| body.chars().count(), |range| range.primary.index.into());
    let byte = body
        .char_indices()
        .nth(at)
        .map_or(body.len(), |(byte, _)| byte);
    body.insert_str(byte, text);
    let after = egui::text::CCursor::new(at + text.chars().count());
    state
        .cursor
        .set_char_range(Some(egui::text::CCursorRange::one(after)));
    state.store(ctx, id);
    ctx.memory_mut(|memory| memory.request_focus(id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::domain::{Invalid, Problem};

    #[test]
    fn a_refusal_names_the_roles_that_may_send_and_the_field() {
        let texts = Texts::new(Language::Ko);
        let refused = refusal_text(&texts, &BatchProblem::NotAllowed { role: Role::Agent });
        assert!(refused.contains("매니저와 관리자만"), "{refused}");
        assert!(refused.contains("상담원"), "{refused}");
        let refused = refusal_text(
            &texts,
            &BatchProblem::Invalid(Invalid::new("recipients", Problem::Empty)),
        );
        assert!(refused.contains("받는 사람"), "{refused}");
    }

    #[test]
    fn a_schedule_must_be_readable_and_to_come() {
        let mut editor = BulkMessage::new("test");
        assert_eq!(editor.schedule(), Ok(None));
        editor.scheduled = true;
        editor.date = "내일".to_owned();
        editor.time = "14:30".to_owned();
        assert_eq!(editor.schedule(), Err(ScheduleProblem::Unreadable));
        "2001-01-01".clone_into(&mut editor.date);
        assert_eq!(editor.schedule(), Err(ScheduleProblem::Past));
        "2999-01-01".clone_into(&mut editor.date);
        let (_, time) = editor.schedule().unwrap().unwrap();
        assert_eq!((time.hour(), time.minute()), (14, 30));
    }
}
