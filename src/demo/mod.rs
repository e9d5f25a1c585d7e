//! Realistic generated customers for demos and benchmarks: Korean and
//! Japanese names weighted as they occur, several numbers each in the mixed
//! formats agents type, companies, groups, tags, user-defined field values,
//! memos and notes. The same seed gives the same customers.

mod words;

use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::domain::{CustomerDraft, FieldKind, Invalid, NewFieldDef, PhoneDraft};
use words::{
    GROUPS, JAPANESE_COMPANY_KINDS, JAPANESE_COMPANY_STEMS, JAPANESE_GIVEN, JAPANESE_MAIL_DOMAINS,
    JAPANESE_MEMOS, JAPANESE_PLACES, JAPANESE_SURNAMES, KOREAN_COMPANY_KINDS, KOREAN_COMPANY_STEMS,
    KOREAN_GIVEN_FIRST, KOREAN_GIVEN_SECOND, KOREAN_MAIL_DOMAINS, KOREAN_MEMOS, KOREAN_PLACES,
    KOREAN_STREETS, KOREAN_SURNAMES, MAIL_SYLLABLES, NOTES, SOURCES, TAGS, TIERS,
};

/// A generated customer and the notes agents left on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCustomer {
    /// The customer as typed.
    pub draft: CustomerDraft,
    /// Notes, oldest first.
    pub notes: Vec<String>,
}

/// The user-defined fields generated customers fill in.
///
/// # Errors
/// Never in practice: the definitions are fixed and valid.
pub fn field_defs() -> Result<Vec<NewFieldDef>, Invalid> {
    Ok(vec![
        // Where a caller came from and their tier are what an agent wants
        // to see before picking up.
        NewFieldDef {
            show_in_popup: true,
            ..NewFieldDef::new("인지경로", "인지경로", FieldKind::Choice)?.with_choices(SOURCES)?
        },
        NewFieldDef {
            show_in_popup: true,
            ..NewFieldDef::new("등급", "등급", FieldKind::Choice)?.with_choices(TIERS)?
        },
        NewFieldDef::new("가입일자", "가입일자", FieldKind::Date)?,
        NewFieldDef::new("방문횟수", "방문횟수", FieldKind::Number)?,
        NewFieldDef::new("수신동의", "수신동의", FieldKind::YesNo)?,
    ])
}

/// Makes customers from a seed.
pub struct Generator {
    rng: ChaCha8Rng,
    surname_total: u32,
}

impl Generator {
    /// A generator whose customers depend only on `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            surname_total: KOREAN_SURNAMES.iter().map(|(_, weight)| weight).sum(),
        }
    }

    /// The next customer.
    pub fn customer(&mut self) -> DemoCustomer {
        if self.rng.random_bool(0.15) {
            self.japanese()
        } else {
            self.korean()
        }
    }

    fn korean(&mut self) -> DemoCustomer {
        let name = format!(
            "{}{}{}",
            self.korean_surname(),
            self.pick(KOREAN_GIVEN_FIRST),
            self.pick(KOREAN_GIVEN_SECOND)
        );
        let mut phones = vec![PhoneDraft {
            label: "휴대폰".to_owned(),
            number: self.korean_mobile(),
        }];
        if self.rng.random_bool(0.5) {
            phones.push(PhoneDraft {
                label: "회사".to_owned(),
                number: self.korean_landline(),
            });
        }
        if self.rng.random_bool(0.1) {
            phones.push(PhoneDraft {
                label: "집".to_owned(),
                number: self.korean_landline(),
            });
        }
        let company = if self.rng.random_bool(0.6) {
            let prefix = if self.rng.random_bool(0.3) {
                "(주)"
            } else {
                ""
            };
            format!(
                "{prefix}{}{}",
                self.pick(KOREAN_COMPANY_STEMS),
                self.pick(KOREAN_COMPANY_KINDS)
            )
        } else {
            String::new()
        };
        let address = format!(
            "{} {} {}",
            self.pick(KOREAN_PLACES),
            self.pick(KOREAN_STREETS),
            self.rng.random_range(1..400)
        );
        let memo = if self.rng.random_bool(0.3) {
            self.pick(KOREAN_MEMOS).to_owned()
        } else {
            String::new()
        };
        let email = self.email(KOREAN_MAIL_DOMAINS);
        self.finish(CustomerDraft {
            name,
            company,
            email,
            address,
            memo,
            phones,
            ..CustomerDraft::default()
        })
    }

    fn japanese(&mut self) -> DemoCustomer {
        let name = format!(
            "{}{}",
            self.pick(JAPANESE_SURNAMES),
            self.pick(JAPANESE_GIVEN)
        );
        let mut phones = vec![PhoneDraft {
            label: "携帯".to_owned(),
            number: self.japanese_mobile(),
        }];
        if self.rng.random_bool(0.4) {
            phones.push(PhoneDraft {
                label: "会社".to_owned(),
                number: format!(
                    "03-{}-{:04}",
                    self.rng.random_range(3000..7000),
                    self.rng.random_range(0..10_000)
                ),
            });
        }
        let company = if self.rng.random_bool(0.6) {
            format!(
                "株式会社{}{}",
                self.pick(JAPANESE_COMPANY_STEMS),
                self.pick(JAPANESE_COMPANY_KINDS)
            )
        } else {
            String::new()
        };
        let address = format!(
            "{}{}-{}-{}",
            self.pick(JAPANESE_PLACES),
            self.rng.random_range(1..9),
            self.rng.random_range(1..30),
            self.rng.random_range(1..20)
        );
        let memo = if self.rng.random_bool(0.3) {
            self.pick(JAPANESE_MEMOS).to_owned()
        } else {
            String::new()
        };
        let email = self.email(JAPANESE_MAIL_DOMAINS);
        self.finish(CustomerDraft {
            name,
            company,
            email,
            address,
            country: "JP".to_owned(),
            memo,
            phones,
            ..CustomerDraft::default()
        })
    }

    /// Adds what Korean and Japanese customers share: groups, tags, fields, notes.
    fn finish(&mut self, mut draft: CustomerDraft) -> DemoCustomer {
        for _ in 0..self.rng.random_range(0..3) {
            let group = self.pick(GROUPS).to_owned();
            draft.groups.push(group);
        }
        for _ in 0..self.rng.random_range(0..3) {
            let tag = self.pick(TAGS).to_owned();
            draft.tags.push(tag);
        }
        self.pick(SOURCES).clone_into(&mut draft.source);
        draft.fields = vec![
            ("인지경로".to_owned(), draft.source.clone()),
            ("등급".to_owned(), self.pick(TIERS).to_owned()),
            (
                "가입일자".to_owned(),
                format!(
                    "{}-{:02}-{:02}",
                    self.rng.random_range(2015..2027),
                    self.rng.random_range(1..13),
                    self.rng.random_range(1..29)
                ),
            ),
            (
                "방문횟수".to_owned(),
                self.rng.random_range(0..50).to_string(),
            ),
            (
                "수신동의".to_owned(),
                if self.rng.random_bool(0.7) {
                    "예"
                } else {
                    "아니오"
                }
                .to_owned(),
            ),
        ];
        let notes = (0..self.rng.random_range(0..3))
            .map(|_| self.pick(NOTES).to_owned())
            .collect();
        DemoCustomer { draft, notes }
    }

    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        let index = self.rng.random_range(0..list.len());
        list.get(index).copied().unwrap_or_default()
    }

    fn korean_surname(&mut self) -> &'static str {
        let mut ticket = self.rng.random_range(0..self.surname_total);
        for (surname, weight) in KOREAN_SURNAMES {
            if ticket < *weight {
                return surname;
            }
            ticket -= weight;
        }
        "김"
    }

    /// A mobile number in one of the ways agents and spreadsheets write them.
    fn korean_mobile(&mut self) -> String {
        // 010-5xxx is only partly assigned (libphonenumber rejects 010-597x…); skip it.
        let middle = match self.rng.random_range(2000..9000) {
            low @ ..5000 => low,
            high => high + 1000,
        };
        let last = self.rng.random_range(0..10_000);
        match self.rng.random_range(0..10) {
            0..=5 => format!("010-{middle}-{last:04}"),
            6 | 7 => format!("010{middle}{last:04}"),
            8 => format!("+82 10-{middle}-{last:04}"),
            _ => format!("010 {middle} {last:04}"),
        }
    }

    fn korean_landline(&mut self) -> String {
        let area = self.pick(&["02", "031", "032", "051", "053", "062", "042", "064", "070"]);
        let exchange = if area == "070" || self.rng.random_bool(0.7) {
            self.rng.random_range(2000..10_000)
        } else {
            self.rng.random_range(200..1000)
        };
        format!("{area}-{exchange}-{:04}", self.rng.random_range(0..10_000))
    }

    fn japanese_mobile(&mut self) -> String {
        let prefix = self.pick(&["090", "080", "070"]);
        let middle = self.rng.random_range(1000..10_000);
        let last = self.rng.random_range(0..10_000);
        if self.rng.random_bool(0.2) {
            format!("+81 {}-{middle}-{last:04}", prefix.trim_start_matches('0'))
        } else {
            format!("{prefix}-{middle}-{last:04}")
        }
    }

    fn email(&mut self, domains: &[&'static str]) -> String {
        if self.rng.random_bool(0.5) {
            return String::new();
        }
        format!(
            "{}.{}{}@{}",
            self.pick(MAIL_SYLLABLES),
            self.pick(MAIL_SYLLABLES),
            self.rng.random_range(1..1000),
            self.pick(domains)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FieldDef, FieldId, Region};

    #[test]
    fn the_same_seed_gives_the_same_customers() {
        let mut first = Generator::new(7);
        let mut second = Generator::new(7);
        for _ in 0..100 {
            assert_eq!(first.customer(), second.customer());
        }
        assert_ne!(Generator::new(8).customer(), Generator::new(7).customer());
    }

    #[test]
    fn every_generated_customer_passes_the_checks() {
        let defs: Vec<FieldDef> = field_defs()
            .unwrap()
            .into_iter()
            .zip(1..)
            .map(|(def, id)| FieldDef {
                id: FieldId(id),
                key: def.key,
                label: def.label,
                kind: def.kind,
                choices: def.choices,
                position: id,
                required: false,
                show_in_list: true,
                show_in_popup: false,
            })
            .collect();
        let mut generator = Generator::new(1);
        for _ in 0..2000 {
            let customer = generator.customer();
            let checked = customer.draft.check(Region::KOREA, &defs).unwrap();
            assert!(
                checked.phones.iter().all(|p| p.number.is_verified()),
                "{checked:?}"
            );
        }
    }
}
