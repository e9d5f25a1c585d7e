//! The card's 이력 tab: a customer's calls, messages sent and received,
//! notes and changes to the card in one list, newest first, each as kind,
//! local time, who, and one line of text ("휴대폰: 010-1111-2222 → 010-3333-4444").

use eframe::egui;

use super::format::{direction_text, local_date_time, outcome_text};
use super::i18n::Texts;
use crate::domain::{Change, ChangeKind, HistoryEntry, TimelineItem, User, UserId};

/// One timeline item as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLine {
    /// The kind in a word (통화, 문자, 수신문자, 상담기록, 변경).
    pub kind: String,
    /// Local time.
    pub at: String,
    /// Who (empty when nobody is known).
    pub who: String,
    /// What.
    pub text: String,
}

/// Most characters of a message or note shown on its line.
const EXCERPT_CHARS: usize = 60;

/// `item` in words, naming users from `users`.
#[must_use]
pub fn describe(texts: &Texts, users: &[User], item: &TimelineItem) -> TimelineLine {
    let user = |id: Option<UserId>| {
        id.and_then(|id| users.iter().find(|user| user.id == id))
            .map_or_else(String::new, |user| user.display_name.clone())
    };
    let (kind, who, text) = match item {
        TimelineItem::Call(call) => {
            let how = match (call.duration(), call.outcome) {
                (Some(duration), _) => {
                    let secs = duration.as_secs();
                    if secs >= 60 {
                        texts.fmt(
                            "timeline.minutes_seconds",
                            &[("minutes", &(secs / 60)), ("seconds", &(secs % 60))],
                        )
                    } else {
                        texts.fmt("timeline.seconds", &[("seconds", &secs)])
                    }
                }
                (None, Some(outcome)) => outcome_text(texts, outcome),
                (None, None) => texts.get("timeline.ringing").to_owned(),
            };
            let mut text = texts.fmt(
                "timeline.call",
                &[
                    ("direction", &direction_text(texts, call.direction)),
                    ("how", &how),
                ],
            );
            if !call.memo.trim().is_empty() {
                text = format!("{text} — {}", excerpt(&call.memo));
            }
            ("timeline.kind_call", user(call.user_id), text)
        }
        TimelineItem::Message(message) => (
            "timeline.kind_message",
            user(message.user_id),
            texts.fmt(
                "timeline.message",
                &[
                    (
                        "state",
                        &super::format::message_state_text(texts, message.state),
                    ),
                    ("body", &excerpt(&message.body)),
                ],
            ),
        ),
        TimelineItem::Received(received) => (
            "timeline.kind_received",
            String::new(),
            texts.fmt(
                "timeline.received",
                &[
                    ("from", &received.from_raw),
                    ("body", &excerpt(&received.body)),
                ],
            ),
        ),
        TimelineItem::Note(note) => (
            "timeline.kind_note",
            user(note.author_id),
            texts.fmt("timeline.note", &[("body", &excerpt(&note.body))]),
        ),
        TimelineItem::Change(entry) => (
            "timeline.kind_change",
            entry
                .user_id
                .map(|id| user(Some(id)))
                .filter(|name| !name.is_empty())
                .or_else(|| entry.user_name.clone())
                .unwrap_or_default(),
            change_text(texts, entry),
        ),
    };
    TimelineLine {
        kind: texts.get(kind).to_owned(),
        at: local_date_time(item.at()),
        who,
        text,
    }
}

/// A change to the card in words.
#[must_use]
pub fn change_text(texts: &Texts, entry: &HistoryEntry) -> String {
    let change = &entry.change;
    let none = texts.get("customer.none");
    let or_none = |value: &str| {
        if value.is_empty() {
            none.to_owned()
        } else {
            value.to_owned()
        }
    };
    let from_to = |label: &str, old: &str, new: &str| {
        texts.fmt(
            "timeline.from_to",
            &[("label", &label), ("old", &old), ("new", &new)],
        )
    };
    let name = |value: &str| texts.fmt("timeline.name", &[("name", &value)]);
    let text = match change.kind {
        ChangeKind::Created => texts.get("timeline.created").to_owned(),
        ChangeKind::Imported => texts.get("timeline.imported").to_owned(),
        ChangeKind::Deleted => texts.get("timeline.deleted").to_owned(),
        ChangeKind::Restored => texts.get("timeline.restored").to_owned(),
        ChangeKind::Merged => texts.fmt("timeline.merged", &[("name", &change.label)]),
        ChangeKind::Unmerged => texts.fmt("timeline.unmerged", &[("name", &change.label)]),
        ChangeKind::GroupAdded => texts.get("timeline.group_added").to_owned() + &name(&change.new),
        ChangeKind::GroupRemoved => {
            texts.get("timeline.group_removed").to_owned() + &name(&change.old)
        }
        ChangeKind::TagAdded => texts.get("timeline.tag_added").to_owned() + &name(&change.new),
        ChangeKind::TagRemoved => texts.get("timeline.tag_removed").to_owned() + &name(&change.old),
        ChangeKind::Assignee => from_to(
            texts.get("customer.assignee"),
            &or_none(&change.old),
            &or_none(&change.new),
        ),
        ChangeKind::Status => from_to(
            texts.get("customer.status"),
            &or_none(&change.old),
            &or_none(&change.new),
        ),
        ChangeKind::Field => field_text(texts, change, &or_none),
    };
    match entry.import_id {
        Some(import) => format!(
            "{text} {}",
            texts.fmt("timeline.by_import", &[("import", &import)])
        ),
        None => text,
    }
}

fn field_text(texts: &Texts, change: &Change, or_none: &dyn Fn(&str) -> String) -> String {
    let label = if change.field == "phone" {
        if change.label.is_empty() {
            texts.get("customer.phones").to_owned()
        } else {
            change.label.clone()
        }
    } else if change.field.starts_with("field:") {
        change.label.clone()
    } else {
        texts.get(&format!("customer.{}", change.field)).to_owned()
    };
    let value = |value: &str| match value {
        "yes" if change.field.starts_with("ad_") => texts.get("customer.yes").to_owned(),
        "no" if change.field.starts_with("ad_") => texts.get("customer.no").to_owned(),
        other => or_none(&excerpt(other)),
    };
    texts.fmt(
        "timeline.from_to",
        &[
            ("label", &label),
            ("old", &value(&change.old)),
            ("new", &value(&change.new)),
        ],
    )
}

/// The first line of `text`, cut to [`EXCERPT_CHARS`].
fn excerpt(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default();
    let mut cut: String = line.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < line.len() || text.trim().lines().nth(1).is_some() {
        cut.push('…');
    }
    cut
}

/// Draws `items`, one row each; true when "more" was clicked.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    users: &[User],
    items: &[TimelineItem],
    has_more: bool,
) -> bool {
    if items.is_empty() {
        ui.weak(texts.get("customer.no_history"));
        return false;
    }
    for item in items {
        let line = describe(texts, users, item);
        ui.horizontal_top(|ui| {
            let height = ui.spacing().interact_size.y;
            ui.add_sized(
                [64.0, height],
                egui::Label::new(egui::RichText::new(line.kind).strong()),
            );
            ui.add_sized([118.0, height], egui::Label::new(line.at));
            ui.add_sized(
                [72.0, height],
                egui::Label::new(egui::RichText::new(line.who).weak()).truncate(),
            );
            ui.add(egui::Label::new(line.text).wrap());
        });
        ui.separator();
    }
    has_more && ui.button(texts.get("timeline.more")).clicked()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::domain::{CustomerId, Timestamp};

    fn entry(change: Change, import_id: Option<i64>) -> HistoryEntry {
        HistoryEntry {
            id: 1,
            customer_id: CustomerId(1),
            at: Timestamp(0),
            user_id: None,
            user_name: Some("김상담".into()),
            change,
            import_id,
        }
    }

    #[test]
    fn a_received_message_reads_with_its_number_and_text() {
        let texts = Texts::new(Language::Ko);
        let item = TimelineItem::Received(crate::domain::ReceivedMessage {
            id: crate::domain::ReceivedId(1),
            from_raw: "010-1111-2222".into(),
            from_key: "+821011112222".into(),
            to_raw: "1588-1234".into(),
            body: "네\n확인했습니다".into(),
            customer_id: Some(CustomerId(1)),
            customer_name: Some("홍길동".into()),
            gateway_ref: None,
            received_at: Timestamp(0),
        });
        let line = describe(&texts, &[], &item);
        assert_eq!(line.kind, "수신문자");
        assert_eq!(line.who, "");
        assert_eq!(line.text, "문자 수신 (010-1111-2222): 네…");
    }

    #[test]
    fn changes_read_as_old_to_new() {
        let texts = Texts::new(Language::Ko);
        let text = |change, import| change_text(&texts, &entry(change, import));
        assert_eq!(
            text(
                Change::field("phone", "휴대폰", "010-1111-2222", "010-3333-4444"),
                None
            ),
            "휴대폰: 010-1111-2222 → 010-3333-4444"
        );
        assert_eq!(
            text(Change::values(ChangeKind::GroupAdded, "", "VIP"), None),
            "그룹 추가: VIP"
        );
        assert_eq!(
            text(
                Change::values(ChangeKind::Assignee, "김상담", "이영업"),
                None
            ),
            "담당자: 김상담 → 이영업"
        );
        assert_eq!(
            text(Change::field("ad_opt_out", "", "no", "yes"), None),
            "광고 수신거부: 아니요 → 예"
        );
        assert_eq!(
            text(Change::field("email", "", "", "a@b.kr"), Some(3)),
            "이메일: (없음) → a@b.kr (가져오기 #3)"
        );
    }
}
