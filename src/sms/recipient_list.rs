//! 대량문자발송's recipient list: from the customers the manager gathered
//! (a search, groups, every group), who gets the text and who is left out,
//! with why — opted out of advertising, no mobile number, no valid number,
//! or a number already in the list (and whose it is).
//!
//! Pure and quick (no parsing: the store keeps each number's key and
//! whether it verified and is a mobile). The window keeps its customers in
//! a [`Gathered`], which reads each customer once, when added, into a few
//! bytes — whether they opted out, which number can take a text and a
//! small id for it — so sorting 100,000 customers again whenever the
//! manager ticks 광고 or removes someone walks those bytes only, well
//! within a frame. The list names customers and numbers by their place
//! among the candidates, so nothing is copied.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

// A quick hash: the keys are phone numbers and customer ids from the
// book, and SipHash was most of the time spent reading 100,000 of them.
use foldhash::fast::RandomState;

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

/// A customer who gets the text, at one number: places in the candidates
/// the list was sorted from (read them with the methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picked {
    /// The customer.
    pub customer_id: CustomerId,
    /// Their place among the candidates.
    pub candidate: usize,
    /// The number's place among theirs.
    pub number: usize,
}

impl Picked {
    /// Their name.
    #[must_use]
    pub fn name<'a>(&self, candidates: &'a [Candidate]) -> &'a str {
        name_of(candidates, self.candidate)
    }

    /// The number, as shown.
    #[must_use]
    pub fn number<'a>(&self, candidates: &'a [Candidate]) -> &'a str {
        number_of(candidates, self.candidate, Some(self.number))
            .map_or("", |number| &number.display)
    }

    /// The number's canonical key.
    #[must_use]
    pub fn key<'a>(&self, candidates: &'a [Candidate]) -> &'a str {
        number_of(candidates, self.candidate, Some(self.number)).map_or("", |number| &number.key)
    }
}

/// A customer who gets no message, and why: places in the candidates the
/// list was sorted from (read them with the methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The customer.
    pub customer_id: CustomerId,
    /// Their place among the candidates.
    pub candidate: usize,
    /// The place among theirs of the number in question (their first, for
    /// one without a mobile); None for one without any.
    pub number: Option<usize>,
    /// Why.
    pub reason: LeftOutReason,
    /// For a repeat ([`LeftOutReason::Duplicate`]), the place of the
    /// recipient who has the number already.
    pub same_as: Option<usize>,
}

impl LeftOut {
    /// Their name.
    #[must_use]
    pub fn name<'a>(&self, candidates: &'a [Candidate]) -> &'a str {
        name_of(candidates, self.candidate)
    }

    /// The number in question, as shown; empty for a customer without any.
    #[must_use]
    pub fn number<'a>(&self, candidates: &'a [Candidate]) -> &'a str {
        number_of(candidates, self.candidate, self.number).map_or("", |number| &number.display)
    }

    /// For a repeat, the name of the recipient who has the number already.
    #[must_use]
    pub fn same_as<'a>(&self, candidates: &'a [Candidate]) -> Option<&'a str> {
        self.same_as.map(|candidate| name_of(candidates, candidate))
    }
}

fn name_of(candidates: &[Candidate], candidate: usize) -> &str {
    candidates
        .get(candidate)
        .map_or("", |candidate| &candidate.name)
}

fn number_of(
    candidates: &[Candidate],
    candidate: usize,
    number: Option<usize>,
) -> Option<&CandidateNumber> {
    candidates.get(candidate)?.numbers.get(number?)
}

/// The list sorted out. Its recipients and those left out are places in
/// the candidates it was sorted from: read them against the same ones.
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
    pub fn to_new_recipients(&self, candidates: &[Candidate], region: Region) -> Vec<NewRecipient> {
        self.first_new_recipients(candidates, region, self.recipients.len())
    }

    /// [`Self::to_new_recipients`] for the first `count` recipients only
    /// (the samples of the text).
    #[must_use]
    pub fn first_new_recipients(
        &self,
        candidates: &[Candidate],
        region: Region,
        count: usize,
    ) -> Vec<NewRecipient> {
        let home = region.calling_code().map(|code| format!("+{code}"));
        self.recipients
            .iter()
            .take(count)
            .map(|picked| {
                let key = picked.key(candidates);
                NewRecipient {
                    to_raw: match &home {
                        Some(home) if key.starts_with(home.as_str()) => {
                            picked.number(candidates).to_owned()
                        }
                        _ => key.to_owned(),
                    },
                    to_key: key.to_owned(),
                    customer_id: Some(picked.customer_id),
                    source_row: None,
                    values: Vec::new(),
                }
            })
            .collect()
    }
}

/// Sorts `candidates` for a text that is (or is not) `advertising`: each
/// customer once, at their first number that can take a text; each number
/// once. The list's places are places in `candidates`.
///
/// This reads every customer afresh; a window that sorts the same customers
/// again and again keeps them in a [`Gathered`].
#[must_use]
pub fn sort_out(candidates: &[Candidate], advertising: bool) -> RecipientList {
    let mut customers: HashSet<CustomerId, RandomState> =
        HashSet::with_capacity_and_hasher(candidates.len(), RandomState::default());
    let mut slots = Slots::with_capacity(candidates.len());
    let facts: Vec<Fact> = candidates
        .iter()
        .map(|candidate| {
            let mut fact = slots.fact(candidate);
            fact.repeat = !customers.insert(candidate.customer_id);
            fact
        })
        .collect();
    sort(&facts, slots.len(), advertising)
}

/// The customers gathered for a bulk send, each once, in the order added,
/// each read when added into what sorting needs, so that
/// [`Gathered::sort_out`] is quick enough to run on every tick of 광고.
#[derive(Debug, Default)]
pub struct Gathered {
    candidates: Vec<Candidate>,
    /// What sorting needs of each candidate, in the same order.
    facts: Vec<Fact>,
    known: HashSet<CustomerId, RandomState>,
    slots: Slots,
}

impl Gathered {
    /// Nobody gathered yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the customers not in the list yet, in order; returns how many.
    pub fn add(&mut self, candidates: impl IntoIterator<Item = Candidate>) -> usize {
        let candidates = candidates.into_iter();
        let (expected, _) = candidates.size_hint();
        self.candidates.reserve(expected);
        self.facts.reserve(expected);
        self.known.reserve(expected);
        self.slots.0.reserve(expected);
        let before = self.candidates.len();
        for candidate in candidates {
            if self.known.insert(candidate.customer_id) {
                self.facts.push(self.slots.fact(&candidate));
                self.candidates.push(candidate);
            }
        }
        self.candidates.len() - before
    }

    /// Takes `customers` out of the list.
    pub fn remove(&mut self, customers: &HashSet<CustomerId>) {
        self.candidates
            .retain(|candidate| !customers.contains(&candidate.customer_id));
        self.facts
            .retain(|fact| !customers.contains(&fact.customer_id));
        self.known.retain(|id| !customers.contains(id));
    }

    /// Empties the list.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Everyone gathered, in order: the places a [`RecipientList`] sorted
    /// from here names.
    #[must_use]
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// [`sort_out`] for the customers gathered.
    #[must_use]
    pub fn sort_out(&self, advertising: bool) -> RecipientList {
        sort(&self.facts, self.slots.len(), advertising)
    }
}

/// What sorting needs of one candidate, read once.
#[derive(Debug, Clone, Copy)]
struct Fact {
    customer_id: CustomerId,
    /// They opted out of advertising.
    opted_out: bool,
    /// The customer came earlier in the same list.
    repeat: bool,
    /// Their first number, if any.
    first: Option<u32>,
    /// Their first number that can take a text, with its slot; or why none can.
    texts_to: Result<(u32, u32), LeftOutReason>,
}

/// A small id for each number key seen, so that sorting marks numbers
/// taken in a plain vector instead of hashing their keys each time.
#[derive(Debug, Default)]
struct Slots(HashMap<Arc<str>, u32, RandomState>);

impl Slots {
    fn with_capacity(capacity: usize) -> Self {
        Self(HashMap::with_capacity_and_hasher(
            capacity,
            RandomState::default(),
        ))
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn slot(&mut self, key: &Arc<str>) -> u32 {
        let next = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        *self.0.entry(Arc::clone(key)).or_insert(next)
    }

    fn fact(&mut self, candidate: &Candidate) -> Fact {
        let place = |index: usize| u32::try_from(index).unwrap_or(u32::MAX);
        let texts_to = match candidate.numbers.iter().position(takes_texts) {
            Some(index) => {
                let key = candidate.numbers.get(index).map(|number| &number.key);
                Ok((place(index), key.map_or(u32::MAX, |key| self.slot(key))))
            }
            None if candidate.numbers.iter().any(|number| number.verified) => {
                Err(LeftOutReason::NoMobile)
            }
            None => Err(LeftOutReason::InvalidNumber),
        };
        Fact {
            customer_id: candidate.customer_id,
            opted_out: candidate.ad_opted_out,
            repeat: false,
            first: (!candidate.numbers.is_empty()).then_some(0),
            texts_to,
        }
    }
}

/// A number no recipient has yet, in [`sort`].
const FREE: usize = usize::MAX;

/// The rules over facts read beforehand: `facts[i]` is candidate `i`;
/// `slots` is how many number ids they use.
fn sort(facts: &[Fact], slots: usize, advertising: bool) -> RecipientList {
    let mut list = RecipientList {
        recipients: Vec::with_capacity(facts.len()),
        left_out: Vec::new(),
    };
    // The recipient each number went to, by place; `FREE` for none yet.
    let mut taken = vec![FREE; slots];
    for (candidate, fact) in facts.iter().enumerate() {
        if fact.repeat {
            continue;
        }
        let left_out = |number: Option<u32>, reason| LeftOut {
            customer_id: fact.customer_id,
            candidate,
            number: number.map(|number| number as usize),
            reason,
            same_as: None,
        };
        if advertising && fact.opted_out {
            list.left_out
                .push(left_out(fact.first, LeftOutReason::OptedOut));
            continue;
        }
        let (number, slot) = match fact.texts_to {
            Ok(found) => found,
            Err(reason) => {
                list.left_out.push(left_out(fact.first, reason));
                continue;
            }
        };
        if let Some(taken) = taken.get_mut(slot as usize) {
            if *taken != FREE {
                list.left_out.push(LeftOut {
                    same_as: Some(*taken),
                    ..left_out(Some(number), LeftOutReason::Duplicate)
                });
                continue;
            }
            *taken = candidate;
        }
        list.recipients.push(Picked {
            customer_id: fact.customer_id,
            candidate,
            number: number as usize,
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
            display: display.into(),
            key: key.into(),
            mobile,
            verified,
        }
    }

    fn candidate(id: i64, name: &str, opted_out: bool, numbers: Vec<CandidateNumber>) -> Candidate {
        Candidate {
            customer_id: CustomerId(id),
            name: name.into(),
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

    fn names<'a>(list: &RecipientList, candidates: &'a [Candidate]) -> Vec<&'a str> {
        list.recipients
            .iter()
            .map(|picked| picked.name(candidates))
            .collect()
    }

    #[test]
    fn each_customer_left_out_says_why() {
        let candidates = gathered();
        let list = sort_out(&candidates, true);
        assert_eq!(names(&list, &candidates), ["김민준", "佐藤"]);
        assert_eq!(list.recipients[0].number(&candidates), "010-3333-4444");
        assert_eq!(list.recipients[0].key(&candidates), "+821033334444");
        let reasons: Vec<(&str, &str, LeftOutReason)> = list
            .left_out
            .iter()
            .map(|left| {
                (
                    left.name(&candidates),
                    left.number(&candidates),
                    left.reason,
                )
            })
            .collect();
        assert_eq!(
            reasons,
            [
                ("홍길동", "010-1111-2222", LeftOutReason::OptedOut),
                ("박서연", "02-555-0000", LeftOutReason::NoMobile),
                ("이도윤", "12345", LeftOutReason::InvalidNumber),
                ("최지우", "", LeftOutReason::InvalidNumber),
                ("김민준 (회사)", "010-3333-4444", LeftOutReason::Duplicate),
            ]
        );
        assert_eq!(list.count(LeftOutReason::InvalidNumber), 2);
        // A repeat names whom the number went to; nobody else does.
        let same_as: Vec<Option<&str>> = list
            .left_out
            .iter()
            .map(|left| left.same_as(&candidates))
            .collect();
        assert_eq!(same_as, [None, None, None, None, Some("김민준")]);
    }

    #[test]
    fn an_opt_out_matters_only_for_advertising() {
        let candidates = gathered();
        let list = sort_out(&candidates, false);
        assert_eq!(list.recipients[0].name(&candidates), "홍길동");
        assert_eq!(list.count(LeftOutReason::OptedOut), 0);
        let stored = list.to_new_recipients(&candidates, Region::KOREA);
        assert_eq!(stored[0].to_key, "+821011112222");
        assert_eq!(stored[0].to_raw, "010-1111-2222");
        assert_eq!(stored[0].customer_id, Some(CustomerId(1)));
        // 佐藤's Japanese number, shown nationally, goes in international form.
        assert_eq!(stored[2].to_raw, "+81312345678");
        assert_eq!(
            list.first_new_recipients(&candidates, Region::KOREA, 2),
            stored[..2]
        );
    }

    #[test]
    fn a_number_left_with_an_opted_out_customer_goes_to_the_next() {
        let mobile = || vec![number("010-1111-2222", "+821011112222", true, true)];
        let candidates = vec![
            candidate(1, "홍길동", true, mobile()),
            candidate(2, "홍길동 (집)", false, mobile()),
        ];
        let advert = sort_out(&candidates, true);
        assert_eq!(names(&advert, &candidates), ["홍길동 (집)"]);
        assert_eq!(advert.count(LeftOutReason::OptedOut), 1);
        let plain = sort_out(&candidates, false);
        assert_eq!(names(&plain, &candidates), ["홍길동"]);
        assert_eq!(plain.count(LeftOutReason::Duplicate), 1);
        assert_eq!(plain.left_out[0].same_as(&candidates), Some("홍길동"));
    }

    #[test]
    fn gathered_customers_sort_out_as_the_candidates_do_and_follow_removals() {
        let candidates = gathered();
        let mut kept = Gathered::new();
        // The customer gathered twice is added once.
        assert_eq!(kept.add(candidates.clone()), 7);
        assert_eq!(kept.add(candidates.clone()), 0);
        for advertising in [false, true] {
            let list = kept.sort_out(advertising);
            let expected = sort_out(&candidates, advertising);
            assert_eq!(
                names(&list, kept.candidates()),
                names(&expected, &candidates)
            );
            assert_eq!(list.left_out.len(), expected.left_out.len());
        }
        // Without 김민준, 김민준 (회사) gets the number they shared.
        kept.remove(&HashSet::from([CustomerId(2)]));
        let list = kept.sort_out(true);
        assert_eq!(names(&list, kept.candidates()), ["김민준 (회사)", "佐藤"]);
        assert_eq!(list.count(LeftOutReason::Duplicate), 0);
        assert_eq!(kept.add(candidates), 1);
        assert_eq!(kept.candidates().len(), 7);
        kept.clear();
        assert!(kept.sort_out(true).recipients.is_empty());
    }
}
