//! The customer list window's query: customers matching a
//! [`CustomerFilter`], counted, or one page of them in a [`CustomerSort`]
//! order with the columns the list shows.
//!
//! The SQL is put together from the fixed fragments below; every value the
//! person typed is a bound parameter, never text in the SQL. Only the `?n`
//! numbers are formatted in.
//!
//! A page is read in two steps: first the ids of the page (filter, order,
//! `LIMIT`/`OFFSET`), then each row's columns by id. When the order has to be
//! sorted rather than read off an index, the sort then carries ids only, and
//! the correlated look-ups (first number, status, assignee, last call) run
//! for the page's rows alone. Sorting by name reads the partial
//! `customers_name` index of live customers, so neither the first page nor a
//! deep `OFFSET` touches the table for the rows it skips.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::types::Value;

use super::customers::field_value_from_sql;
use super::error::{Error, Result};
use super::{Page, Store};
use crate::domain::{
    Candidate, CandidateNumber, CheckedCondition, Comparison, CustomerFilter, CustomerId,
    CustomerSort, DateField, FieldDef, FieldId, FieldValue, FilterField, Join, ListRow, MergedInto,
    Operand, Operator, SortColumn, Timestamp,
};

impl Store {
    /// How many customers `filter` lets through.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the condition that does not fit its field;
    /// otherwise on a database failure.
    pub fn count_customers_where(&self, filter: &CustomerFilter) -> Result<u64> {
        let defs = self.field_defs()?;
        let query = Query::filtered(filter, &defs, Shape::Count)?;
        let sql = format!(
            "SELECT count(*) FROM customers c WHERE {}",
            query.where_sql()
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(query.params.iter()), |row| {
                row.get(0)
            })?)
    }

    /// Every customer `filter` lets through, by name, with all their
    /// numbers: the recipient list of a bulk send (대량문자발송).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the condition that does not fit its field;
    /// otherwise on a database failure.
    pub fn candidates_where(&self, filter: &CustomerFilter) -> Result<Vec<Candidate>> {
        let defs = self.field_defs()?;
        let query = Query::filtered(filter, &defs, Shape::Count)?;
        self.candidates(&query.where_sql(), &query.params)
    }

    /// Every live customer in at least one group (전체그룹), by name.
    ///
    /// # Errors
    /// On a database failure.
    pub fn candidates_in_any_group(&self) -> Result<Vec<Candidate>> {
        self.candidates(
            "c.deleted_at_ms IS NULL AND EXISTS (SELECT 1 FROM group_members m
                 JOIN customer_groups g ON g.id = m.group_id
                 WHERE m.customer_id = c.id AND g.deleted_at_ms IS NULL)",
            &[],
        )
    }

    /// The live customers among `ids` (a search's hits), by name, with all
    /// their numbers.
    ///
    /// # Errors
    /// On a database failure.
    pub fn candidates_of(&self, ids: &[CustomerId]) -> Result<Vec<Candidate>> {
        // One parameter however many: the ids go in as a JSON array.
        let ids = serde_json::to_string(&ids.iter().map(|id| id.0).collect::<Vec<_>>())
            .unwrap_or_default();
        self.candidates(
            "c.deleted_at_ms IS NULL AND c.id IN (SELECT value FROM json_each(?1))",
            &[Value::Text(ids)],
        )
    }

    fn candidates(&self, where_sql: &str, params: &[Value]) -> Result<Vec<Candidate>> {
        let sql = format!(
            "SELECT c.id, c.name, c.ad_opt_out_at_ms IS NOT NULL,
                    p.label, p.display, p.phone_key, p.mobile, p.verified
             FROM customers c LEFT JOIN customer_phones p ON p.customer_id = c.id
             WHERE {where_sql} ORDER BY c.name, c.id, p.position"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
        let mut candidates: Vec<Candidate> = Vec::new();
        while let Some(row) = rows.next()? {
            let id = CustomerId(row.get(0)?);
            if candidates.last().is_none_or(|last| last.customer_id != id) {
                candidates.push(Candidate {
                    customer_id: id,
                    name: row.get(1)?,
                    ad_opted_out: row.get(2)?,
                    numbers: Vec::new(),
                });
            }
            let Some(key) = row.get::<_, Option<Arc<str>>>(5)? else {
                continue;
            };
            if let Some(candidate) = candidates.last_mut() {
                candidate.numbers.push(CandidateNumber {
                    label: row.get(3)?,
                    display: row.get(4)?,
                    key,
                    mobile: row.get(6)?,
                    verified: row.get(7)?,
                });
            }
        }
        Ok(candidates)
    }

    /// One page of the customers `filter` lets through, in `sort` order (the
    /// customer id breaks ties, in the same direction), with the values of
    /// the user-defined `fields` each customer has.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the condition that does not fit its field,
    /// [`Error::NotFound`] when sorting on a field that is not defined;
    /// otherwise on a database failure.
    pub fn list_customers_where(
        &self,
        filter: &CustomerFilter,
        sort: &CustomerSort,
        fields: &[FieldId],
        page: Page,
    ) -> Result<Vec<ListRow>> {
        let defs = self.field_defs()?;
        let (sql, query) = page_query(filter, sort, page, &defs)?;
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(query.params.iter()), |row| {
                row.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        let kinds: HashMap<FieldId, &str> =
            defs.iter().map(|def| (def.id, def.kind.as_str())).collect();
        let mut row_statement = self.conn.prepare_cached(ROW_SELECT)?;
        let mut values_statement = self
            .conn
            .prepare_cached("SELECT field_id, value FROM field_values WHERE customer_id = ?1")?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let mut row = row_statement.query_row([id], list_row_from_row)?;
            if !fields.is_empty() {
                let mut held: HashMap<FieldId, FieldValue> = HashMap::new();
                let mut values = values_statement.query([id])?;
                while let Some(value) = values.next()? {
                    let field = FieldId(value.get(0)?);
                    if let Some(kind) = kinds.get(&field) {
                        held.insert(field, field_value_from_sql(kind, value.get_ref(1)?));
                    }
                }
                row.fields = fields
                    .iter()
                    .filter_map(|field| held.remove(field).map(|value| (*field, value)))
                    .collect();
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// The ids of one page: its SQL and the query holding the bound values.
pub(super) fn page_query(
    filter: &CustomerFilter,
    sort: &CustomerSort,
    page: Page,
    defs: &[FieldDef],
) -> Result<(String, Query)> {
    let mut query = Query::filtered(filter, defs, Shape::Page)?;
    let order_by = query.order_by(sort, defs)?;
    let limit = query.param(page.limit);
    let offset = query.param(page.offset);
    let sql = format!(
        "SELECT c.id FROM customers c WHERE {} ORDER BY {order_by} LIMIT {limit} OFFSET {offset}",
        query.where_sql()
    );
    Ok((sql, query))
}

/// One customer's list columns, by id.
const ROW_SELECT: &str = "SELECT c.id, c.name, c.company, c.email,
        (SELECT p.display FROM customer_phones p WHERE p.customer_id = c.id
         ORDER BY p.position LIMIT 1),
        (SELECT s.name FROM customer_statuses s WHERE s.id = c.status_id),
        (SELECT u.display_name FROM users u WHERE u.id = c.assignee_id),
        c.created_at_ms, c.updated_at_ms,
        (SELECT max(k.started_at_ms) FROM calls k WHERE k.customer_id = c.id),
        m.keep_id, (SELECT k.name FROM customers k WHERE k.id = m.keep_id),
        c.deleted_at_ms,
        (SELECT h.user_name FROM customer_history h
         WHERE h.customer_id = c.id AND h.kind = 'deleted' AND c.deleted_at_ms IS NOT NULL
         ORDER BY h.at_ms DESC, h.id DESC LIMIT 1)
    FROM customers c
    -- The merge that put a binned customer there, if one did and stands.
    LEFT JOIN customer_merges m ON m.id = (
        SELECT x.id FROM customer_merges x
        WHERE x.other_id = c.id AND x.undone_at_ms IS NULL AND c.deleted_at_ms IS NOT NULL
        ORDER BY x.id DESC LIMIT 1)
    WHERE c.id = ?1";

fn list_row_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ListRow> {
    Ok(ListRow {
        id: CustomerId(row.get(0)?),
        name: row.get(1)?,
        company: row.get(2)?,
        email: row.get(3)?,
        phone: row.get(4)?,
        status: row.get(5)?,
        assignee: row.get(6)?,
        created_at: Timestamp(row.get(7)?),
        updated_at: Timestamp(row.get(8)?),
        last_call_at: row.get::<_, Option<i64>>(9)?.map(Timestamp),
        fields: Vec::new(),
        merged_into: match row.get::<_, Option<i64>>(10)? {
            Some(id) => Some(MergedInto {
                id: CustomerId(id),
                name: row.get::<_, Option<String>>(11)?.unwrap_or_default(),
            }),
            None => None,
        },
        deleted_at: row.get::<_, Option<i64>>(12)?.map(Timestamp),
        deleted_by: row.get(13)?,
    })
}

/// The latest call of customer `c`, for filters and sorting.
const LAST_CALL: &str = "(SELECT max(k.started_at_ms) FROM calls k WHERE k.customer_id = c.id)";

/// The digits of a formatted number in `v.value` (a phone field's value is
/// stored as displayed: `010-1234-5678`, `+81 90-1234-5678`).
const VALUE_DIGITS: &str = "replace(replace(replace(replace(replace(replace(v.value, '-', ''), ' ', ''), '+', ''), '(', ''), ')', ''), '.', '')";

/// A WHERE clause under construction: conditions that all hold, and the
/// values bound to their `?n` placeholders.
pub(super) struct Query {
    shape: Shape,
    conditions: Vec<String>,
    pub(super) params: Vec<Value>,
}

/// What the query is for, which decides how a user-defined field is tested.
///
/// A count wants the set of customers holding a matching value, which the
/// `(field_id, value)` index gives directly. A page wants customers in the
/// list's order: testing each one as the name index yields it finds the
/// first page of a common value at once, where gathering every holder first
/// would then have to sort them all. (A rare value is the page's worst case:
/// the scan runs until it has a page.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Count,
    Page,
}

impl Query {
    /// The conditions of `filter`, its free conditions checked against `defs`.
    pub(super) fn filtered(
        filter: &CustomerFilter,
        defs: &[FieldDef],
        shape: Shape,
    ) -> Result<Self> {
        let checked = filter.check(defs)?;
        let mut query = Self {
            shape,
            conditions: Vec::new(),
            params: Vec::new(),
        };
        query.conditions.push(
            if filter.in_recycle_bin {
                "c.deleted_at_ms IS NOT NULL"
            } else {
                "c.deleted_at_ms IS NULL"
            }
            .to_owned(),
        );
        if let Some(status) = filter.status {
            let status = query.param(status.0);
            query.conditions.push(format!("c.status_id = {status}"));
        }
        if let Some(source) = &filter.source {
            let source = query.param(source.trim().to_owned());
            // As customers_source is built, so the index finds them.
            query.conditions.push(format!(
                "c.source = {source} COLLATE NOCASE AND c.source <> ''"
            ));
        }
        if let Some(assignee) = filter.assignee {
            let assignee = query.param(assignee.0);
            query.conditions.push(format!("c.assignee_id = {assignee}"));
        }
        if let Some(group) = filter.group {
            let group = query.param(group.0);
            query.conditions.push(format!(
                "EXISTS (SELECT 1 FROM group_members m
                     WHERE m.group_id = {group} AND m.customer_id = c.id)"
            ));
        }
        if let Some(tag) = filter.tag {
            let tag = query.param(tag.0);
            query.conditions.push(format!(
                "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag_id = {tag})"
            ));
        }
        if let Some(domain) = &filter.email_domain {
            let domain = query.param(domain.trim().to_lowercase());
            query
                .conditions
                .push(format!("{} = {domain}", super::business::EMAIL_DOMAIN));
        }
        if let Some(date) = filter.date {
            let column = match date.on {
                DateField::Created => "c.created_at_ms",
                DateField::Updated => "c.updated_at_ms",
                DateField::LastCall => LAST_CALL,
            };
            let from = query.param(date.from.as_millis());
            let to = query.param(date.to.as_millis());
            query
                .conditions
                .push(format!("{column} >= {from} AND {column} < {to}"));
        }
        let free: Vec<String> = checked
            .iter()
            .map(|condition| query.condition(condition))
            .collect();
        match (filter.join, free.len()) {
            (_, 0) => {}
            (Join::And, _) | (Join::Or, 1) => query.conditions.extend(free),
            (Join::Or, _) => query.conditions.push(format!("({})", free.join(" OR "))),
        }
        Ok(query)
    }

    pub(super) fn where_sql(&self) -> String {
        self.conditions.join(" AND ")
    }

    pub(super) fn param(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }

    /// The SQL of one checked condition, in parentheses.
    fn condition(&mut self, condition: &CheckedCondition) -> String {
        let sql = match condition.field {
            FilterField::Name => self.column_condition("c.name", condition),
            FilterField::Company => self.column_condition("c.company", condition),
            FilterField::Email => self.column_condition("coalesce(c.email, '')", condition),
            FilterField::Address => self.column_condition("c.address", condition),
            FilterField::Source => self.column_condition("c.source", condition),
            FilterField::Memo => self.column_condition("c.memo", condition),
            FilterField::Phone => self.phone_condition(condition),
            FilterField::Custom(field) => self.field_condition(field, condition),
        };
        format!("({sql})")
    }

    /// A text column of `customers c` (empty, not NULL, when unset).
    fn column_condition(&mut self, column: &str, condition: &CheckedCondition) -> String {
        match condition.op {
            Operator::IsEmpty => format!("{column} = ''"),
            Operator::IsNotEmpty => format!("{column} <> ''"),
            op => {
                let test = self.text_test(op, &condition.operand, &format!("lower({column})"));
                if matches!(op, Operator::NotContains | Operator::NotEquals) {
                    format!("NOT ({test})")
                } else {
                    test
                }
            }
        }
    }

    /// The positive form of a text test of `expression` (contains for both
    /// contains and not-contains, equals for both equals and not-equals);
    /// the caller negates.
    fn text_test(&mut self, op: Operator, operand: &Operand, expression: &str) -> String {
        let text = match operand {
            Operand::Text(text) => text.clone(),
            Operand::Value(value) => value.to_string().to_ascii_lowercase(),
            Operand::None => String::new(),
        };
        let text = self.param(text);
        match op {
            Operator::Equals | Operator::NotEquals => format!("{expression} = {text}"),
            Operator::StartsWith => format!("substr({expression}, 1, length({text})) = {text}"),
            _ => format!("instr({expression}, {text}) > 0"),
        }
    }

    /// Any of the customer's numbers, by digits.
    fn phone_condition(&mut self, condition: &CheckedCondition) -> String {
        let exists = |test: &str| {
            format!("EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id{test})")
        };
        match condition.op {
            Operator::IsEmpty => format!("NOT {}", exists("")),
            Operator::IsNotEmpty => exists(""),
            op => {
                let test = self.text_test(op, &condition.operand, "p.digits");
                let exists = exists(&format!(" AND {test}"));
                if matches!(op, Operator::NotContains | Operator::NotEquals) {
                    format!("NOT {exists}")
                } else {
                    exists
                }
            }
        }
    }

    /// A user-defined field, through `field_values` and its (field, value) index.
    fn field_condition(&mut self, field: FieldId, condition: &CheckedCondition) -> String {
        let field = self.param(field.0);
        let test = match (condition.op, &condition.operand, condition.comparison) {
            (Operator::IsEmpty | Operator::IsNotEmpty, _, _) => None,
            (op, operand, Comparison::Text) => Some(self.text_test(op, operand, "lower(v.value)")),
            (op, operand, Comparison::Digits) => Some(self.text_test(op, operand, VALUE_DIGITS)),
            (op, operand, Comparison::Number | Comparison::Date | Comparison::YesNo) => {
                // Values of one field share a type (numbers as numbers, dates
                // as YYYY-MM-DD text), so plain comparison is typed and stays
                // a range of the (field_id, value) index.
                let value = self.param(typed_value(operand));
                Some(match op {
                    Operator::Greater => format!("v.value > {value}"),
                    Operator::Less => format!("v.value < {value}"),
                    _ => format!("v.value = {value}"),
                })
            }
        };
        let test = test.map_or_else(String::new, |test| format!(" AND {test}"));
        let negated = matches!(
            condition.op,
            Operator::IsEmpty | Operator::NotContains | Operator::NotEquals
        );
        let not = if negated { "NOT " } else { "" };
        match self.shape {
            // The set of holders, read off the (field_id, value) index.
            Shape::Count => format!(
                "c.id {not}IN (SELECT v.customer_id FROM field_values v
                     WHERE v.field_id = {field}{test})"
            ),
            // One primary-key probe per customer, in the list's order.
            Shape::Page => format!(
                "{not}EXISTS (SELECT 1 FROM field_values v
                     WHERE v.customer_id = c.id AND v.field_id = {field}{test})"
            ),
        }
    }

    /// ORDER BY for `sort`; customers without a value come last either way.
    fn order_by(&mut self, sort: &CustomerSort, defs: &[FieldDef]) -> Result<String> {
        let direction = if sort.descending { "DESC" } else { "ASC" };
        let key = match sort.column {
            // Never empty; plain, so the name index gives the order.
            SortColumn::Name => return Ok(format!("c.name {direction}, c.id {direction}")),
            SortColumn::Created => {
                return Ok(format!("c.created_at_ms {direction}, c.id {direction}"));
            }
            SortColumn::Updated => {
                return Ok(format!("c.updated_at_ms {direction}, c.id {direction}"));
            }
            SortColumn::Company => "nullif(c.company, '')".to_owned(),
            SortColumn::Email => "c.email".to_owned(),
            SortColumn::Phone => {
                "(SELECT p.digits FROM customer_phones p WHERE p.customer_id = c.id
                 ORDER BY p.position LIMIT 1)"
                    .to_owned()
            }
            SortColumn::Status => {
                "(SELECT s.name FROM customer_statuses s WHERE s.id = c.status_id)".to_owned()
            }
            SortColumn::Assignee => {
                "(SELECT u.display_name FROM users u WHERE u.id = c.assignee_id)".to_owned()
            }
            SortColumn::LastCall => LAST_CALL.to_owned(),
            SortColumn::Deleted => "c.deleted_at_ms".to_owned(),
            SortColumn::Custom(field) => {
                if defs.iter().all(|def| def.id != field) {
                    return Err(Error::NotFound {
                        what: "field",
                        id: field.0,
                    });
                }
                let field = self.param(field.0);
                format!(
                    "(SELECT v.value FROM field_values v
                      WHERE v.customer_id = c.id AND v.field_id = {field})"
                )
            }
        };
        Ok(format!("{key} {direction} NULLS LAST, c.id {direction}"))
    }
}

/// A checked operand as the value column stores it.
fn typed_value(operand: &Operand) -> Value {
    match operand {
        Operand::Value(FieldValue::Integer(n)) => Value::Integer(*n),
        Operand::Value(FieldValue::Decimal(x)) => Value::Real(*x),
        Operand::Value(FieldValue::YesNo(yes)) => Value::Integer(i64::from(*yes)),
        Operand::Value(FieldValue::Text(text) | FieldValue::Date(text)) | Operand::Text(text) => {
            Value::Text(text.clone())
        }
        Operand::None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::domain::{
        CallRecord, Condition, CustomerDraft, DateFilter, FieldKind, GroupId, NewFieldDef, NewUser,
        PhoneDraft, PhoneNumber, Region, Role, StatusId, StatusName, TagId, UserId,
    };
    use crate::store::test_support::store;

    const T0: i64 = 1_700_000_000_000;
    const MINUTE: i64 = 60_000;

    /// A small customer book with one of everything the list filters on.
    struct Book {
        store: Store,
        referral: FieldId,
        visits: FieldId,
        since: FieldId,
        new: StatusId,
        vip_group: GroupId,
        vip_tag: TagId,
        minji: UserId,
        seojun: UserId,
    }

    struct Person<'a> {
        name: &'a str,
        company: &'a str,
        email: &'a str,
        address: &'a str,
        source: &'a str,
        memo: &'a str,
        phones: &'a [&'a str],
        status: Option<StatusId>,
        assignee: Option<UserId>,
        groups: &'a [&'a str],
        tags: &'a [&'a str],
        fields: &'a [(&'a str, &'a str)],
    }

    const NOBODY: Person<'static> = Person {
        name: "",
        company: "",
        email: "",
        address: "",
        source: "",
        memo: "",
        phones: &[],
        status: None,
        assignee: None,
        groups: &[],
        tags: &[],
        fields: &[],
    };

    fn put(store: &mut Store, person: &Person<'_>) -> CustomerId {
        let draft = CustomerDraft {
            name: person.name.into(),
            company: person.company.into(),
            email: person.email.into(),
            address: person.address.into(),
            source: person.source.into(),
            memo: person.memo.into(),
            phones: person
                .phones
                .iter()
                .map(|number| PhoneDraft {
                    label: String::new(),
                    number: (*number).into(),
                })
                .collect(),
            groups: person.groups.iter().map(|&g| g.into()).collect(),
            tags: person.tags.iter().map(|&t| t.into()).collect(),
            fields: person
                .fields
                .iter()
                .map(|(key, value)| ((*key).into(), (*value).into()))
                .collect(),
            status_id: person.status,
            assignee_id: person.assignee,
            ..CustomerDraft::default()
        };
        let checked = draft
            .check(Region::KOREA, &store.field_defs().unwrap())
            .unwrap();
        store.create_customer(&checked).unwrap()
    }

    fn user(store: &mut Store, login: &str, name: &str) -> UserId {
        store
            .create_user(&NewUser {
                login: login.into(),
                display_name: name.into(),
                role: Role::Agent,
                extension: None,
            })
            .unwrap()
    }

    fn call(store: &mut Store, customer: CustomerId, number: &str, started_ms: i64) {
        store
            .record_call(&CallRecord {
                direction: crate::domain::Direction::Out,
                pbx_call_id: format!("{customer}.{started_ms}"),
                number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
                customer_id: Some(customer),
                user_id: None,
                extension: "1001".into(),
                line: String::new(),
                started_at: Timestamp(started_ms),
                answered_at: None,
                ended_at: None,
                outcome: None,
                cause: None,
                cause_text: String::new(),
            })
            .unwrap();
    }

    /// Puts the book's five customers; returns 김민준, 이서연 and 정하늘.
    fn people(
        store: &mut Store,
        [new, talking]: [StatusId; 2],
        [minji, seojun]: [UserId; 2],
    ) -> (CustomerId, CustomerId, CustomerId) {
        let kim = put(
            store,
            &Person {
                name: "김민준",
                company: "한빛소프트",
                email: "Kim@Hanbit.co.kr",
                memo: "오전 통화 선호",
                phones: &["010-1111-2222"],
                status: Some(new),
                assignee: Some(minji),
                groups: &["VIP"],
                tags: &["재구매"],
                fields: &[
                    ("referral", "지인 소개"),
                    ("visits", "12"),
                    ("since", "2024-03-01"),
                ],
                ..NOBODY
            },
        );
        let lee = put(
            store,
            &Person {
                name: "이서연",
                source: "검색",
                phones: &["02-2299-7123"],
                status: Some(talking),
                assignee: Some(seojun),
                tags: &["VIP"],
                fields: &[("visits", "3"), ("since", "2025-01-15")],
                ..NOBODY
            },
        );
        put(
            store,
            &Person {
                name: "박지훈",
                company: "가람상사",
                email: "park@garam.kr",
                address: "서울 강남구 테헤란로 1",
                groups: &["VIP"],
                fields: &[("referral", "검색 광고"), ("visits", "40")],
                ..NOBODY
            },
        );
        put(
            store,
            &Person {
                name: "최유진",
                company: "한빛소프트",
                phones: &["010-3333-2222", "010-1111-2222"],
                status: Some(new),
                fields: &[("visits", "7.5"), ("since", "2023-12-31")],
                ..NOBODY
            },
        );
        let binned = put(
            store,
            &Person {
                name: "정하늘",
                status: Some(new),
                groups: &["VIP"],
                fields: &[("visits", "99")],
                ..NOBODY
            },
        );
        (kim, lee, binned)
    }

    /// 김민준, 이서연, 박지훈, 최유진 live (ids 1–4), 정하늘 in the recycle bin.
    fn book() -> Book {
        let mut store = store();
        let field = |store: &mut Store, key: &str, kind| {
            store
                .create_field(&NewFieldDef::new(key, key, kind).unwrap())
                .unwrap()
        };
        let referral = field(&mut store, "referral", FieldKind::Text);
        let visits = field(&mut store, "visits", FieldKind::Number);
        let since = field(&mut store, "since", FieldKind::Date);
        let new = store
            .create_status(&StatusName::new("신규").unwrap())
            .unwrap();
        let talking = store
            .create_status(&StatusName::new("상담중").unwrap())
            .unwrap();
        let minji = user(&mut store, "minji", "김민지");
        let seojun = user(&mut store, "seojun", "박서준");

        let (kim, lee, binned) = people(&mut store, [new, talking], [minji, seojun]);
        store.delete_customer(binned).unwrap();
        call(&mut store, kim, "010-1111-2222", T0);
        call(&mut store, kim, "010-1111-2222", T0 + 60 * MINUTE);
        call(&mut store, lee, "02-2299-7123", T0 + 30 * MINUTE);
        let vip_group = store.groups().unwrap()[0].id;
        let vip_tag = store
            .tags()
            .unwrap()
            .into_iter()
            .find(|tag| tag.name == "VIP")
            .unwrap()
            .id;
        Book {
            store,
            referral,
            visits,
            since,
            new,
            vip_group,
            vip_tag,
            minji,
            seojun,
        }
    }

    /// Names on the whole list, checking that the count agrees.
    fn names(store: &Store, filter: &CustomerFilter, sort: CustomerSort) -> Vec<String> {
        let rows = store
            .list_customers_where(filter, &sort, &[], Page::first(100))
            .unwrap();
        assert_eq!(
            store.count_customers_where(filter).unwrap(),
            rows.len() as u64,
            "{filter:?}"
        );
        rows.into_iter().map(|row| row.name).collect()
    }

    fn by_name(store: &Store, filter: &CustomerFilter) -> Vec<String> {
        names(store, filter, CustomerSort::default())
    }

    /// The first rows of the list as it opens: live customers by name.
    fn live_rows(store: &Store) -> Vec<ListRow> {
        store
            .list_customers_where(
                &CustomerFilter::default(),
                &CustomerSort::default(),
                &[],
                Page::first(10),
            )
            .unwrap()
    }

    fn when(field: FilterField, op: Operator, value: &str) -> CustomerFilter {
        CustomerFilter {
            conditions: vec![Condition {
                field,
                op,
                value: value.into(),
            }],
            ..CustomerFilter::default()
        }
    }

    #[test]
    fn no_filter_lists_live_customers_by_name() {
        let book = book();
        assert_eq!(
            by_name(&book.store, &CustomerFilter::default()),
            ["김민준", "박지훈", "이서연", "최유진"]
        );
    }

    #[test]
    fn status_group_tag_and_assignee_each_narrow() {
        let book = book();
        let store = &book.store;
        let only = |filter: CustomerFilter| by_name(store, &filter);
        assert_eq!(
            only(CustomerFilter {
                status: Some(book.new),
                ..CustomerFilter::default()
            }),
            ["김민준", "최유진"]
        );
        assert_eq!(
            only(CustomerFilter {
                group: Some(book.vip_group),
                ..CustomerFilter::default()
            }),
            ["김민준", "박지훈"]
        );
        assert_eq!(
            only(CustomerFilter {
                tag: Some(book.vip_tag),
                ..CustomerFilter::default()
            }),
            ["이서연"]
        );
        assert_eq!(
            only(CustomerFilter {
                assignee: Some(book.seojun),
                ..CustomerFilter::default()
            }),
            ["이서연"]
        );
        // The list's source, in any ASCII case or with spaces around it.
        for source in ["검색", " 검색 "] {
            assert_eq!(
                only(CustomerFilter {
                    source: Some(source.to_owned()),
                    ..CustomerFilter::default()
                }),
                ["이서연"]
            );
        }
        // All together: each part must hold.
        assert_eq!(
            only(CustomerFilter {
                status: Some(book.new),
                group: Some(book.vip_group),
                assignee: Some(book.minji),
                ..CustomerFilter::default()
            }),
            ["김민준"]
        );
        assert!(
            only(CustomerFilter {
                status: Some(book.new),
                tag: Some(book.vip_tag),
                ..CustomerFilter::default()
            })
            .is_empty()
        );
    }

    #[test]
    fn date_ranges_are_half_open_on_each_date() {
        let mut book = book();
        let on = |on, from: i64, to: i64| CustomerFilter {
            date: Some(DateFilter {
                on,
                from: Timestamp(from),
                to: Timestamp(to),
            }),
            ..CustomerFilter::default()
        };
        // Calls: 김민준 at T0 and T0+60′ (the last), 이서연 at T0+30′.
        let store = &book.store;
        assert_eq!(
            by_name(
                store,
                &on(DateField::LastCall, T0 + 10 * MINUTE, T0 + 120 * MINUTE)
            ),
            ["김민준", "이서연"]
        );
        assert_eq!(
            by_name(store, &on(DateField::LastCall, T0, T0 + 60 * MINUTE)),
            ["이서연"]
        );
        assert_eq!(
            by_name(
                store,
                &on(DateField::LastCall, T0 + 60 * MINUTE, T0 + 61 * MINUTE)
            ),
            ["김민준"]
        );

        let now = Timestamp::now().as_millis();
        assert_eq!(
            by_name(store, &on(DateField::Created, now - 600_000, now + 600_000)).len(),
            4
        );
        assert!(by_name(store, &on(DateField::Created, T0, now - 600_000)).is_empty());

        std::thread::sleep(std::time::Duration::from_millis(5));
        let touched_from = Timestamp::now().as_millis();
        let park = CustomerId(3);
        book.store.tag_customers("재방문", &[park]).unwrap();
        assert_eq!(
            by_name(
                &book.store,
                &on(DateField::Updated, touched_from, touched_from + 600_000)
            ),
            ["박지훈"]
        );
        assert_eq!(
            by_name(&book.store, &on(DateField::Updated, 0, touched_from)),
            ["김민준", "이서연", "최유진"]
        );
    }

    #[rstest]
    #[case(FilterField::Name, Operator::Contains, "민", &["김민준"])]
    #[case(FilterField::Name, Operator::NotContains, "민", &["박지훈", "이서연", "최유진"])]
    #[case(FilterField::Name, Operator::Equals, "이서연", &["이서연"])]
    #[case(FilterField::Company, Operator::Equals, "한빛소프트", &["김민준", "최유진"])]
    #[case(FilterField::Company, Operator::NotEquals, "한빛소프트", &["박지훈", "이서연"])]
    #[case(FilterField::Company, Operator::IsEmpty, "", &["이서연"])]
    #[case(FilterField::Email, Operator::Contains, "KIM@hanbit", &["김민준"])]
    #[case(FilterField::Email, Operator::IsNotEmpty, "", &["김민준", "박지훈"])]
    #[case(FilterField::Email, Operator::NotContains, "garam", &["김민준", "이서연", "최유진"])]
    #[case(FilterField::Address, Operator::StartsWith, "서울 강남", &["박지훈"])]
    #[case(FilterField::Address, Operator::StartsWith, "강남", &[])]
    #[case(FilterField::Source, Operator::Equals, "검색", &["이서연"])]
    #[case(FilterField::Memo, Operator::Contains, "통화", &["김민준"])]
    #[case(FilterField::Phone, Operator::Contains, "2222", &["김민준", "최유진"])]
    #[case(FilterField::Phone, Operator::NotContains, "2222", &["박지훈", "이서연"])]
    #[case(FilterField::Phone, Operator::StartsWith, "02-", &["이서연"])]
    #[case(FilterField::Phone, Operator::Equals, "010 1111 2222", &["김민준", "최유진"])]
    #[case(FilterField::Phone, Operator::NotEquals, "01011112222", &["박지훈", "이서연"])]
    #[case(FilterField::Phone, Operator::IsEmpty, "", &["박지훈"])]
    #[case(FilterField::Phone, Operator::IsNotEmpty, "", &["김민준", "이서연", "최유진"])]
    fn conditions_on_the_customers_own_fields(
        #[case] field: FilterField,
        #[case] op: Operator,
        #[case] value: &str,
        #[case] expected: &[&str],
    ) {
        let book = book();
        assert_eq!(by_name(&book.store, &when(field, op, value)), expected);
    }

    #[rstest]
    #[case("referral", Operator::Contains, "검색", &["박지훈"])]
    #[case("referral", Operator::NotContains, "검색", &["김민준", "이서연", "최유진"])]
    #[case("referral", Operator::StartsWith, "지인", &["김민준"])]
    #[case("referral", Operator::IsEmpty, "", &["이서연", "최유진"])]
    #[case("referral", Operator::IsNotEmpty, "", &["김민준", "박지훈"])]
    #[case("visits", Operator::Greater, "7", &["김민준", "박지훈", "최유진"])]
    #[case("visits", Operator::Greater, "12", &["박지훈"])]
    #[case("visits", Operator::Less, "7.5", &["이서연"])]
    #[case("visits", Operator::Less, "1,000", &["김민준", "박지훈", "이서연", "최유진"])]
    #[case("visits", Operator::Equals, "12.0", &["김민준"])]
    #[case("visits", Operator::NotEquals, "12", &["박지훈", "이서연", "최유진"])]
    #[case("since", Operator::Less, "2024.6.1", &["김민준", "최유진"])]
    #[case("since", Operator::Greater, "20240301", &["이서연"])]
    #[case("since", Operator::IsEmpty, "", &["박지훈"])]
    fn conditions_on_user_defined_fields(
        #[case] key: &str,
        #[case] op: Operator,
        #[case] value: &str,
        #[case] expected: &[&str],
    ) {
        let book = book();
        let field = [
            ("referral", book.referral),
            ("visits", book.visits),
            ("since", book.since),
        ]
        .into_iter()
        .find(|(name, _)| *name == key)
        .unwrap()
        .1;
        assert_eq!(
            by_name(&book.store, &when(FilterField::Custom(field), op, value)),
            expected
        );
    }

    #[test]
    fn conditions_join_by_and_or_or_while_the_other_parts_always_apply() {
        let book = book();
        let both = |join| CustomerFilter {
            conditions: vec![
                Condition {
                    field: FilterField::Company,
                    op: Operator::Equals,
                    value: "한빛소프트".into(),
                },
                Condition {
                    field: FilterField::Custom(book.visits),
                    op: Operator::Greater,
                    value: "10".into(),
                },
            ],
            join,
            ..CustomerFilter::default()
        };
        assert_eq!(by_name(&book.store, &both(Join::And)), ["김민준"]);
        assert_eq!(
            by_name(&book.store, &both(Join::Or)),
            ["김민준", "박지훈", "최유진"]
        );
        let new_only = CustomerFilter {
            status: Some(book.new),
            ..both(Join::Or)
        };
        assert_eq!(by_name(&book.store, &new_only), ["김민준", "최유진"]);
        let in_bin = CustomerFilter {
            in_recycle_bin: true,
            ..both(Join::Or)
        };
        // 정하늘 has 99 visits but sits in the recycle bin.
        assert_eq!(by_name(&book.store, &in_bin), ["정하늘"]);
    }

    #[test]
    fn the_recycle_bin_view_shows_only_deleted_customers() {
        let mut book = book();
        let bin = CustomerFilter {
            in_recycle_bin: true,
            ..CustomerFilter::default()
        };
        assert_eq!(by_name(&book.store, &bin), ["정하늘"]);
        let vip_bin = CustomerFilter {
            group: Some(book.vip_group),
            ..bin.clone()
        };
        assert_eq!(by_name(&book.store, &vip_bin), ["정하늘"]);
        book.store.delete_customers(&[CustomerId(1)]).unwrap();
        assert_eq!(by_name(&book.store, &bin), ["김민준", "정하늘"]);
        assert_eq!(
            by_name(&book.store, &CustomerFilter::default()),
            ["박지훈", "이서연", "최유진"]
        );
    }

    #[test]
    fn the_recycle_bin_says_who_deleted_each_customer_and_when_and_sorts_by_it() {
        let mut book = book();
        book.store.set_actor(Some(crate::domain::Actor {
            id: None,
            name: "박상담".to_owned(),
        }));
        let before = Timestamp::now();
        book.store.delete_customers(&[CustomerId(3)]).unwrap();
        let bin = CustomerFilter {
            in_recycle_bin: true,
            ..CustomerFilter::default()
        };
        let newest_first = CustomerSort {
            column: SortColumn::Deleted,
            descending: true,
        };
        let rows = book
            .store
            .list_customers_where(&bin, &newest_first, &[], Page::first(10))
            .unwrap();
        let shown: Vec<(&str, Option<&str>)> = rows
            .iter()
            .map(|row| (row.name.as_str(), row.deleted_by.as_deref()))
            .collect();
        // 정하늘 went in when the book was made, with no one signed in.
        assert_eq!(shown, [("박지훈", Some("박상담")), ("정하늘", None)]);
        assert!(rows[0].deleted_at.is_some_and(|at| at >= before));
        assert!(rows[1].deleted_at.is_some());

        let live = live_rows(&book.store);
        assert!(
            live.iter()
                .all(|row| row.deleted_at.is_none() && row.deleted_by.is_none())
        );
    }

    #[rstest]
    #[case(SortColumn::Name, &["김민준", "박지훈", "이서연", "최유진"], &["최유진", "이서연", "박지훈", "김민준"])]
    // Ties go by id (김민준 before 최유진), empty values last either way.
    #[case(SortColumn::Company, &["박지훈", "김민준", "최유진", "이서연"], &["최유진", "김민준", "박지훈", "이서연"])]
    #[case(SortColumn::Email, &["김민준", "박지훈", "이서연", "최유진"], &["박지훈", "김민준", "최유진", "이서연"])]
    #[case(SortColumn::Phone, &["김민준", "최유진", "이서연", "박지훈"], &["이서연", "최유진", "김민준", "박지훈"])]
    #[case(SortColumn::Status, &["이서연", "김민준", "최유진", "박지훈"], &["최유진", "김민준", "이서연", "박지훈"])]
    #[case(SortColumn::Assignee, &["김민준", "이서연", "박지훈", "최유진"], &["이서연", "김민준", "최유진", "박지훈"])]
    #[case(SortColumn::Created, &["김민준", "이서연", "박지훈", "최유진"], &["최유진", "박지훈", "이서연", "김민준"])]
    #[case(SortColumn::LastCall, &["이서연", "김민준", "박지훈", "최유진"], &["김민준", "이서연", "최유진", "박지훈"])]
    fn every_column_sorts_both_ways(
        #[case] column: SortColumn,
        #[case] ascending: &[&str],
        #[case] descending: &[&str],
    ) {
        let book = book();
        let all = CustomerFilter::default();
        let sort = |descending| CustomerSort { column, descending };
        assert_eq!(names(&book.store, &all, sort(false)), ascending);
        assert_eq!(names(&book.store, &all, sort(true)), descending);
    }

    #[test]
    fn sorts_by_updated_and_by_user_defined_fields() {
        let mut book = book();
        std::thread::sleep(std::time::Duration::from_millis(5));
        book.store
            .tag_customers("재방문", &[CustomerId(3)])
            .unwrap();
        let all = CustomerFilter::default();
        let sorted = |store: &Store, column, descending| {
            names(store, &all, CustomerSort { column, descending })
        };
        assert_eq!(
            sorted(&book.store, SortColumn::Updated, false),
            ["김민준", "이서연", "최유진", "박지훈"]
        );
        assert_eq!(
            sorted(&book.store, SortColumn::Updated, true),
            ["박지훈", "최유진", "이서연", "김민준"]
        );
        // Numbers as numbers: 3 < 7.5 < 12 < 40.
        let visits = SortColumn::Custom(book.visits);
        assert_eq!(
            sorted(&book.store, visits, false),
            ["이서연", "최유진", "김민준", "박지훈"]
        );
        assert_eq!(
            sorted(&book.store, visits, true),
            ["박지훈", "김민준", "최유진", "이서연"]
        );
        let since = SortColumn::Custom(book.since);
        assert_eq!(
            sorted(&book.store, since, false),
            ["최유진", "김민준", "이서연", "박지훈"]
        );
        assert_eq!(
            sorted(&book.store, since, true),
            ["이서연", "김민준", "최유진", "박지훈"]
        );
        let referral = SortColumn::Custom(book.referral);
        assert_eq!(
            sorted(&book.store, referral, false),
            ["박지훈", "김민준", "이서연", "최유진"]
        );
        assert!(matches!(
            book.store.list_customers_where(
                &all,
                &CustomerSort {
                    column: SortColumn::Custom(FieldId(99)),
                    descending: false
                },
                &[],
                Page::first(10)
            ),
            Err(Error::NotFound { what: "field", .. })
        ));
    }

    #[test]
    fn pages_cover_the_list_once() {
        let book = book();
        let all = CustomerFilter::default();
        for descending in [false, true] {
            let sort = CustomerSort {
                column: SortColumn::Company,
                descending,
            };
            let whole = names(&book.store, &all, sort);
            let mut paged = Vec::new();
            for offset in (0..6).step_by(2) {
                let page = book
                    .store
                    .list_customers_where(&all, &sort, &[], Page { offset, limit: 2 })
                    .unwrap();
                assert!(page.len() <= 2);
                paged.extend(page.into_iter().map(|row| row.name));
            }
            assert_eq!(paged, whole);
        }
        let second = book
            .store
            .list_customers_where(
                &all,
                &CustomerSort::default(),
                &[],
                Page {
                    offset: 1,
                    limit: 2,
                },
            )
            .unwrap();
        let second: Vec<&str> = second.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(second, ["박지훈", "이서연"]);
    }

    #[test]
    fn rows_carry_the_list_columns_and_asked_field_values() {
        let book = book();
        let rows = book
            .store
            .list_customers_where(
                &CustomerFilter::default(),
                &CustomerSort::default(),
                &[book.since, FieldId(99), book.visits],
                Page::first(2),
            )
            .unwrap();
        let kim = &rows[0];
        assert_eq!(kim.name, "김민준");
        assert_eq!(kim.company, "한빛소프트");
        assert_eq!(kim.email.as_deref(), Some("Kim@Hanbit.co.kr"));
        assert_eq!(kim.phone.as_deref(), Some("010-1111-2222"));
        assert_eq!(kim.status.as_deref(), Some("신규"));
        assert_eq!(kim.assignee.as_deref(), Some("김민지"));
        assert_eq!(kim.last_call_at, Some(Timestamp(T0 + 60 * MINUTE)));
        assert!(kim.created_at <= kim.updated_at);
        assert_eq!(
            kim.fields,
            [
                (book.since, FieldValue::Date("2024-03-01".into())),
                (book.visits, FieldValue::Integer(12)),
            ]
        );
        let park = &rows[1];
        assert_eq!(park.name, "박지훈");
        assert_eq!(
            (
                park.phone.as_ref(),
                park.status.as_ref(),
                park.assignee.as_ref()
            ),
            (None, None, None)
        );
        assert_eq!(park.last_call_at, None);
        assert_eq!(park.fields, [(book.visits, FieldValue::Integer(40))]);
    }

    #[test]
    fn a_wrong_condition_is_refused_by_number() {
        let book = book();
        let mut filter = when(FilterField::Name, Operator::Contains, "김");
        filter.conditions.push(Condition {
            field: FilterField::Custom(book.visits),
            op: Operator::Greater,
            value: "many".into(),
        });
        for result in [
            book.store.count_customers_where(&filter).map(|_| ()),
            book.store
                .list_customers_where(&filter, &CustomerSort::default(), &[], Page::first(5))
                .map(|_| ()),
        ] {
            let Err(Error::Invalid(invalid)) = result else {
                panic!("{result:?}");
            };
            assert_eq!(invalid.field, "condition #2");
        }
    }

    #[test]
    fn typed_text_stays_out_of_the_sql() {
        let book = book();
        let filter = when(
            FilterField::Name,
            Operator::Contains,
            "'); DROP TABLE customers; --",
        );
        assert!(by_name(&book.store, &filter).is_empty());
        assert_eq!(book.store.count_customers().unwrap(), 4);
    }

    /// The plan of the page query for `filter` and `sort`.
    fn plan(store: &Store, filter: &CustomerFilter, sort: CustomerSort) -> Vec<String> {
        let defs = store.field_defs().unwrap();
        let (sql, query) = page_query(filter, &sort, Page::first(50), &defs).unwrap();
        let mut statement = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        statement
            .query_map(rusqlite::params_from_iter(query.params.iter()), |row| {
                row.get(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn by_name_and_by_date_the_list_reads_an_index_in_order() {
        let book = book();
        for descending in [false, true] {
            for (column, index) in [
                (SortColumn::Name, "customers_name"),
                (SortColumn::Created, "customers_created"),
                (SortColumn::Updated, "customers_updated"),
            ] {
                let steps = plan(
                    &book.store,
                    &CustomerFilter::default(),
                    CustomerSort { column, descending },
                );
                assert!(
                    steps.iter().all(|step| !step.contains("TEMP B-TREE")),
                    "{column:?}: {steps:?}"
                );
                assert!(
                    steps.iter().any(|step| step.contains(index)),
                    "{column:?}: {steps:?}"
                );
            }
        }
        // Filters that only test each customer keep the name order too.
        let filter = CustomerFilter {
            group: Some(book.vip_group),
            conditions: vec![Condition {
                field: FilterField::Custom(book.referral),
                op: Operator::Contains,
                value: "검색".into(),
            }],
            ..CustomerFilter::default()
        };
        let steps = plan(&book.store, &filter, CustomerSort::default());
        assert!(
            steps.iter().all(|step| !step.contains("TEMP B-TREE")),
            "{steps:?}"
        );
    }

    #[test]
    fn the_recycle_bin_names_the_customer_a_binned_one_was_merged_into() {
        let mut store = store();
        let keep = put(
            &mut store,
            &Person {
                name: "김민준",
                ..NOBODY
            },
        );
        let other = put(
            &mut store,
            &Person {
                name: "김민준(중복)",
                ..NOBODY
            },
        );
        let binned = put(
            &mut store,
            &Person {
                name: "박지훈",
                ..NOBODY
            },
        );
        store.delete_customer(binned).unwrap();
        store
            .merge_customers(keep, other, &std::collections::BTreeMap::new())
            .unwrap();
        let bin = CustomerFilter {
            in_recycle_bin: true,
            ..CustomerFilter::default()
        };
        let rows = |store: &Store| -> Vec<(String, Option<MergedInto>)> {
            store
                .list_customers_where(&bin, &CustomerSort::default(), &[], Page::first(10))
                .unwrap()
                .into_iter()
                .map(|row| (row.name, row.merged_into))
                .collect()
        };
        let merged = Some(MergedInto {
            id: keep,
            name: "김민준".to_owned(),
        });
        assert_eq!(
            rows(&store),
            [
                ("김민준(중복)".to_owned(), merged),
                ("박지훈".to_owned(), None)
            ]
        );
        // Live rows never say it, and an undone merge no longer does.
        let live = live_rows(&store);
        assert!(live.iter().all(|row| row.merged_into.is_none()));
        store.undo_merge(None).unwrap();
        store.delete_customer(other).unwrap();
        assert_eq!(
            rows(&store),
            [
                ("김민준(중복)".to_owned(), None),
                ("박지훈".to_owned(), None)
            ]
        );
    }
}
