//! Customer search: the index entries written with each customer, and the
//! query that reads them.
//!
//! Results come in three tiers, each newest customer first:
//! 1. exact: the name is the whole query, or the query is one of the numbers;
//! 2. primary: every text term is in the name, every digit term starts a
//!    block of a number;
//! 3. anywhere: every term is somewhere (name, company, e-mail, memo).
//!
//! Each tier streams from an FTS5 index in customer-id order (trigrams for
//! terms of three or more characters, `customer_tokens` for shorter ones and
//! for digits), so the first page costs the same for "김" with 200,000
//! matches as for a rare name.

use rusqlite::types::Value;
use rusqlite::{Statement, Transaction};

use super::customers::{SUMMARY_COLUMNS, summary_from_row};
use super::error::Result;
use super::{Page, Store};
use crate::domain::search::{SearchQuery, Term, fts_phrase, number_blocks};
use crate::domain::{CustomerId, CustomerSummary, NewCustomer};

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// The customers on this page, best first.
    pub hits: Vec<CustomerSummary>,
    /// True when a further page has results.
    pub has_more: bool,
}

impl Store {
    /// Customers matching `query`, best first (see the module doc), one page.
    ///
    /// # Errors
    /// On a database failure.
    pub fn search_customers(&self, query: &SearchQuery, page: Page) -> Result<SearchPage> {
        if query.is_empty() {
            return Ok(SearchPage {
                hits: Vec::new(),
                has_more: false,
            });
        }
        let want = u64::from(page.limit) + 1;
        let mut skip = u64::from(page.offset);
        let mut hits: Vec<CustomerSummary> = Vec::new();
        for tier in tiers(query) {
            let still = want - hits.len() as u64;
            if still == 0 {
                break;
            }
            if skip > 0 {
                let count = self.count_tier(&tier)?;
                if count <= skip {
                    skip -= count;
                    continue;
                }
            }
            hits.extend(self.tier_page(&tier, still, skip)?);
            skip = 0;
        }
        let has_more = hits.len() as u64 > u64::from(page.limit);
        hits.truncate(page.limit as usize);
        Ok(SearchPage { hits, has_more })
    }

    fn tier_page(&self, tier: &Tier, limit: u64, offset: u64) -> Result<Vec<CustomerSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {} ORDER BY {} DESC LIMIT {limit} OFFSET {offset}",
            tier.sql_from_where(),
            tier.order_column
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                rusqlite::params_from_iter(tier.params.iter()),
                summary_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn count_tier(&self, tier: &Tier) -> Result<u64> {
        let sql = format!("SELECT count(*) {}", tier.sql_from_where());
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(tier.params.iter()), |row| {
                row.get(0)
            })?)
    }
}

/// One tier's SQL: a driving index in customer-id order, and the conditions
/// on each customer it yields.
struct Tier {
    from: &'static str,
    order_column: &'static str,
    conditions: Vec<String>,
    params: Vec<Value>,
}

impl Tier {
    fn sql_from_where(&self) -> String {
        format!("{} WHERE {}", self.from, self.conditions.join(" AND "))
    }

    fn param(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Exact,
    Primary,
    Anywhere,
}

fn tiers(query: &SearchQuery) -> Vec<Tier> {
    let only_digits = query
        .terms
        .iter()
        .all(|term| matches!(term, Term::Digits(_)));
    let mut levels = vec![Level::Exact, Level::Primary];
    // A digit term only ever matches numbers, where it is already primary.
    if !only_digits {
        levels.push(Level::Anywhere);
    }
    levels.into_iter().map(|level| tier(query, level)).collect()
}

fn tier(query: &SearchQuery, level: Level) -> Tier {
    let mut tier = Tier {
        from: "",
        order_column: "c.id",
        conditions: vec!["c.deleted_at_ms IS NULL".to_owned()],
        params: Vec::new(),
    };
    let exact = exact_condition(&mut tier, query);
    if level == Level::Exact {
        tier.from = "FROM customers c";
        tier.conditions.push(exact);
        return tier;
    }
    // Lower tiers leave out what a higher one already showed.
    tier.conditions.push(format!("NOT ({exact})"));
    if level == Level::Anywhere {
        let in_name: Vec<String> = query
            .terms
            .iter()
            .filter_map(|term| match term {
                Term::Text(text) | Term::Short(text) => Some(in_name(&mut tier, text)),
                Term::Digits(_) => None,
            })
            .collect();
        tier.conditions
            .push(format!("NOT ({})", in_name.join(" AND ")));
    }

    let mut trigram_match: Vec<String> = Vec::new();
    let mut token_match: Vec<String> = Vec::new();
    for term in &query.terms {
        match term {
            Term::Text(text) if level == Level::Primary => {
                trigram_match.push(format!("name : {}", fts_phrase(text)));
            }
            Term::Text(text) => trigram_match.push(fts_phrase(text)),
            Term::Short(short) if level == Level::Anywhere => token_match.push(format!(
                "({} OR {})",
                fts_phrase(short),
                fts_phrase(&format!("{COMPANY_MARK}{short}"))
            )),
            Term::Short(short) => {
                // Name pieces only: a company word (상사) must not make the
                // name tier walk every company that has it.
                token_match.push(fts_phrase(short));
                if level == Level::Primary {
                    let condition = in_name(&mut tier, short);
                    tier.conditions.push(condition);
                }
            }
            Term::Digits(digits) => token_match.push(format!("{} *", fts_phrase(digits))),
        }
    }
    if trigram_match.is_empty() {
        let matching = tier.param(token_match.join(" AND "));
        tier.from = "FROM customer_tokens t CROSS JOIN customers c ON c.id = t.rowid";
        tier.conditions
            .push(format!("customer_tokens MATCH {matching}"));
        tier.order_column = "t.rowid";
    } else {
        let matching = tier.param(trigram_match.join(" AND "));
        tier.from = "FROM customer_fts f CROSS JOIN customers c ON c.id = f.rowid";
        tier.conditions
            .push(format!("customer_fts MATCH {matching}"));
        tier.order_column = "f.rowid";
        if !token_match.is_empty() {
            let matching = tier.param(token_match.join(" AND "));
            tier.conditions.push(format!(
                "EXISTS (SELECT 1 FROM customer_tokens t
                     WHERE customer_tokens MATCH {matching} AND t.rowid = c.id)"
            ));
        }
    }
    tier
}

/// The name is the whole query, or the query is one of the customer's numbers.
fn exact_condition(tier: &mut Tier, query: &SearchQuery) -> String {
    let whole = tier.param(query.whole.clone());
    if query.phone_keys.is_empty() {
        return format!("c.name = {whole}");
    }
    let keys: Vec<String> = query
        .phone_keys
        .iter()
        .map(|key| tier.param(key.clone()))
        .collect();
    format!(
        "(c.name = {whole} OR EXISTS (SELECT 1 FROM customer_phones p
             WHERE p.customer_id = c.id AND p.phone_key IN ({})))",
        keys.join(", ")
    )
}

/// The name contains `text` (lower-cased).
fn in_name(tier: &mut Tier, text: &str) -> String {
    let text = tier.param(text.to_owned());
    format!("instr(lower(c.name), {text}) > 0")
}

/// Writes search entries, with its statements prepared once per transaction.
pub(super) struct IndexWriter<'tx> {
    fts: Statement<'tx>,
    tokens: Statement<'tx>,
    /// The tokens of the customer being written, reused from one to the next.
    line: String,
}

impl<'tx> IndexWriter<'tx> {
    pub(super) fn new(tx: &'tx Transaction<'tx>) -> Result<Self> {
        Ok(Self {
            fts: tx.prepare(
                "INSERT INTO customer_fts (rowid, name, company, email, memo)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            tokens: tx.prepare("INSERT INTO customer_tokens (rowid, tokens) VALUES (?1, ?2)")?,
            line: String::new(),
        })
    }

    /// Writes the search entries of a new (or just updated) customer.
    pub(super) fn add(&mut self, id: CustomerId, customer: &NewCustomer) -> Result<()> {
        self.fts.execute(rusqlite::params![
            id.0,
            customer.name,
            customer.company,
            customer.email.as_ref().map_or("", |email| email.as_str()),
            customer.memo,
        ])?;
        self.add_tokens(id, customer)
    }

    /// Writes the `customer_tokens` entry of a new customer; its text entry
    /// comes from [`add_text_of_range`].
    pub(super) fn add_tokens(&mut self, id: CustomerId, customer: &NewCustomer) -> Result<()> {
        write_tokens(customer, &mut self.line);
        self.tokens.raw_bind_parameter(1, id.0)?;
        self.tokens.raw_bind_parameter(2, self.line.as_str())?;
        self.tokens.raw_execute()?;
        Ok(())
    }
}

/// Writes the `customer_fts` entries of the customers `first..=last`, just
/// inserted, from their stored rows: the same text [`IndexWriter::add`]
/// writes (no e-mail is indexed as an empty one).
pub(super) fn add_text_of_range(
    tx: &Transaction<'_>,
    first: CustomerId,
    last: CustomerId,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customer_fts (rowid, name, company, email, memo)
         SELECT id, name, company, coalesce(email, ''), memo FROM customers
         WHERE id BETWEEN ?1 AND ?2",
    )?
    .execute([first.0, last.0])?;
    Ok(())
}

/// Removes the search entries of a customer.
pub(super) fn remove(tx: &Transaction<'_>, id: CustomerId) -> Result<()> {
    tx.prepare_cached("DELETE FROM customer_fts WHERE rowid = ?1")?
        .execute([id.0])?;
    tx.prepare_cached("DELETE FROM customer_tokens WHERE rowid = ?1")?
        .execute([id.0])?;
    Ok(())
}

/// Rewrites the search entries of customer `id` from its stored rows (name,
/// company, e-mail, memo and numbers): the entries [`IndexWriter::add`]
/// writes from a `NewCustomer`, for writes that change the rows directly.
pub(super) fn reindex(tx: &Transaction<'_>, id: CustomerId) -> Result<()> {
    remove(tx, id)?;
    add_text_of_range(tx, id, id)?;
    let (name, company): (String, String) = tx.query_row(
        "SELECT name, company FROM customers WHERE id = ?1",
        [id.0],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let mut line = String::new();
    write_grams(&name, None, &mut line);
    write_grams(&company, Some(COMPANY_MARK), &mut line);
    let numbers: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT display, digits FROM customer_phones WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id.0], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (display, digits) in numbers {
        for block in number_blocks(&display, &digits) {
            push_token(&mut line, &block);
        }
    }
    tx.prepare_cached("INSERT INTO customer_tokens (rowid, tokens) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id.0, line])?;
    Ok(())
}

/// Marks a company's pieces in `customer_tokens`, so the name tier matches
/// name pieces alone. Not a character of names or numbers.
const COMPANY_MARK: char = 'ⓒ';

/// The pieces of name and company (marked) and the blocks of each number,
/// as one space-separated text in `line`, each token once, in that order
/// (the order [`grams`](crate::domain::search::grams) and [`number_blocks`]
/// give them).
pub(super) fn write_tokens(customer: &NewCustomer, line: &mut String) {
    line.clear();
    write_grams(&customer.name, None, line);
    write_grams(&customer.company, Some(COMPANY_MARK), line);
    for phone in &customer.phones {
        for block in number_blocks(phone.number.display(), phone.number.digits()) {
            push_token(line, &block);
        }
    }
}

/// The one- and two-character pieces of `text` as
/// [`grams`](crate::domain::search::grams) makes them,
/// each after `mark` if one is given, added to `line`. Written out here
/// rather than calling `grams` because a batch makes some twenty tokens
/// per customer, and one string each adds up.
fn write_grams(text: &str, mark: Option<char>, line: &mut String) {
    let lower = text.to_lowercase();
    let mut token = String::with_capacity(12);
    for word in lower.split_whitespace() {
        let mut chars = word.chars().peekable();
        while let Some(first) = chars.next() {
            token.clear();
            token.extend(mark);
            token.push(first);
            push_token(line, &token);
            if let Some(&second) = chars.peek() {
                token.push(second);
                push_token(line, &token);
            }
        }
    }
}

/// Adds `token` to the space-separated `line` unless it is there already.
fn push_token(line: &mut String, token: &str) {
    if line.split(' ').any(|known| known == token) {
        return;
    }
    if !line.is_empty() {
        line.push(' ');
    }
    line.push_str(token);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Region;
    use crate::store::test_support::{add, names_found as names, store};

    fn book() -> Store {
        let mut store = store();
        add(&mut store, "홍길동", &["010-1234-5678"]);
        add(&mut store, "김민준", &["010-2222-3333", "02-2299-7123"]);
        add(&mut store, "김서연", &["010-4444-5678"]);
        add(&mut store, "山田太郎", &["010-7777-8888"]);
        let mut company = crate::store::test_support::customer("이도윤", &["010-9999-1234"]);
        company.company = "길동상사".into();
        company.memo = "홍길동 님 소개로 가입".into();
        store.create_customer(&company).unwrap();
        store
    }

    #[test]
    fn tokens_are_the_grams_and_number_blocks_each_once() {
        use crate::domain::search::grams;
        // The definition the token line follows, written the plain way.
        fn plain(customer: &NewCustomer) -> String {
            let mut all = grams(&customer.name);
            let company = grams(&customer.company)
                .into_iter()
                .map(|gram| format!("{COMPANY_MARK}{gram}"));
            let numbers = customer
                .phones
                .iter()
                .flat_map(|phone| number_blocks(phone.number.display(), phone.number.digits()));
            for token in company.chain(numbers) {
                if !all.contains(&token) {
                    all.push(token);
                }
            }
            all.join(" ")
        }
        let mut generator = crate::demo::Generator::new(3);
        let mut line = String::new();
        for index in 0..500 {
            let mut draft = generator.customer().draft;
            draft.fields.clear();
            if index % 7 == 0 {
                // Repeats within and across name and company, and spaces.
                draft.name = "Aa  aA 홍홍".into();
                draft.company = "aa 홍홍 Bb".into();
            }
            let customer = draft.check(Region::KOREA, &[]).unwrap();
            write_tokens(&customer, &mut line);
            assert_eq!(line, plain(&customer));
        }
    }

    #[test]
    fn finds_korean_and_japanese_pieces_of_any_length() {
        let store = book();
        assert_eq!(names(&store, "김"), ["김서연", "김민준"]);
        assert_eq!(names(&store, "민준"), ["김민준"]);
        assert_eq!(names(&store, "서연"), ["김서연"]);
        assert_eq!(names(&store, "山田"), ["山田太郎"]);
        assert_eq!(names(&store, "田太郎"), ["山田太郎"]);
        assert!(names(&store, "박").is_empty());
    }

    #[test]
    fn exact_name_then_name_then_elsewhere() {
        let store = book();
        // 홍길동 by name; 이도윤 only through the memo.
        assert_eq!(names(&store, "홍길동"), ["홍길동", "이도윤"]);
        // 길동 is in 홍길동's name and in 이도윤's company.
        assert_eq!(names(&store, "길동"), ["홍길동", "이도윤"]);
        // A company word alone, and with a name piece.
        assert_eq!(names(&store, "상사"), ["이도윤"]);
        assert_eq!(names(&store, "이 상사"), ["이도윤"]);
        assert!(names(&store, "김 상사").is_empty());
    }

    #[test]
    fn finds_numbers_by_any_block() {
        let store = book();
        assert_eq!(names(&store, "5678"), ["김서연", "홍길동"]);
        assert_eq!(names(&store, "1234"), ["이도윤", "홍길동"]);
        assert_eq!(names(&store, "1234-5678"), ["홍길동"]);
        assert_eq!(names(&store, "010-2222"), ["김민준"]);
        assert_eq!(names(&store, "2299"), ["김민준"]);
        // A whole number in another format is an exact match.
        assert_eq!(names(&store, "+82 10 1234 5678"), ["홍길동"]);
    }

    #[test]
    fn terms_combine() {
        let store = book();
        assert_eq!(names(&store, "김 5678"), ["김서연"]);
        assert_eq!(names(&store, "김 민준"), ["김민준"]);
        assert!(names(&store, "김 1234").is_empty());
    }

    #[test]
    fn deleted_customers_are_not_found() {
        let mut store = book();
        let query = SearchQuery::parse("홍길동", Region::KOREA);
        let first = store.search_customers(&query, Page::first(1)).unwrap();
        store.delete_customer(first.hits[0].id).unwrap();
        assert_eq!(names(&store, "홍길동"), ["이도윤"]);
    }

    #[test]
    fn pages_run_across_tiers() {
        let mut store = store();
        for index in 0..7 {
            add(&mut store, &format!("김{index}"), &[]);
        }
        let query = SearchQuery::parse("김", Region::KOREA);
        let mut seen = Vec::new();
        for offset in (0..8).step_by(3) {
            let page = store
                .search_customers(&query, Page { offset, limit: 3 })
                .unwrap();
            assert_eq!(page.has_more, offset + 3 < 7);
            seen.extend(page.hits.into_iter().map(|hit| hit.name));
        }
        assert_eq!(seen, ["김6", "김5", "김4", "김3", "김2", "김1", "김0"]);
        // An exact name comes first, then the rest.
        let exact = SearchQuery::parse("김3", Region::KOREA);
        let page = store
            .search_customers(
                &exact,
                Page {
                    offset: 0,
                    limit: 1,
                },
            )
            .unwrap();
        assert_eq!(page.hits[0].name, "김3");
    }

    #[test]
    fn every_tier_streams_in_id_order_without_sorting() {
        let store = book();
        for text in ["김", "홍길동", "5678", "김 5678", "길동 상사"] {
            let query = SearchQuery::parse(text, Region::KOREA);
            for tier in tiers(&query) {
                let sql = format!(
                    "EXPLAIN QUERY PLAN SELECT c.id {} ORDER BY {} DESC LIMIT 50",
                    tier.sql_from_where(),
                    tier.order_column
                );
                let mut statement = store.conn.prepare(&sql).unwrap();
                let plan: Vec<String> = statement
                    .query_map(rusqlite::params_from_iter(tier.params.iter()), |row| {
                        row.get(3)
                    })
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                assert!(
                    plan.iter().all(|step| !step.contains("TEMP B-TREE")),
                    "{text}: {plan:?}"
                );
            }
        }
    }
}
