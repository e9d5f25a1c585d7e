//! A customer as typed (a draft) and as the store accepts it (checked), with
//! the rules that turn one into the other.

use serde::Serialize;

use super::consent::{self, ConsentChannel};
use super::email::Email;
use super::field::{FieldDef, FieldValue};
use super::ids::{CustomerId, FieldId, StatusId, UserId};
use super::invalid::{Invalid, Problem};
use super::phone::{PhoneNumber, Region};
use super::time::Timestamp;

/// The customer memo's limit in UTF-8 bytes (`CRMmini`'s 8,000).
pub const MEMO_MAX_BYTES: usize = 8000;

/// A number as typed into the card, with its label (휴대폰, 회사, 집…).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PhoneDraft {
    /// Label shown next to the number; may be empty.
    pub label: String,
    /// The number as typed.
    pub number: String,
}

/// A customer as typed in a form, on the command line or in an import row;
/// nothing is checked yet. [`CustomerDraft::check`] turns it into a
/// [`NewCustomer`] the store accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CustomerDraft {
    /// Required.
    pub name: String,
    /// Company (회사).
    pub company: String,
    /// E-mail; empty for none.
    pub email: String,
    /// Postal address.
    pub address: String,
    /// ISO 3166 code of the customer's country; empty means the default region.
    pub country: String,
    /// How the customer found the company (인지경로).
    pub source: String,
    /// The customer memo, at most [`MEMO_MAX_BYTES`].
    pub memo: String,
    /// Numbers with their labels.
    pub phones: Vec<PhoneDraft>,
    /// Names of the groups the customer belongs to.
    pub groups: Vec<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// User-defined field values by field key.
    pub fields: Vec<(String, String)>,
    /// Status, if one is set.
    pub status_id: Option<StatusId>,
    /// The user who looks after the customer.
    pub assignee_id: Option<UserId>,
    /// Refuses advertising (광고 수신거부): no advertisement is sent to them.
    pub ad_opt_out: bool,
    /// Agreed to advertising at night, 21:00–08:00 (야간 광고 수신동의).
    pub ad_night_consent: bool,
    /// The day the customer agreed to advertising (광고 수신동의일) as typed
    /// (`2024-03-05`); empty when no consent is recorded.
    pub ad_consent_date: String,
    /// How they agreed (동의경로).
    pub ad_consent_channel: Option<ConsentChannel>,
}

/// A number that passed [`PhoneNumber::parse`], with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabeledPhone {
    /// Label (휴대폰, 회사, 집…).
    pub label: String,
    /// The parsed number.
    pub number: PhoneNumber,
}

/// A customer whose every field has been checked; what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    /// Non-empty, trimmed.
    pub name: String,
    /// Trimmed; may be empty.
    pub company: String,
    /// A plausible address, if any.
    pub email: Option<Email>,
    /// Trimmed; may be empty.
    pub address: String,
    /// The customer's country, if set.
    pub country: Option<Region>,
    /// Trimmed; may be empty.
    pub source: String,
    /// At most [`MEMO_MAX_BYTES`].
    pub memo: String,
    /// Distinct numbers (by canonical key), in the order typed.
    pub phones: Vec<LabeledPhone>,
    /// Distinct, non-empty group names.
    pub groups: Vec<String>,
    /// Distinct, non-empty tag names.
    pub tags: Vec<String>,
    /// Values of user-defined fields.
    pub fields: Vec<(FieldId, FieldValue)>,
    /// Status.
    pub status_id: Option<StatusId>,
    /// Assignee.
    pub assignee_id: Option<UserId>,
    /// Refuses advertising.
    pub ad_opt_out: bool,
    /// Agreed to advertising at night.
    pub ad_night_consent: bool,
    /// When the customer agreed to advertising, if recorded.
    pub ad_consent_at: Option<Timestamp>,
    /// How they agreed, if recorded.
    pub ad_consent_channel: Option<ConsentChannel>,
}

impl CustomerDraft {
    /// Checks every field. Numbers are read in the customer's country, or in
    /// `default_region` when none is set; `fields` holds the user-defined field
    /// definitions the values are checked against.
    ///
    /// # Errors
    /// The first problem found, naming its field.
    pub fn check(
        &self,
        default_region: Region,
        fields: &[FieldDef],
    ) -> Result<NewCustomer, Invalid> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Invalid::new("name", Problem::Empty));
        }
        let memo_bytes = self.memo.len();
        if memo_bytes > MEMO_MAX_BYTES {
            return Err(Invalid::new(
                "memo",
                Problem::TooLong {
                    bytes: memo_bytes,
                    max: MEMO_MAX_BYTES,
                },
            ));
        }
        let email = match self.email.trim() {
            "" => None,
            text => Some(Email::parse(text).map_err(|problem| Invalid::new("email", problem))?),
        };
        let country = match self.country.trim() {
            "" => None,
            code => Some(code.parse::<Region>().map_err(|reason| {
                Invalid::new(
                    "country",
                    Problem::Malformed {
                        value: code.to_owned(),
                        reason: reason.to_string(),
                    },
                )
            })?),
        };
        let region = country.unwrap_or(default_region);
        let ad_consent_at = self.check_consent_date()?;
        Ok(NewCustomer {
            name: name.to_owned(),
            company: self.company.trim().to_owned(),
            email,
            address: self.address.trim().to_owned(),
            country,
            source: self.source.trim().to_owned(),
            memo: self.memo.clone(),
            phones: self.check_phones(region)?,
            groups: distinct_names(&self.groups),
            tags: distinct_names(&self.tags),
            fields: self.check_fields(region, fields)?,
            status_id: self.status_id,
            assignee_id: self.assignee_id,
            ad_opt_out: self.ad_opt_out,
            ad_night_consent: self.ad_night_consent,
            ad_consent_at,
            ad_consent_channel: self.ad_consent_channel,
        })
    }

    /// The consent date, if one is typed.
    fn check_consent_date(&self) -> Result<Option<Timestamp>, Invalid> {
        match self.ad_consent_date.trim() {
            "" => Ok(None),
            text => consent::parse_date(text).map(Some).ok_or_else(|| {
                Invalid::new(
                    "ad_consent_date",
                    Problem::Malformed {
                        value: text.to_owned(),
                        reason: "not a date (YYYY-MM-DD)".to_owned(),
                    },
                )
            }),
        }
    }

    /// Every problem of the draft at once, for a form that marks each field;
    /// empty when [`Self::check`] would accept it.
    #[must_use]
    pub fn problems(&self, default_region: Region, fields: &[FieldDef]) -> Vec<Invalid> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(Invalid::new("name", Problem::Empty));
        }
        if self.memo.len() > MEMO_MAX_BYTES {
            problems.push(Invalid::new(
                "memo",
                Problem::TooLong {
                    bytes: self.memo.len(),
                    max: MEMO_MAX_BYTES,
                },
            ));
        }
        let email = self.email.trim();
        if !email.is_empty()
            && let Err(problem) = Email::parse(email)
        {
            problems.push(Invalid::new("email", problem));
        }
        if let Err(invalid) = self.check_consent_date() {
            problems.push(invalid);
        }
        let country = self.country.trim();
        let region = if country.is_empty() {
            default_region
        } else {
            match country.parse::<Region>() {
                Ok(region) => region,
                Err(reason) => {
                    problems.push(Invalid::new(
                        "country",
                        Problem::Malformed {
                            value: country.to_owned(),
                            reason: reason.to_string(),
                        },
                    ));
                    default_region
                }
            }
        };
        for (index, phone) in self.phones.iter().enumerate() {
            let number = phone.number.trim();
            if !number.is_empty()
                && let Err(error) = PhoneNumber::parse(number, region)
            {
                problems.push(Invalid::new(
                    format!("phone #{}", index + 1),
                    Problem::Phone(error),
                ));
            }
        }
        for def in fields {
            let text = self
                .fields
                .iter()
                .rev()
                .find(|(key, _)| key.trim() == def.key)
                .map_or("", |(_, text)| text.as_str());
            match def.parse_value(text, region) {
                Ok(None) if def.required => {
                    problems.push(Invalid::new(def.key.clone(), Problem::Empty));
                }
                Ok(_) => {}
                Err(problem) => problems.push(Invalid::new(def.key.clone(), problem)),
            }
        }
        problems
    }

    fn check_phones(&self, region: Region) -> Result<Vec<LabeledPhone>, Invalid> {
        let typed: Vec<&PhoneDraft> = self
            .phones
            .iter()
            .filter(|phone| !phone.number.trim().is_empty())
            .collect();
        let mut phones: Vec<LabeledPhone> = Vec::with_capacity(typed.len());
        for (index, draft) in typed.iter().enumerate() {
            let number = PhoneNumber::parse(&draft.number, region).map_err(|error| {
                let field = if typed.len() == 1 {
                    "phone".to_owned()
                } else {
                    format!("phone #{}", index + 1)
                };
                Invalid::new(field, Problem::Phone(error))
            })?;
            // The same number typed twice is one number.
            if phones
                .iter()
                .all(|known| known.number.key() != number.key())
            {
                phones.push(LabeledPhone {
                    label: draft.label.trim().to_owned(),
                    number,
                });
            }
        }
        Ok(phones)
    }

    fn check_fields(
        &self,
        region: Region,
        defs: &[FieldDef],
    ) -> Result<Vec<(FieldId, FieldValue)>, Invalid> {
        let mut values: Vec<(FieldId, FieldValue)> = Vec::with_capacity(self.fields.len());
        for (key, text) in &self.fields {
            let key = key.trim();
            let def = defs.iter().find(|def| def.key == key).ok_or_else(|| {
                let known: Vec<&str> = defs.iter().map(|def| def.key.as_str()).collect();
                Invalid::new(
                    key,
                    Problem::UnknownField {
                        known: if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        },
                    },
                )
            })?;
            let value = def
                .parse_value(text, region)
                .map_err(|problem| Invalid::new(key, problem))?;
            values.retain(|(id, _)| *id != def.id);
            if let Some(value) = value {
                values.push((def.id, value));
            }
        }
        if let Some(missing) = defs
            .iter()
            .find(|def| def.required && values.iter().all(|(id, _)| *id != def.id))
        {
            return Err(Invalid::new(missing.key.clone(), Problem::Empty));
        }
        Ok(values)
    }
}

fn distinct_names(names: &[String]) -> Vec<String> {
    let mut distinct: Vec<String> = Vec::with_capacity(names.len());
    for name in names.iter().map(|name| name.trim()) {
        if !name.is_empty() && !distinct.iter().any(|known| known == name) {
            distinct.push(name.to_owned());
        }
    }
    distinct
}

/// One of a customer's numbers as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerPhone {
    /// Label (휴대폰, 회사, 집…).
    pub label: String,
    /// As typed.
    pub raw: String,
    /// Formatted for display (010-1234-5678).
    pub display: String,
    /// Canonical key (E.164 when verified).
    pub key: String,
    /// False when the number did not validate and is kept as typed.
    pub verified: bool,
    /// A mobile number (can receive SMS).
    pub mobile: bool,
}

/// A user-defined field's value on a customer, with the field's key and label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerField {
    /// The field's key.
    pub key: String,
    /// The field's label.
    pub label: String,
    /// The value.
    pub value: FieldValue,
}

impl Customer {
    /// The customer as a draft to edit and check again; `status_id` is the
    /// id of [`Customer::status`] (the store names it, the draft needs its id).
    #[must_use]
    pub fn to_draft(&self, status_id: Option<StatusId>) -> CustomerDraft {
        CustomerDraft {
            name: self.name.clone(),
            company: self.company.clone(),
            email: self.email.clone().unwrap_or_default(),
            address: self.address.clone(),
            country: self.country.clone().unwrap_or_default(),
            source: self.source.clone(),
            memo: self.memo.clone(),
            phones: self
                .phones
                .iter()
                .map(|phone| PhoneDraft {
                    label: phone.label.clone(),
                    number: phone.display.clone(),
                })
                .collect(),
            groups: self.groups.clone(),
            tags: self.tags.clone(),
            fields: self
                .fields
                .iter()
                .map(|field| (field.key.clone(), field.value.to_string()))
                .collect(),
            status_id,
            assignee_id: self.assignee_id,
            ad_opt_out: self.ad_opt_out_at.is_some(),
            ad_night_consent: self.ad_night_consent,
            ad_consent_date: self
                .ad_consent_at
                .map(consent::format_date)
                .unwrap_or_default(),
            ad_consent_channel: self.ad_consent_channel,
        }
    }
}

/// A customer as read from the store, with everything the card shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    /// Row id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// E-mail, if any.
    pub email: Option<String>,
    /// Address.
    pub address: String,
    /// Country code, if set.
    pub country: Option<String>,
    /// Status name, if set.
    pub status: Option<String>,
    /// How the customer found the company.
    pub source: String,
    /// Assignee.
    pub assignee_id: Option<UserId>,
    /// Customer memo.
    pub memo: String,
    /// Numbers in the order typed.
    pub phones: Vec<CustomerPhone>,
    /// Group names.
    pub groups: Vec<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// User-defined field values, in the fields' order.
    pub fields: Vec<CustomerField>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// In the recycle bin since, if deleted.
    pub deleted_at: Option<Timestamp>,
    /// When the customer refused advertising (광고 수신거부), if they did.
    pub ad_opt_out_at: Option<Timestamp>,
    /// Agreed to advertising at night, 21:00–08:00 (야간 광고 수신동의).
    pub ad_night_consent: bool,
    /// When the customer agreed to advertising (광고 수신동의일), if recorded.
    pub ad_consent_at: Option<Timestamp>,
    /// How they agreed (동의경로), if recorded.
    pub ad_consent_channel: Option<ConsentChannel>,
}

/// A customer as a list or search result shows it: one row, no joins beyond the first number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerSummary {
    /// Row id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// The first number, formatted, if any.
    pub phone: Option<String>,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A row of the customer list window: the columns it can show, the
/// user-defined ones included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListRow {
    /// Row id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// E-mail, if any.
    pub email: Option<String>,
    /// The first number, formatted for display, if any.
    pub phone: Option<String>,
    /// The status's name, if set.
    pub status: Option<String>,
    /// The assignee's display name, if set.
    pub assignee: Option<String>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// When the latest call started, if there was one.
    pub last_call_at: Option<Timestamp>,
    /// The values of the asked-for fields that the customer has, in the order asked.
    pub fields: Vec<(FieldId, FieldValue)>,
    /// For a customer in the recycle bin because it was merged into
    /// another (and the merge is not undone): that customer.
    pub merged_into: Option<MergedInto>,
    /// For a customer in the recycle bin: when it was put there.
    pub deleted_at: Option<Timestamp>,
    /// For a customer in the recycle bin: who put it there, as their
    /// history names them (`None` when no one was signed in).
    pub deleted_by: Option<String>,
}

/// The customer a binned customer was merged into, as the recycle bin names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedInto {
    /// The customer kept.
    pub id: CustomerId,
    /// Their name now.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::field::FieldKind;

    fn draft() -> CustomerDraft {
        CustomerDraft {
            name: " 홍길동 ".to_owned(),
            phones: vec![PhoneDraft {
                label: "휴대폰".to_owned(),
                number: "010-1234-5678".to_owned(),
            }],
            ..CustomerDraft::default()
        }
    }

    fn defs() -> Vec<FieldDef> {
        vec![FieldDef {
            id: FieldId(7),
            key: "visits".to_owned(),
            label: "방문횟수".to_owned(),
            kind: FieldKind::Number,
            choices: Vec::new(),
            position: 0,
            required: false,
            show_in_list: true,
            show_in_popup: false,
        }]
    }

    fn field_of(draft: &CustomerDraft) -> String {
        draft
            .check(Region::KOREA, &defs())
            .map_or_else(|invalid| invalid.field, |_| String::new())
    }

    #[test]
    fn a_good_draft_is_trimmed_and_parsed() {
        let mut good = draft();
        good.fields = vec![("visits".to_owned(), "3".to_owned())];
        good.groups = vec!["VIP".into(), " VIP ".into(), String::new()];
        let checked = good.check(Region::KOREA, &defs()).unwrap();
        assert_eq!(checked.name, "홍길동");
        assert_eq!(checked.phones[0].number.key(), "+821012345678");
        assert_eq!(checked.fields, vec![(FieldId(7), FieldValue::Integer(3))]);
        assert_eq!(checked.groups, vec!["VIP".to_owned()]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut bad = draft();
        bad.name = "  ".into();
        assert_eq!(field_of(&bad), "name");

        let mut bad = draft();
        bad.memo = "가".repeat(2667); // 8,001 bytes
        assert_eq!(field_of(&bad), "memo");
        bad.memo = "a".repeat(MEMO_MAX_BYTES);
        assert_eq!(field_of(&bad), "");

        let mut bad = draft();
        bad.email = "minsu.kim@@naver.com".into();
        assert_eq!(field_of(&bad), "email");

        let mut bad = draft();
        bad.phones[0].number = "전화번호".into();
        assert_eq!(field_of(&bad), "phone");

        let mut bad = draft();
        bad.fields = vec![("nope".into(), "1".into())];
        assert_eq!(field_of(&bad), "nope");

        let mut bad = draft();
        bad.fields = vec![("visits".into(), "many".into())];
        assert_eq!(field_of(&bad), "visits");
    }

    #[test]
    fn the_same_number_twice_is_kept_once() {
        let mut twice = draft();
        twice.phones.push(PhoneDraft {
            label: "집".into(),
            number: "+82 10 1234 5678".into(),
        });
        assert_eq!(twice.check(Region::KOREA, &[]).unwrap().phones.len(), 1);
    }

    #[test]
    fn a_required_field_must_have_a_value() {
        let mut required = defs();
        required[0].required = true;
        let err = draft().check(Region::KOREA, &required).unwrap_err();
        assert_eq!(err.field, "visits");
    }

    #[test]
    fn problems_lists_every_wrong_field() {
        assert!(draft().problems(Region::KOREA, &defs()).is_empty());
        let mut wrong = draft();
        wrong.name = " ".to_owned();
        wrong.email = "nope".to_owned();
        wrong.phones.push(PhoneDraft {
            label: String::new(),
            number: "12".to_owned(),
        });
        wrong.fields = vec![("visits".to_owned(), "many".to_owned())];
        let fields: Vec<String> = wrong
            .problems(Region::KOREA, &defs())
            .into_iter()
            .map(|invalid| invalid.field)
            .collect();
        assert_eq!(fields, ["name", "email", "phone #2", "visits"]);
        let mut required = defs();
        required[0].required = true;
        assert_eq!(
            draft().problems(Region::KOREA, &required)[0].field,
            "visits"
        );
        assert!(draft().check(Region::KOREA, &required).is_err());
    }
}
