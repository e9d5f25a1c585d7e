//! The rules of the domain against a real customer sheet (UTF-8 with BOM,
//! written the way Korean Excel writes it; tests/data/customers_utf8_bom.csv,
//! whose expected counts come with the file). The importer comes later; this
//! checks that names, e-mails, memos and every number get the verdicts the
//! sheet's manifest lists.

use std::collections::{BTreeMap, HashMap};

use ringdesk::domain::{CustomerDraft, PhoneDraft, PhoneNumber, Problem, Region};

fn records() -> Vec<csv::StringRecord> {
    let bytes = std::fs::read("tests/data/customers_utf8_bom.csv").unwrap();
    let text = std::str::from_utf8(&bytes)
        .unwrap()
        .trim_start_matches('\u{feff}');
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

/// The reason a row is rejected, or None when it is valid; its verified keys.
fn verdict(record: &csv::StringRecord) -> (Option<&'static str>, Vec<String>) {
    let cell = |index: usize| record.get(index).unwrap_or_default().to_owned();
    let numbers = [cell(1), cell(2)];
    let draft = CustomerDraft {
        name: cell(0),
        email: cell(3),
        company: cell(4),
        memo: cell(7),
        ..CustomerDraft::default()
    };
    if let Err(invalid) = draft.check(Region::KOREA, &[]) {
        let reason = match invalid.problem {
            Problem::Empty => "name_missing",
            Problem::Email(_) => "email_invalid",
            Problem::TooLong { .. } => "memo_too_long",
            other => panic!("unexpected {other}"),
        };
        return (Some(reason), Vec::new());
    }
    let typed: Vec<&String> = numbers.iter().filter(|n| !n.trim().is_empty()).collect();
    if typed.is_empty() {
        return (Some("phone_missing"), Vec::new());
    }
    let keys: Vec<String> = typed
        .iter()
        .map(|number| PhoneNumber::parse(number, Region::KOREA).unwrap())
        .filter(PhoneNumber::is_verified)
        .map(|number| number.key().to_owned())
        .collect();
    if keys.is_empty() {
        return (Some("phone_invalid"), Vec::new());
    }
    // A row with one good and one bad number is valid; both are kept.
    let draft = CustomerDraft {
        phones: typed
            .iter()
            .map(|number| PhoneDraft {
                label: String::new(),
                number: (*number).clone(),
            })
            .collect(),
        ..draft
    };
    assert!(draft.check(Region::KOREA, &[]).is_ok());
    (None, keys)
}

#[test]
fn every_row_gets_the_verdict_of_the_manifest() {
    let records = records();
    assert_eq!(records.len(), 200);
    let mut rejected: BTreeMap<&str, usize> = BTreeMap::new();
    let mut valid = 0;
    let mut first_with_key: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for (index, record) in records.iter().enumerate() {
        match verdict(record) {
            (Some(reason), _) => *rejected.entry(reason).or_default() += 1,
            (None, keys) => {
                valid += 1;
                let record_number = index + 1;
                if let Some(first) = keys.iter().find_map(|key| first_with_key.get(key)) {
                    duplicates.push((record_number, *first));
                }
                for key in keys {
                    first_with_key.entry(key).or_insert(record_number);
                }
            }
        }
    }
    assert_eq!(valid, 189);
    let expected: BTreeMap<&str, usize> = [
        ("email_invalid", 2),
        ("memo_too_long", 1),
        ("name_missing", 3),
        ("phone_invalid", 5),
    ]
    .into_iter()
    .collect();
    assert_eq!(rejected, expected);
    assert_eq!(duplicates, [(22, 9), (155, 21), (166, 111), (187, 10)]);
}
