//! 대량문자발송's recipient list: from the customers the manager gathered
//! (a search, groups, every group), who gets the text and who is left out,
//! with why — opted out of advertising, no mobile number, no valid number,
//! or a number already in the list.
//!
//! Pure and quick (no parsing: the store keeps each number's key and
//! whether it verified and is a mobile), so the window sorts 100,000
//! customers again at once whenever the manager ticks 광고 or removes
//! someone.

use std::collections::HashSet;

use crate::domain::{Candidate, CandidateNumber, CustomerId, NewRecipient, Region};

/// Why a customer gets no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeftOutReason {
    /// They opted out of advertising (광고 수신거부), and the text is one.
    OptedOut,
    /// Their numbers are all landlines (a Korean landline takes no text).
    NoMobile,
    /// They have no number, or none that is a real one.
    InvalidNumber,
    /// Their number is already in the list for someone before them.
    Duplicate,
}

impl LeftOutReason {
    /// Every reason, in the order the window lists them.
    pub const ALL: [Self; 4] = [
        Self::OptedOut,
        Self::NoMobile,
        Self::InvalidNumber,
        Self::Duplicate,
    ];
}

/// A customer who gets the text, at one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    /// The customer.
    pub customer_id: CustomerId,
    /// Their name.
    pub name: String,
    /// The number, as shown.
    pub number: String,
    /// Its canonical key.
    pub key: String,
}

/// A customer who gets no message, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The customer.
    pub customer_id: CustomerId,
    /// Their name.
    pub name: String,
    /// The number in question (their first, for one without a mobile).
    pub number: String,
    /// Why.
    pub reason: LeftOutReason,
}

/// The list sorted out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecipientList {
    /// Who gets the text, in the order gathered.
    pub recipients: Vec<Picked>,
    /// Who does not.
    pub left_out: Vec<LeftOut>,
}

impl RecipientList {
    /// How many were left out for `reason`.
    #[must_use]
    pub fn count(&self, reason: LeftOutReason) -> usize {
        self.left_out
            .iter()
            .filter(|left| left.reason == reason)
            .count()
    }

    /// The recipients as a batch stores them, each number as it reads
    /// back the same in `region` when its turn comes: as shown for a
    /// number of the region (010-1234-5678), in international form for
    /// one abroad (a Japanese 090-… shown nationally would read as Korean).
    #[must_use]
    pub fn to_new_recipients(&self, region: Region) -> Vec<NewRecipient> {
        let home = region.calling_code().map(|code| format!("+{code}"));
        self.recipients
            .iter()
            .map(|picked| NewRecipient {
                to_raw: match &home {
                    Some(home) if picked.key.starts_with(home.as_str()) => picked.number.clone(),
                    _ => picked.key.clone(),
                },
                to_key: picked.key.clone(),
                customer_id: Some(picked.customer_id),
                source_row: None,
                values: Vec::new(),
            })
            .collect()
    }
}

/// Sorts `candidates` for a text that is (or is not) `advertising`: each
/// customer once, at their first number that can take a text; each number
/// once.
#[must_use]
pub fn sort_out(candidates: &[Candidate], advertising: bool) -> RecipientList {
    let mut list = RecipientList::default();
    let mut customers: HashSet<CustomerId> = HashSet::with_capacity(candidates.len());
    let mut numbers: HashSet<&str> = HashSet::with_capacity(candidates.len());
    for candidate in candidates {
        if !customers.insert(candidate.customer_id) {
            continue;
        }
        let left_out = |number: &str, reason| LeftOut {
            customer_id: candidate.customer_id,
            name: candidate.name.clone(),
            number: number.to_owned(),
            reason,
        };
        let first = candidate
            .numbers
            .first()
            .map_or("", |number| number.display.as_str());
        if advertising && candidate.ad_opted_out {
            list.left_out.push(left_out(first, LeftOutReason::OptedOut));
            continue;
        }
        let Some(number) = candidate.numbers.iter().find(|number| takes_texts(number)) else {
            let reason = if candidate.numbers.iter().any(|number| number.verified) {
                LeftOutReason::NoMobile
            } else {
                LeftOutReason::InvalidNumber
            };
            list.left_out.push(left_out(first, reason));
            continue;
        };
        if !numbers.insert(number.key.as_str()) {
            list.left_out
                .push(left_out(&number.display, LeftOutReason::Duplicate));
            continue;
        }
        list.recipients.push(Picked {
            customer_id: candidate.customer_id,
            name: candidate.name.clone(),
            number: number.display.clone(),
            key: number.key.clone(),
        });
    }
    list
}

/// The composer's rule ([`super::compose`]) read from what the store
/// keeps: a real number, and a mobile one when it is Korean.
fn takes_texts(number: &CandidateNumber) -> bool {
    number.verified && (number.mobile || !number.key.starts_with("+82"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(display: &str, key: &str, mobile: bool, verified: bool) -> CandidateNumber {
        CandidateNumber {
            label: String::new(),
            display: display.to_owned(),
            key: key.to_owned(),
            mobile,
            verified,
        }
    }

    fn candidate(id: i64, name: &str, opted_out: bool, numbers: Vec<CandidateNumber>) -> Candidate {
        Candidate {
            customer_id: CustomerId(id),
            name: name.to_owned(),
            ad_opted_out: opted_out,
            numbers,
        }
    }

    fn gathered() -> Vec<Candidate> {
        let mobile = |display: &str, key: &str| number(display, key, true, true);
        vec![
            candidate(
                1,
                "홍길동",
                true,
                vec![mobile("010-1111-2222", "+821011112222")],
            ),
            candidate(
                2,
                "김민준",
                false,
                vec![
                    number("02-123-4567", "+8221234567", false, true),
                    mobile("010-3333-4444", "+821033334444"),
                ],
            ),
            candidate(
                3,
                "박서연",
                false,
                vec![number("02-555-0000", "+822555000", false, true)],
            ),
            candidate(
                4,
                "이도윤",
                false,
                vec![number("12345", "12345", false, false)],
            ),
            candidate(5, "최지우", false, vec![]),
            candidate(
                6,
                "김민준 (회사)",
                false,
                vec![mobile("010-3333-4444", "+821033334444")],
            ),
            candidate(
                7,
                "佐藤",
                false,
                vec![number("03-1234-5678", "+81312345678", false, true)],
            ),
            // Gathered twice (a search, then a group): once in the list.
            candidate(
                2,
                "김민준",
                false,
                vec![mobile("010-3333-4444", "+821033334444")],
            ),
        ]
    }

    #[test]
    fn each_customer_left_out_says_why() {
        let list = sort_out(&gathered(), true);
        let names: Vec<&str> = list.recipients.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["김민준", "佐藤"]);
        assert_eq!(list.recipients[0].number, "010-3333-4444");
        let reasons: Vec<(&str, LeftOutReason)> = list
            .left_out
            .iter()
            .map(|left| (left.name.as_str(), left.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("홍길동", LeftOutReason::OptedOut),
                ("박서연", LeftOutReason::NoMobile),
                ("이도윤", LeftOutReason::InvalidNumber),
                ("최지우", LeftOutReason::InvalidNumber),
                ("김민준 (회사)", LeftOutReason::Duplicate),
            ]
        );
        assert_eq!(list.count(LeftOutReason::InvalidNumber), 2);
    }

    #[test]
    fn an_opt_out_matters_only_for_advertising() {
        let list = sort_out(&gathered(), false);
        assert_eq!(list.recipients[0].name, "홍길동");
        assert_eq!(list.count(LeftOutReason::OptedOut), 0);
        let stored = list.to_new_recipients(Region::KOREA);
        assert_eq!(stored[0].to_key, "+821011112222");
        assert_eq!(stored[0].to_raw, "010-1111-2222");
        assert_eq!(stored[0].customer_id, Some(CustomerId(1)));
        // 佐藤's Japanese number, shown nationally, goes in international form.
        assert_eq!(stored[2].to_raw, "+81312345678");
    }
}
