//! The parts of a message form that 문자보내기 (one message) and the bulk
//! sends' text editor share: the sender number and saved-text pickers, the
//! 광고 checkbox with its fix, the body with the characters EUC-KR cannot
//! carry highlighted, and the byte count and problems under it.
//!
//! Each part works on a [`Draft`] and shows what [`CheckedDraft`] (the
//! backend's own check, run by the caller every frame) found, so every
//! form says the same thing in the same words.

use eframe::egui;

use super::i18n::Texts;
use super::problem_text::{describe_ad, describe_issue, describe_text};
use crate::backend::{
    AdProblem, AdRules, CheckedDraft, Count, Draft, Issue, MessageKind, SmsField, TextProblem,
    fix_ad,
};
use crate::config::SmsSettings;
use crate::domain::{FieldDef, Region, SenderNumber, Template};

/// What a message form needs from the main window each frame.
pub struct Data<'a> {
    /// Saved texts to start from.
    pub templates: &'a [Template],
    /// Registered sender numbers (the switched-off ones are not offered).
    pub senders: &'a [SenderNumber],
    /// User-defined fields, which are placeholders too.
    pub fields: &'a [FieldDef],
    /// The `[sms]` settings: byte limits, sender name, opt-out number.
    pub settings: &'a SmsSettings,
    /// How a number without a country code is read.
    pub region: Region,
}

/// Picks the first enabled sender number when none is chosen (the
/// template's is taken when a template is picked).
pub fn default_sender(draft: &mut Draft, senders: &[SenderNumber]) {
    if draft.from.is_empty()
        && let Some(first) = senders.iter().find(|sender| sender.enabled)
    {
        draft.from.clone_from(&first.raw);
    }
}

/// The sender number picker (registered, enabled numbers), or a note that
/// none is registered.
pub fn sender_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    id_salt: impl egui::AsIdSalt,
    label: egui::Id,
    senders: &[SenderNumber],
    from: &mut String,
) {
    let enabled: Vec<&SenderNumber> = senders.iter().filter(|sender| sender.enabled).collect();
    if enabled.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            texts.get("templates.no_senders"),
        );
        return;
    }
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(from.as_str())
        .width(200.0)
        .show_ui(ui, |ui| {
            for sender in enabled {
                let text = if sender.label.is_empty() {
                    sender.raw.clone()
                } else {
                    format!("{} ({})", sender.raw, sender.label)
                };
                ui.selectable_value(from, sender.raw.clone(), text);
            }
        })
        .response
        .labelled_by(label);
}

/// The saved-text (SMS문구) picker; a text picked fills the draft.
pub fn template_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    id_salt: impl egui::AsIdSalt,
    label: egui::Id,
    data: &Data<'_>,
    draft: &mut Draft,
) {
    let picked = draft
        .template
        .and_then(|id| data.templates.iter().find(|template| template.id == id))
        .map_or(texts.get("composer.no_template"), |template| {
            template.title.as_str()
        });
    let mut chosen = None;
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(picked)
        .width(200.0)
        .show_ui(ui, |ui| {
            if data.templates.is_empty() {
                ui.weak(texts.get("templates.none"));
            }
            for template in data.templates {
                if ui
                    .selectable_label(draft.template == Some(template.id), &template.title)
                    .clicked()
                {
                    chosen = Some(template);
                }
            }
        })
        .response
        .labelled_by(label);
    if let Some(template) = chosen {
        use_template(draft, template, data.senders);
    }
}

/// Fills the body, subject, advertising mark and sender from `template`.
pub fn use_template(draft: &mut Draft, template: &Template, senders: &[SenderNumber]) {
    draft.template = Some(template.id);
    draft.text.clone_from(&template.body);
    draft.subject.clone_from(&template.subject);
    draft.advertising = template.advertising;
    if let Some(sender) = template.sender_number_id.and_then(|id| {
        senders
            .iter()
            .find(|sender| sender.id == id && sender.enabled)
    }) {
        draft.from.clone_from(&sender.raw);
    }
}

/// Whether the subject field is offered: a subject makes it an LMS, so it
/// is once the text is long enough to be one anyway (or already has one).
#[must_use]
pub fn wants_subject(checked: &CheckedDraft, draft: &Draft) -> bool {
    checked.measure.kind != MessageKind::Sms || !draft.subject.is_empty()
}

/// The subject field with its problems.
pub fn subject_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    label: egui::Id,
    checked: &CheckedDraft,
    subject: &mut String,
) {
    ui.vertical(|ui| {
        ui.add(
            egui::TextEdit::singleline(subject)
                .hint_text(texts.get("templates.subject_hint"))
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label);
        text_problems_ui(ui, texts, checked, SmsField::Subject, subject);
        problems_ui(ui, texts, checked, SmsField::Subject);
    });
}

/// The problems about `field` other than the text's and the advertising
/// ones ([`text_problems_ui`] and [`advertising_ui`] show those, with the
/// places of characters and the fixes).
pub fn problems_ui(ui: &mut egui::Ui, texts: &Texts, checked: &CheckedDraft, field: SmsField) {
    let error_colour = ui.visuals().error_fg_color;
    for problem in checked.problems_of(field) {
        if !matches!(problem.issue, Issue::Text(_) | Issue::Ad(_)) {
            ui.colored_label(error_colour, describe_issue(texts, &problem.issue));
        }
    }
}

/// The 광고 checkbox, the button that applies the advertising rules to the
/// text, and each advertising problem (with "send as an advertisement"
/// where the text looks like one).
pub fn advertising_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    settings: &SmsSettings,
    checked: &CheckedDraft,
    draft: &mut Draft,
) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut draft.advertising, texts.get("composer.advertising"));
        if draft.advertising {
            let rules = AdRules::from_settings(settings, &draft.from);
            let fixed = fix_ad(&draft.text, &rules);
            if ui
                .add_enabled(
                    fixed != draft.text,
                    egui::Button::new(texts.get("composer.fix_ad")),
                )
                .on_hover_text(texts.get("composer.fix_ad_hint"))
                .clicked()
            {
                draft.text = fixed;
            }
        }
    });
    let error_colour = ui.visuals().error_fg_color;
    for problem in &checked.problems {
        let Issue::Ad(ad) = &problem.issue else {
            continue;
        };
        ui.colored_label(error_colour, describe_ad(texts, ad));
        if *ad == AdProblem::NotSentAsAd && ui.button(texts.get("composer.send_as_ad")).clicked() {
            draft.advertising = true;
        }
    }
}

/// The body's label and editor, every character EUC-KR cannot carry on a
/// red background; returns the editor's response (to focus it).
pub fn body_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    id_salt: impl egui::AsIdSalt,
    checked: &CheckedDraft,
    text: &mut String,
) -> egui::Response {
    let label = ui.label(texts.get("composer.body"));
    let unsupported: Vec<char> = checked
        .measure
        .unsupported()
        .filter(|(field, _)| *field == SmsField::Body)
        .map(|(_, at)| at.ch)
        .collect();
    let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap_width: f32| {
        let job = highlighted(ui, text.as_str(), &unsupported, wrap_width);
        ui.fonts_mut(|fonts| fonts.layout_job(job))
    };
    ui.add(
        egui::TextEdit::multiline(text)
            .id_salt(id_salt)
            .desired_rows(6)
            .desired_width(f32::INFINITY)
            .layouter(&mut layouter),
    )
    .labelled_by(label.id)
}

/// Under the body: its byte count and kind, and its problems.
pub fn body_problems_ui(ui: &mut egui::Ui, texts: &Texts, checked: &CheckedDraft, typed: &str) {
    ui.label(count_text(texts, checked));
    text_problems_ui(ui, texts, checked, SmsField::Body, typed);
    problems_ui(ui, texts, checked, SmsField::Body);
    problems_ui(ui, texts, checked, SmsField::SendAt);
}

/// The length and character problems of `field` in the window's language;
/// characters EUC-KR cannot carry are named with their place in `typed`
/// (the text as typed, before placeholders are filled) and their code point,
/// since a character no font here can draw shows as a box.
pub fn text_problems_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    checked: &CheckedDraft,
    field: SmsField,
    typed: &str,
) {
    let error_colour = ui.visuals().error_fg_color;
    for problem in &checked.measure.problems {
        if problem.field() != field {
            continue;
        }
        let text = match problem {
            // An empty body is not a mistake yet; Send stays disabled.
            TextProblem::EmptyBody => continue,
            TextProblem::Unsupported { chars, .. } => {
                let bad: Vec<char> = chars.iter().map(|at| at.ch).collect();
                let named: Vec<String> = typed
                    .chars()
                    .enumerate()
                    .filter(|(_, ch)| bad.contains(ch))
                    .map(|(index, ch)| {
                        texts.fmt(
                            "composer.char_at",
                            &[
                                ("char", &ch),
                                ("code", &format!("U+{:04X}", u32::from(ch))),
                                ("place", &(index + 1)),
                            ],
                        )
                    })
                    .collect();
                texts.fmt("composer.unsupported", &[("chars", &named.join(", "))])
            }
            other => describe_text(texts, other),
        };
        ui.colored_label(error_colour, text);
    }
}

/// The kind a message goes as, in the window's language: "SMS (단문)".
#[must_use]
pub fn kind_text(texts: &Texts, kind: MessageKind) -> &str {
    match kind {
        MessageKind::Sms => texts.get("templates.kind_sms"),
        MessageKind::Lms => texts.get("templates.kind_lms"),
        MessageKind::Mms => texts.get("templates.kind_mms"),
    }
}

/// "45 / 90바이트 · SMS (단문)" or "2개로 나뉨 · UCS-2".
#[must_use]
pub fn count_text(texts: &Texts, checked: &CheckedDraft) -> String {
    let kind = kind_text(texts, checked.measure.kind);
    match checked.measure.count {
        Count::Bytes { body, max, .. } => texts.fmt(
            "templates.bytes",
            &[("bytes", &body), ("max", &max), ("kind", &kind)],
        ),
        Count::Segments(segments) => {
            let alphabet = match segments.alphabet {
                crate::backend::Alphabet::Gsm7 => "GSM-7",
                crate::backend::Alphabet::Ucs2 => "UCS-2",
            };
            texts.fmt(
                "composer.segments",
                &[("segments", &segments.segments), ("alphabet", &alphabet)],
            )
        }
    }
}

/// The body laid out with every character EUC-KR cannot carry on a red
/// background, so the agent sees where it is.
fn highlighted(ui: &egui::Ui, text: &str, bad: &[char], wrap_width: f32) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let normal = egui::TextFormat::simple(font.clone(), ui.visuals().text_color());
    let marked = egui::TextFormat {
        background: ui.visuals().error_fg_color.gamma_multiply(0.4),
        ..egui::TextFormat::simple(font, ui.visuals().strong_text_color())
    };
    let mut job = egui::text::LayoutJob::default();
    let mut start = 0;
    for (at, ch) in text.char_indices() {
        if bad.contains(&ch) {
            if let Some(before) = text.get(start..at) {
                job.append(before, 0.0, normal.clone());
            }
            let end = at + ch.len_utf8();
            if let Some(it) = text.get(at..end) {
                job.append(it, 0.0, marked.clone());
            }
            start = end;
        }
    }
    if let Some(rest) = text.get(start..) {
        job.append(rest, 0.0, normal);
    }
    job.wrap.max_width = wrap_width;
    job
}
