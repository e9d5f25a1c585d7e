//! What the customer list shows: which customers (a [`CustomerFilter`]) in
//! which order (a [`CustomerSort`]), and the checks that turn the conditions
//! a person built in the filter bar into [`CheckedCondition`]s the store can
//! run.
//!
//! The status, group, tag, assignee and date parts of a filter always apply
//! together (AND); only the free conditions combine by the filter's [`Join`].
//! Text comparisons ignore the case of ASCII letters, as the store's `lower()`
//! does; Korean and Japanese have no case.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::field::{FieldDef, FieldKind, FieldValue};
use super::ids::{FieldId, GroupId, StatusId, TagId, UserId};
use super::invalid::{Invalid, Problem};
use super::phone::Region;
use super::time::Timestamp;

/// Which customers the list shows. The default is every live customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFilter {
    /// Only customers in this status.
    pub status: Option<StatusId>,
    /// Only members of this group.
    pub group: Option<GroupId>,
    /// Only customers with this tag.
    pub tag: Option<TagId>,
    /// Only customers looked after by this user.
    pub assignee: Option<UserId>,
    /// Only customers from this source (인지경로), ignoring the case of
    /// ASCII letters as the list of sources does.
    #[serde(default)]
    pub source: Option<String>,
    /// Only customers whose date falls in a range.
    pub date: Option<DateFilter>,
    /// Free conditions on the customer's fields, combined by `join`.
    pub conditions: Vec<Condition>,
    /// How `conditions` combine.
    pub join: Join,
    /// `false`: live customers; `true`: only those in the recycle bin.
    pub in_recycle_bin: bool,
    /// Only customers whose e-mail is at this domain (lower case), as the
    /// B2B view lists them.
    #[serde(default)]
    pub email_domain: Option<String>,
}

impl CustomerFilter {
    /// Checks every condition against the field definitions, in order.
    ///
    /// # Errors
    /// The first condition that is wrong, named `condition #n` (from 1), or
    /// `date` for a range that ends before it starts.
    pub fn check(&self, defs: &[FieldDef]) -> Result<Vec<CheckedCondition>, Invalid> {
        if let Some(date) = &self.date
            && date.to < date.from
        {
            return Err(Invalid::new(
                "date",
                Problem::Malformed {
                    value: format!("{} – {}", date.from.to_rfc3339(), date.to.to_rfc3339()),
                    reason: "the range ends before it starts".to_owned(),
                },
            ));
        }
        self.conditions
            .iter()
            .enumerate()
            .map(|(index, condition)| condition.check(index + 1, defs))
            .collect()
    }
}

/// How a filter's free conditions combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Join {
    /// Every condition holds.
    #[default]
    And,
    /// At least one condition holds.
    Or,
}

/// A half-open range `[from, to)` on one of a customer's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateFilter {
    /// Which date.
    pub on: DateField,
    /// First instant in the range.
    pub from: Timestamp,
    /// First instant after the range.
    pub to: Timestamp,
}

impl DateFilter {
    /// The range `preset` names on `on`, seen from `now` at `utc_offset_secs`.
    ///
    /// # Errors
    /// As [`DatePreset::range`].
    pub fn preset(
        on: DateField,
        preset: DatePreset,
        now: Timestamp,
        utc_offset_secs: i32,
    ) -> Result<Self, Invalid> {
        let (from, to) = preset.range(now, utc_offset_secs)?;
        Ok(Self { on, from, to })
    }
}

/// The dates a customer can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateField {
    /// When the customer was registered.
    Created,
    /// When the customer's card last changed.
    Updated,
    /// When the customer's latest call started (customers never called never match).
    LastCall,
}

/// Ranges the filter bar offers with one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatePreset {
    /// From local midnight today to midnight tonight.
    Today,
    /// The whole local day before today.
    Yesterday,
    /// Today and the six days before it.
    Last7Days,
    /// From the first of this month to the first of the next, local time.
    ThisMonth,
    /// The whole calendar month before this one, local time.
    LastMonth,
}

impl DatePreset {
    /// The half-open range `[from, to)` this preset names, in local days at
    /// the fixed offset `utc_offset_secs` (+09:00 is `32_400`). A fixed
    /// offset is exact for Korea and Japan, which keep no summer time.
    ///
    /// # Errors
    /// When the offset is not a UTC offset (beyond ±25:59:59) or `now` is
    /// outside the calendar's range.
    pub fn range(
        self,
        now: Timestamp,
        utc_offset_secs: i32,
    ) -> Result<(Timestamp, Timestamp), Invalid> {
        let offset = UtcOffset::from_whole_seconds(utc_offset_secs).map_err(|error| {
            Invalid::new(
                "UTC offset",
                Problem::Malformed {
                    value: utc_offset_secs.to_string(),
                    reason: error.to_string(),
                },
            )
        })?;
        let out_of_range = || {
            Invalid::new(
                "date",
                Problem::Malformed {
                    value: now.as_millis().to_string(),
                    reason: "outside the calendar's range".to_owned(),
                },
            )
        };
        let local =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(now.as_millis()) * 1_000_000)
                .map_err(|_| out_of_range())?
                .to_offset(offset);
        let today = local.date();
        let (first, after) = match self {
            Self::Today => (Some(today), today.next_day()),
            Self::Yesterday => (today.previous_day(), Some(today)),
            Self::Last7Days => (today.checked_sub(Duration::days(6)), today.next_day()),
            Self::ThisMonth => {
                let first = today.replace_day(1).ok();
                let next_month = match today.month() {
                    time::Month::December => {
                        time::Date::from_calendar_date(today.year() + 1, time::Month::January, 1)
                    }
                    month => time::Date::from_calendar_date(today.year(), month.next(), 1),
                };
                (first, next_month.ok())
            }
            Self::LastMonth => {
                let first = today.replace_day(1).ok();
                // The day before this month's first is in last month.
                let last_month = first
                    .and_then(time::Date::previous_day)
                    .and_then(|day| day.replace_day(1).ok());
                (last_month, first)
            }
        };
        let start = |date: time::Date| {
            Timestamp(date.midnight().assume_offset(offset).unix_timestamp() * 1000)
        };
        match (first, after) {
            (Some(first), Some(after)) => Ok((start(first), start(after))),
            _ => Err(out_of_range()),
        }
    }
}

/// One condition of the filter bar: `field` `op` `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// What is compared.
    pub field: FilterField,
    /// How.
    pub op: Operator,
    /// With what, as typed; unused by [`Operator::IsEmpty`] and [`Operator::IsNotEmpty`].
    pub value: String,
}

/// The customer fields a condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterField {
    /// Name.
    Name,
    /// Company.
    Company,
    /// E-mail.
    Email,
    /// Postal address.
    Address,
    /// How the customer found the company (인지경로).
    Source,
    /// The customer memo.
    Memo,
    /// Any of the customer's numbers, compared by digits.
    Phone,
    /// A user-defined field.
    Custom(FieldId),
}

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operator {
    /// The value is somewhere in the field.
    Contains,
    /// The value is nowhere in the field (an empty field counts).
    NotContains,
    /// The field is the value.
    Equals,
    /// The field is not the value (an empty field counts).
    NotEquals,
    /// The field starts with the value.
    StartsWith,
    /// Number or date: the field is after the value.
    Greater,
    /// Number or date: the field is before the value.
    Less,
    /// The field has no value.
    IsEmpty,
    /// The field has a value.
    IsNotEmpty,
}

impl Operator {
    /// Every operator, in the order the filter bar offers them.
    pub const ALL: [Operator; 9] = [
        Self::Contains,
        Self::NotContains,
        Self::Equals,
        Self::NotEquals,
        Self::StartsWith,
        Self::Greater,
        Self::Less,
        Self::IsEmpty,
        Self::IsNotEmpty,
    ];

    /// How messages name the operator.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contains => "contains",
            Self::NotContains => "does not contain",
            Self::Equals => "equals",
            Self::NotEquals => "does not equal",
            Self::StartsWith => "starts with",
            Self::Greater => "greater than",
            Self::Less => "less than",
            Self::IsEmpty => "is empty",
            Self::IsNotEmpty => "is not empty",
        }
    }

    /// Whether the operator compares with a value (all but the emptiness tests).
    #[must_use]
    pub fn takes_value(self) -> bool {
        !matches!(self, Self::IsEmpty | Self::IsNotEmpty)
    }
}

/// How a checked condition's field is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    /// As text, ignoring ASCII case.
    Text,
    /// By the digits of a number (the value holds digits only).
    Digits,
    /// As numbers.
    Number,
    /// As `YYYY-MM-DD` dates.
    Date,
    /// As yes or no.
    YesNo,
}

impl Comparison {
    /// How a field of `kind` is compared.
    #[must_use]
    pub fn of(kind: FieldKind) -> Self {
        match kind {
            FieldKind::Text | FieldKind::Choice | FieldKind::Email => Self::Text,
            FieldKind::Phone => Self::Digits,
            FieldKind::Number => Self::Number,
            FieldKind::Date => Self::Date,
            FieldKind::YesNo => Self::YesNo,
        }
    }

    /// Whether `op` applies; `None` if so, else why not.
    fn refuses(self, op: Operator) -> Option<&'static str> {
        match (self, op) {
            (Self::Text | Self::Digits | Self::YesNo, Operator::Greater | Operator::Less) => {
                Some("only number and date fields can be greater or less")
            }
            (
                Self::Number | Self::Date | Self::YesNo,
                Operator::Contains | Operator::NotContains | Operator::StartsWith,
            ) => Some("only text and phone fields can contain or start with text"),
            _ => None,
        }
    }
}

/// A condition that passed [`Condition::check`]: what the store runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedCondition {
    /// What is compared.
    pub field: FilterField,
    /// How the field's values compare.
    pub comparison: Comparison,
    /// The operator, which suits `comparison`.
    pub op: Operator,
    /// What the field is compared with.
    pub operand: Operand,
}

/// The checked value of a condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Operand {
    /// [`Operator::IsEmpty`] and [`Operator::IsNotEmpty`] compare with nothing.
    None,
    /// Text (ASCII letters lower-cased) or, for [`Comparison::Digits`], digits.
    Text(String),
    /// A user-defined field's value, typed as the field stores it.
    Value(FieldValue),
}

impl Condition {
    /// Checks this condition, the `number`th of its filter (from 1), against
    /// the user-defined field definitions.
    ///
    /// Greater and less apply to number and date fields only; contains and
    /// starts-with to text and phone fields. A custom field's value must fit
    /// the field ([`FieldDef::parse_value`]) when it is compared whole
    /// (equals, greater, less); phone conditions compare digits.
    ///
    /// # Errors
    /// [`Invalid`] naming `condition #number`.
    pub fn check(&self, number: usize, defs: &[FieldDef]) -> Result<CheckedCondition, Invalid> {
        let invalid = |problem| Invalid::new(format!("condition #{number}"), problem);
        let def = match self.field {
            FilterField::Custom(id) => {
                Some(defs.iter().find(|def| def.id == id).ok_or_else(|| {
                    let known: Vec<&str> = defs.iter().map(|def| def.key.as_str()).collect();
                    invalid(Problem::UnknownField {
                        known: known.join(", "),
                    })
                })?)
            }
            _ => None,
        };
        let comparison = match (self.field, def) {
            (FilterField::Phone, _) => Comparison::Digits,
            (_, Some(def)) => Comparison::of(def.kind),
            (_, None) => Comparison::Text,
        };
        if let Some(reason) = comparison.refuses(self.op) {
            return Err(invalid(Problem::Malformed {
                value: self.op.as_str().to_owned(),
                reason: reason.to_owned(),
            }));
        }
        let operand = if !self.op.takes_value() {
            Operand::None
        } else if comparison == Comparison::Digits {
            let digits: String = self.value.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return Err(invalid(Problem::WrongType {
                    value: self.value.clone(),
                    expected: "digits of a phone number".to_owned(),
                }));
            }
            Operand::Text(digits)
        } else if let (
            Some(def),
            Operator::Equals | Operator::NotEquals | Operator::Greater | Operator::Less,
        ) = (def, self.op)
        {
            // The region only matters to phone fields, which compare digits above.
            match def.parse_value(&self.value, Region::KOREA) {
                Ok(Some(value)) => Operand::Value(value),
                Ok(None) => return Err(invalid(Problem::Empty)),
                Err(problem) => return Err(invalid(problem)),
            }
        } else {
            let text = self.value.trim();
            if text.is_empty() {
                return Err(invalid(Problem::Empty));
            }
            Operand::Text(text.to_ascii_lowercase())
        };
        Ok(CheckedCondition {
            field: self.field,
            comparison,
            op: self.op,
            operand,
        })
    }
}

/// The order of the customer list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSort {
    /// The column sorted on; customers without a value come last either way.
    pub column: SortColumn,
    /// Largest (or latest, or last in 가나다 order) first.
    pub descending: bool,
}

/// The columns the customer list sorts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortColumn {
    /// Name (가나다 / Unicode order).
    #[default]
    Name,
    /// Company.
    Company,
    /// E-mail.
    Email,
    /// The first number, by digits.
    Phone,
    /// The status's name.
    Status,
    /// The assignee's display name.
    Assignee,
    /// When the customer was registered.
    Created,
    /// When the card last changed.
    Updated,
    /// When the latest call started.
    LastCall,
    /// When the customer was put in the recycle bin.
    Deleted,
    /// A user-defined field, by its typed value.
    Custom(FieldId),
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    const SEOUL: i32 = 9 * 3600;

    /// Unix milliseconds of an RFC 3339 instant.
    fn at(text: &str) -> Timestamp {
        let instant =
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
        Timestamp(i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap())
    }

    #[rstest]
    // 00:30 in Seoul is still the day before in UTC.
    #[case(
        DatePreset::Today,
        "2026-03-01T00:30:00+09:00",
        SEOUL,
        "2026-03-01T00:00:00+09:00",
        "2026-03-02T00:00:00+09:00"
    )]
    #[case(
        DatePreset::Today,
        "2026-03-01T00:30:00+09:00",
        0,
        "2026-02-28T00:00:00Z",
        "2026-03-01T00:00:00Z"
    )]
    #[case(
        DatePreset::Yesterday,
        "2026-03-01T10:00:00+09:00",
        SEOUL,
        "2026-02-28T00:00:00+09:00",
        "2026-03-01T00:00:00+09:00"
    )]
    #[case(
        DatePreset::Yesterday,
        "2024-03-01T10:00:00+09:00",
        SEOUL,
        "2024-02-29T00:00:00+09:00",
        "2024-03-01T00:00:00+09:00"
    )]
    #[case(
        DatePreset::Last7Days,
        "2026-03-03T23:59:59+09:00",
        SEOUL,
        "2026-02-25T00:00:00+09:00",
        "2026-03-04T00:00:00+09:00"
    )]
    #[case(
        DatePreset::ThisMonth,
        "2026-02-28T23:00:00+09:00",
        SEOUL,
        "2026-02-01T00:00:00+09:00",
        "2026-03-01T00:00:00+09:00"
    )]
    // 2026-12-31 16:00 UTC is already January in Seoul.
    #[case(
        DatePreset::ThisMonth,
        "2026-12-31T16:00:00Z",
        SEOUL,
        "2027-01-01T00:00:00+09:00",
        "2027-02-01T00:00:00+09:00"
    )]
    #[case(
        DatePreset::ThisMonth,
        "2026-12-31T16:00:00Z",
        0,
        "2026-12-01T00:00:00Z",
        "2027-01-01T00:00:00Z"
    )]
    #[case(
        DatePreset::LastMonth,
        "2026-03-31T23:00:00+09:00",
        SEOUL,
        "2026-02-01T00:00:00+09:00",
        "2026-03-01T00:00:00+09:00"
    )]
    // January's last month is the year before's December.
    #[case(
        DatePreset::LastMonth,
        "2026-12-31T16:00:00Z",
        SEOUL,
        "2026-12-01T00:00:00+09:00",
        "2027-01-01T00:00:00+09:00"
    )]
    #[case(DatePreset::Today, "2026-07-01T02:00:00Z", -5 * 3600, "2026-06-30T00:00:00-05:00", "2026-07-01T00:00:00-05:00")]
    // India's half hour.
    #[case(
        DatePreset::Today,
        "2026-07-01T18:29:00Z",
        19_800,
        "2026-07-01T00:00:00+05:30",
        "2026-07-02T00:00:00+05:30"
    )]
    fn presets_are_local_days(
        #[case] preset: DatePreset,
        #[case] now: &str,
        #[case] offset: i32,
        #[case] from: &str,
        #[case] to: &str,
    ) {
        assert_eq!(preset.range(at(now), offset), Ok((at(from), at(to))));
    }

    #[test]
    fn a_preset_builds_a_date_filter_and_refuses_a_bad_offset() {
        let now = at("2026-05-15T12:00:00+09:00");
        let filter =
            DateFilter::preset(DateField::LastCall, DatePreset::Today, now, SEOUL).unwrap();
        assert_eq!(filter.on, DateField::LastCall);
        assert_eq!(filter.to.0 - filter.from.0, 86_400_000);
        assert!(DatePreset::Today.range(now, 26 * 3600).is_err());
    }

    fn def(id: i64, kind: FieldKind) -> FieldDef {
        FieldDef {
            id: FieldId(id),
            key: format!("f{id}"),
            label: format!("F{id}"),
            kind,
            choices: vec!["VIP".to_owned(), "일반".to_owned()],
            position: 0,
            required: false,
            show_in_list: true,
            show_in_popup: false,
        }
    }

    fn defs() -> Vec<FieldDef> {
        vec![
            def(1, FieldKind::Text),
            def(2, FieldKind::Number),
            def(3, FieldKind::Date),
            def(4, FieldKind::YesNo),
            def(5, FieldKind::Choice),
            def(6, FieldKind::Phone),
        ]
    }

    fn condition(field: FilterField, op: Operator, value: &str) -> Condition {
        Condition {
            field,
            op,
            value: value.to_owned(),
        }
    }

    #[rstest]
    #[case(FilterField::Name, Operator::Contains, " Kim ", Comparison::Text, Operand::Text("kim".into()))]
    #[case(
        FilterField::Email,
        Operator::IsEmpty,
        "ignored",
        Comparison::Text,
        Operand::None
    )]
    #[case(FilterField::Phone, Operator::Contains, "1234-5678", Comparison::Digits, Operand::Text("12345678".into()))]
    #[case(FilterField::Custom(FieldId(1)), Operator::StartsWith, "지인", Comparison::Text, Operand::Text("지인".into()))]
    #[case(
        FilterField::Custom(FieldId(2)),
        Operator::Greater,
        "1,000",
        Comparison::Number,
        Operand::Value(FieldValue::Integer(1000))
    )]
    #[case(
        FilterField::Custom(FieldId(2)),
        Operator::Less,
        "2.5",
        Comparison::Number,
        Operand::Value(FieldValue::Decimal(2.5))
    )]
    #[case(FilterField::Custom(FieldId(3)), Operator::Less, "2024.6.1", Comparison::Date, Operand::Value(FieldValue::Date("2024-06-01".into())))]
    #[case(
        FilterField::Custom(FieldId(4)),
        Operator::Equals,
        "예",
        Comparison::YesNo,
        Operand::Value(FieldValue::YesNo(true))
    )]
    #[case(FilterField::Custom(FieldId(5)), Operator::Equals, "VIP", Comparison::Text, Operand::Value(FieldValue::Text("VIP".into())))]
    // A fragment of a choice is searched as text, not checked against the choices.
    #[case(FilterField::Custom(FieldId(5)), Operator::Contains, "V", Comparison::Text, Operand::Text("v".into()))]
    #[case(FilterField::Custom(FieldId(6)), Operator::Equals, "010 1234 5678", Comparison::Digits, Operand::Text("01012345678".into()))]
    fn accepts(
        #[case] field: FilterField,
        #[case] op: Operator,
        #[case] value: &str,
        #[case] comparison: Comparison,
        #[case] operand: Operand,
    ) {
        let checked = condition(field, op, value).check(1, &defs()).unwrap();
        assert_eq!(checked.comparison, comparison);
        assert_eq!(checked.op, op);
        assert_eq!(checked.operand, operand);
    }

    #[rstest]
    #[case(FilterField::Name, Operator::Greater, "김")]
    #[case(FilterField::Phone, Operator::Less, "010")]
    #[case(FilterField::Phone, Operator::Contains, "전화")]
    #[case(FilterField::Memo, Operator::Contains, "  ")]
    #[case(FilterField::Custom(FieldId(1)), Operator::Greater, "x")]
    #[case(FilterField::Custom(FieldId(2)), Operator::Greater, "열둘")]
    #[case(FilterField::Custom(FieldId(2)), Operator::Contains, "1")]
    #[case(FilterField::Custom(FieldId(3)), Operator::Less, "어제")]
    #[case(FilterField::Custom(FieldId(4)), Operator::Greater, "예")]
    #[case(FilterField::Custom(FieldId(5)), Operator::Equals, "골드")]
    #[case(FilterField::Custom(FieldId(99)), Operator::IsEmpty, "")]
    fn refuses_naming_the_condition(
        #[case] field: FilterField,
        #[case] op: Operator,
        #[case] value: &str,
    ) {
        let error = condition(field, op, value).check(2, &defs()).unwrap_err();
        assert_eq!(error.field, "condition #2");
    }

    #[test]
    fn a_filter_checks_every_condition_and_its_date_range() {
        let mut filter = CustomerFilter {
            conditions: vec![
                condition(FilterField::Name, Operator::Contains, "김"),
                condition(FilterField::Company, Operator::Less, "x"),
            ],
            ..CustomerFilter::default()
        };
        assert_eq!(filter.check(&defs()).unwrap_err().field, "condition #2");
        filter.conditions.pop();
        assert_eq!(filter.check(&defs()).unwrap().len(), 1);
        filter.date = Some(DateFilter {
            on: DateField::Created,
            from: Timestamp(10),
            to: Timestamp(5),
        });
        assert_eq!(filter.check(&defs()).unwrap_err().field, "date");
    }

    #[test]
    fn defaults_show_every_live_customer_by_name() {
        let filter = CustomerFilter::default();
        assert!(!filter.in_recycle_bin);
        assert!(filter.conditions.is_empty());
        assert_eq!(filter.join, Join::And);
        assert_eq!(
            CustomerSort::default(),
            CustomerSort {
                column: SortColumn::Name,
                descending: false
            }
        );
    }
}
