//! A customer's history (이력): what changed on the card, by whom and when,
//! and the timeline that merges those changes with the customer's calls,
//! messages and notes.
//!
//! Pure: the card is compared as text ([`CardText`]), so the store decides
//! how a status id or an assignee id reads, and [`diff`] only compares.

use serde::Serialize;

use super::received::ReceivedMessage;
use super::{Call, CustomerId, Message, Timestamp, UserId, note::Note};

/// Who made a change: a user of the book when one is known, and the name
/// the desk goes by (kept as it was, should the user be renamed or deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The user, when the name is one of the book's users.
    pub id: Option<UserId>,
    /// The name shown.
    pub name: String,
}

/// What kind of change a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The customer was registered.
    Created,
    /// A built-in field, a number or a user-defined field changed.
    Field,
    /// Put into a group.
    GroupAdded,
    /// Taken out of a group.
    GroupRemoved,
    /// Tagged.
    TagAdded,
    /// A tag taken off.
    TagRemoved,
    /// Handed to another assignee.
    Assignee,
    /// The status moved.
    Status,
    /// Moved to the recycle bin.
    Deleted,
    /// Taken back out of the recycle bin.
    Restored,
    /// Created by an import.
    Imported,
    /// Another customer was merged into this one.
    Merged,
    /// A merge into this customer was undone: the other is back on its own.
    Unmerged,
}

impl ChangeKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 13] = [
        Self::Created,
        Self::Field,
        Self::GroupAdded,
        Self::GroupRemoved,
        Self::TagAdded,
        Self::TagRemoved,
        Self::Assignee,
        Self::Status,
        Self::Deleted,
        Self::Restored,
        Self::Imported,
        Self::Merged,
        Self::Unmerged,
    ];

    /// The word stored in the `kind` column.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Field => "field",
            Self::GroupAdded => "group_added",
            Self::GroupRemoved => "group_removed",
            Self::TagAdded => "tag_added",
            Self::TagRemoved => "tag_removed",
            Self::Assignee => "assignee",
            Self::Status => "status",
            Self::Deleted => "deleted",
            Self::Restored => "restored",
            Self::Imported => "imported",
            Self::Merged => "merged",
            Self::Unmerged => "unmerged",
        }
    }

    /// The kind stored as `word`; `None` for a word this build does not know.
    #[must_use]
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == word)
    }
}

/// One change to a customer, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind.
    pub kind: ChangeKind,
    /// Which field, for [`ChangeKind::Field`]: a built-in key (`name`,
    /// `email`, `memo`, `ad_opt_out`…), `phone`, or `field:KEY` for a
    /// user-defined field; empty for other kinds.
    pub field: String,
    /// The field's label when it has its own: a number's label (휴대폰) or a
    /// user-defined field's; for a merge, the merged customer's name.
    pub label: String,
    /// The value before, as text (empty: none). Yes/no fields read `yes` / `no`.
    pub old: String,
    /// The value after, as text (empty: none); the group or tag for those kinds.
    pub new: String,
}

impl Change {
    /// A change with no field and no values: created, deleted, restored, imported.
    #[must_use]
    pub fn of(kind: ChangeKind) -> Self {
        Self {
            kind,
            field: String::new(),
            label: String::new(),
            old: String::new(),
            new: String::new(),
        }
    }

    /// `kind` from `old` to `new`.
    #[must_use]
    pub fn values(kind: ChangeKind, old: &str, new: &str) -> Self {
        Self {
            old: old.to_owned(),
            new: new.to_owned(),
            ..Self::of(kind)
        }
    }

    /// A field from `old` to `new`.
    #[must_use]
    pub fn field(field: &str, label: &str, old: &str, new: &str) -> Self {
        Self {
            field: field.to_owned(),
            label: label.to_owned(),
            ..Self::values(ChangeKind::Field, old, new)
        }
    }

    /// Customer `merged` (named `name`) was merged into this one.
    #[must_use]
    pub fn merged(merged: CustomerId, name: &str) -> Self {
        Self {
            label: name.to_owned(),
            old: merged.0.to_string(),
            ..Self::of(ChangeKind::Merged)
        }
    }

    /// The merge of customer `merged` (named `name`) into this one was undone.
    #[must_use]
    pub fn unmerged(merged: CustomerId, name: &str) -> Self {
        Self {
            kind: ChangeKind::Unmerged,
            ..Self::merged(merged, name)
        }
    }
}

/// A recorded change with when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Row id.
    pub id: i64,
    /// The customer.
    pub customer_id: CustomerId,
    /// When.
    pub at: Timestamp,
    /// The user who made it, when known.
    pub user_id: Option<UserId>,
    /// The name they went by then; `None` for the command line without a user.
    pub user_name: Option<String>,
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// The import that made it, if one did.
    pub import_id: Option<i64>,
}

/// The built-in fields compared one by one, in the order of the card.
pub const BUILT_IN_FIELDS: [&str; 9] = [
    "name",
    "company",
    "email",
    "address",
    "country",
    "source",
    "memo",
    "ad_opt_out",
    "ad_night_consent",
];

/// A customer's card as text, the way history compares it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardText {
    /// Values of [`BUILT_IN_FIELDS`], in that order.
    pub built_in: Vec<String>,
    /// The status's name (empty: none).
    pub status: String,
    /// The assignee's name (empty: none).
    pub assignee: String,
    /// Numbers as (label, number as shown), in their order.
    pub phones: Vec<(String, String)>,
    /// User-defined fields with a value, as (key, label, value).
    pub fields: Vec<(String, String, String)>,
    /// Groups.
    pub groups: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// The changes that take a card from `old` to `new`, one per changed field,
/// number, group and tag.
#[must_use]
pub fn diff(old: &CardText, new: &CardText) -> Vec<Change> {
    let mut changes = Vec::new();
    for (index, key) in BUILT_IN_FIELDS.iter().enumerate() {
        let before = old.built_in.get(index).map_or("", String::as_str);
        let after = new.built_in.get(index).map_or("", String::as_str);
        if before != after {
            changes.push(Change::field(key, "", before, after));
        }
    }
    if old.status != new.status {
        changes.push(Change::values(ChangeKind::Status, &old.status, &new.status));
    }
    if old.assignee != new.assignee {
        changes.push(Change::values(
            ChangeKind::Assignee,
            &old.assignee,
            &new.assignee,
        ));
    }
    diff_phones(&old.phones, &new.phones, &mut changes);
    for (key, label, before) in &old.fields {
        let after = new
            .fields
            .iter()
            .find(|(new_key, _, _)| new_key == key)
            .map_or("", |(_, _, value)| value.as_str());
        if before != after {
            changes.push(Change::field(&format!("field:{key}"), label, before, after));
        }
    }
    for (key, label, after) in &new.fields {
        if !old.fields.iter().any(|(old_key, _, _)| old_key == key) && !after.is_empty() {
            changes.push(Change::field(&format!("field:{key}"), label, "", after));
        }
    }
    diff_sets(
        &old.groups,
        &new.groups,
        ChangeKind::GroupAdded,
        ChangeKind::GroupRemoved,
        &mut changes,
    );
    diff_sets(
        &old.tags,
        &new.tags,
        ChangeKind::TagAdded,
        ChangeKind::TagRemoved,
        &mut changes,
    );
    changes
}

/// Numbers are paired by label first (a 휴대폰 stays a 휴대폰 when another
/// number is added before it), then the unpaired ones by place.
fn diff_phones(old: &[(String, String)], new: &[(String, String)], changes: &mut Vec<Change>) {
    type Phone = (String, String);
    let mut old_left: Vec<&Phone> = old.iter().collect();
    let mut new_left: Vec<&Phone> = Vec::new();
    // Unchanged numbers and numbers whose label stayed.
    for phone in new {
        if let Some(at) = old_left.iter().position(|old| *old == phone) {
            old_left.remove(at);
        } else {
            new_left.push(phone);
        }
    }
    let mut pairs: Vec<(Option<&Phone>, Option<&Phone>)> = Vec::new();
    let mut unpaired_new = Vec::new();
    for phone in new_left {
        if let Some(at) = old_left
            .iter()
            .position(|old| !phone.0.is_empty() && old.0 == phone.0)
        {
            pairs.push((Some(old_left.remove(at)), Some(phone)));
        } else {
            unpaired_new.push(phone);
        }
    }
    let mut old_rest = old_left.into_iter();
    for phone in unpaired_new {
        pairs.push((old_rest.next(), Some(phone)));
    }
    pairs.extend(old_rest.map(|old| (Some(old), None)));
    for (before, after) in pairs {
        let label = after.or(before).map_or("", |(label, _)| label.as_str());
        changes.push(Change::field(
            "phone",
            label,
            before.map_or("", |(_, number)| number.as_str()),
            after.map_or("", |(_, number)| number.as_str()),
        ));
    }
}

fn diff_sets(
    old: &[String],
    new: &[String],
    added: ChangeKind,
    removed: ChangeKind,
    changes: &mut Vec<Change>,
) {
    for name in new.iter().filter(|name| !old.contains(name)) {
        changes.push(Change::values(added, "", name));
    }
    for name in old.iter().filter(|name| !new.contains(name)) {
        changes.push(Change::values(removed, name, ""));
    }
}

/// One thing on a customer's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineItem {
    /// A call.
    Call(Call),
    /// A message sent (or queued) to the customer.
    Message(Message),
    /// A message the customer sent in (수신 문자).
    Received(ReceivedMessage),
    /// A note.
    Note(Note),
    /// A change to the card.
    Change(HistoryEntry),
}

impl TimelineItem {
    /// When it happened: a call's start, a message's or note's creation, a
    /// received message's arrival, a change's time.
    #[must_use]
    pub fn at(&self) -> Timestamp {
        match self {
            Self::Call(call) => call.started_at,
            Self::Message(message) => message.created_at,
            Self::Received(received) => received.received_at,
            Self::Note(note) => note.created_at,
            Self::Change(entry) => entry.at,
        }
    }
}

/// A page of a customer's timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TimelinePage {
    /// Items skipped before this page.
    pub offset: u32,
    /// The items.
    pub items: Vec<TimelineItem>,
    /// True when older items follow.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> CardText {
        CardText {
            built_in: BUILT_IN_FIELDS
                .iter()
                .map(|key| match *key {
                    "name" => "홍길동".to_owned(),
                    "ad_opt_out" | "ad_night_consent" => "no".to_owned(),
                    _ => String::new(),
                })
                .collect(),
            phones: vec![("휴대폰".into(), "010-1111-2222".into())],
            fields: vec![("visits".into(), "방문횟수".into(), "3".into())],
            groups: vec!["VIP".into()],
            tags: vec!["재구매".into()],
            ..CardText::default()
        }
    }

    fn texts(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|change| {
                format!(
                    "{} {}[{}] {} -> {}",
                    change.kind.as_str(),
                    change.field,
                    change.label,
                    change.old,
                    change.new
                )
            })
            .collect()
    }

    #[test]
    fn an_unchanged_card_has_no_changes() {
        assert!(diff(&card(), &card()).is_empty());
    }

    #[test]
    fn each_changed_field_is_one_change() {
        let old = card();
        let mut new = card();
        new.built_in[1] = "한빛소프트".into();
        new.built_in[7] = "yes".into();
        new.status = "상담중".into();
        new.assignee = "이영업".into();
        new.phones[0].1 = "010-3333-4444".into();
        new.fields[0].2 = "4".into();
        new.groups = vec!["신규".into()];
        new.tags.clear();
        assert_eq!(
            texts(&diff(&old, &new)),
            [
                "field company[]  -> 한빛소프트",
                "field ad_opt_out[] no -> yes",
                "status []  -> 상담중",
                "assignee []  -> 이영업",
                "field phone[휴대폰] 010-1111-2222 -> 010-3333-4444",
                "field field:visits[방문횟수] 3 -> 4",
                "group_added []  -> 신규",
                "group_removed [] VIP -> ",
                "tag_removed [] 재구매 -> ",
            ]
        );
    }

    #[test]
    fn numbers_pair_by_label_then_by_place() {
        let old = card();
        let mut new = card();
        // A number added in front; the 휴대폰 stays as it was.
        new.phones.insert(0, ("회사".into(), "02-2299-7000".into()));
        assert_eq!(
            texts(&diff(&old, &new)),
            ["field phone[회사]  -> 02-2299-7000"]
        );
        // The number removed.
        new.phones.clear();
        assert_eq!(
            texts(&diff(&old, &new)),
            ["field phone[휴대폰] 010-1111-2222 -> "]
        );
        // Unlabelled numbers pair by place.
        let mut old = card();
        old.phones = vec![(String::new(), "010-1".into())];
        let mut new = card();
        new.phones = vec![(String::new(), "010-2".into())];
        assert_eq!(texts(&diff(&old, &new)), ["field phone[] 010-1 -> 010-2"]);
    }

    #[test]
    fn user_fields_added_and_cleared() {
        let mut old = card();
        old.fields.clear();
        let new = card();
        assert_eq!(
            texts(&diff(&old, &new)),
            ["field field:visits[방문횟수]  -> 3"]
        );
        assert_eq!(
            texts(&diff(&new, &old)),
            ["field field:visits[방문횟수] 3 -> "]
        );
    }

    #[test]
    fn kinds_read_back_from_their_words() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ChangeKind::parse("renamed"), None);
    }
}
