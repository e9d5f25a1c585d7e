//! How times and small values read in the window: the desk's local time.

use eframe::egui;

use crate::domain::{Direction, FieldValue, MessageState, Outcome, Timestamp};

use super::i18n::Texts;

fn zoned(at: Timestamp) -> Option<jiff::Zoned> {
    jiff::Timestamp::from_millisecond(at.as_millis())
        .ok()
        .map(|t| t.to_zoned(jiff::tz::TimeZone::system()))
}

/// "14:05:09" in local time.
#[must_use]
pub fn local_time(at: Timestamp) -> String {
    zoned(at).map_or_else(String::new, |t| t.strftime("%H:%M:%S").to_string())
}

/// "2026-11-23 14:05" in local time.
#[must_use]
pub fn local_date_time(at: Timestamp) -> String {
    zoned(at).map_or_else(String::new, |t| t.strftime("%Y-%m-%d %H:%M").to_string())
}

/// "11-23 14:05" in local time, for a time within the year.
#[must_use]
pub fn local_short_date_time(at: Timestamp) -> String {
    zoned(at).map_or_else(String::new, |t| t.strftime("%m-%d %H:%M").to_string())
}

/// "2026-11-23" in local time.
#[must_use]
pub fn local_date(at: Timestamp) -> String {
    zoned(at).map_or_else(String::new, |t| t.strftime("%Y-%m-%d").to_string())
}

/// A call's length: "0:42", "12:05", "1:02:03".
#[must_use]
pub fn duration_text(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    let (hours, minutes, secs) = (secs / 3600, secs / 60 % 60, secs % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

/// 수신 / 발신 / 내선.
#[must_use]
pub fn direction_text(texts: &Texts, direction: Direction) -> &str {
    match direction {
        Direction::In => texts.get("calls.incoming"),
        Direction::Out => texts.get("calls.outgoing"),
        Direction::Internal => texts.get("calls.internal"),
    }
}

/// 받음 / 부재중 / 통화 중 / 응답 없음 / 실패 / 다른 자리에서 받음.
#[must_use]
pub fn outcome_text(texts: &Texts, outcome: Outcome) -> String {
    let key = match outcome {
        Outcome::Answered => "outcome.answered",
        Outcome::Missed => "outcome.missed",
        Outcome::Busy => "outcome.busy",
        Outcome::NoAnswer => "outcome.no_answer",
        Outcome::Failed => "outcome.failed",
        Outcome::AnsweredElsewhere => "outcome.answered_elsewhere",
    };
    texts.get(key).to_owned()
}

/// A user-defined field's value as the window shows it (yes/no in words).
#[must_use]
pub fn field_value(texts: &Texts, value: &FieldValue) -> String {
    match value {
        FieldValue::YesNo(true) => texts.get("common.yes").to_owned(),
        FieldValue::YesNo(false) => texts.get("common.no").to_owned(),
        other => other.to_string(),
    }
}

/// A sent message's state in words: 대기, 전송 중, 전송됨, 전달됨, 실패, 취소됨.
#[must_use]
pub fn message_state_text(texts: &Texts, state: MessageState) -> String {
    texts
        .get(match state {
            MessageState::Queued => "messages.queued",
            MessageState::Sending => "messages.sending",
            MessageState::Sent => "messages.sent",
            MessageState::Delivered => "messages.delivered",
            MessageState::Failed => "messages.failed",
            MessageState::Cancelled => "messages.cancelled",
        })
        .to_owned()
}

/// The colour a message state is shown in: failures in the error colour,
/// delivered in green, messages still on their way in the warning colour.
#[must_use]
pub fn message_state_colour(visuals: &egui::Visuals, state: MessageState) -> egui::Color32 {
    match state {
        MessageState::Failed => visuals.error_fg_color,
        MessageState::Delivered if visuals.dark_mode => egui::Color32::LIGHT_GREEN,
        MessageState::Delivered => egui::Color32::DARK_GREEN,
        MessageState::Queued | MessageState::Sending => visuals.warn_fg_color,
        MessageState::Sent | MessageState::Cancelled => visuals.text_color(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::duration_text;

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(duration_text(Duration::from_secs(42)), "0:42");
        assert_eq!(duration_text(Duration::from_secs(12 * 60 + 5)), "12:05");
        assert_eq!(duration_text(Duration::from_secs(3723)), "1:02:03");
    }
}
