//! Business contacts: live customers grouped by the domain of their e-mail,
//! free-mail providers left out (the B2B view and `ringdesk b2b`).
//!
//! The domain is computed in SQL by [`EMAIL_DOMAIN`], the expression the
//! `customers_email_domain` index holds (sql/0010), so grouping reads that
//! index alone and one domain's customers are found through it.

use rusqlite::OptionalExtension as _;

use super::Store;
use super::error::Result;
use crate::domain::{BusinessDomain, FreeMailDomains};

/// The lower-cased e-mail domain of customer `c`; exactly the expression of
/// the `customers_email_domain` index (the alias does not matter to `SQLite`).
pub(super) const EMAIL_DOMAIN: &str = "lower(substr(c.email, instr(c.email, '@') + 1))";

/// Customers of a domain whose companies are looked at to name it: the most
/// common name among them is the domain's company (a bounded read however
/// many customers the domain has).
const COMPANY_SAMPLE: u32 = 200;

impl Store {
    /// Every company domain among live customers (those no free-mail
    /// provider's in `free`) with how many customers have it and the company
    /// name most of them carry (among the first 200); most
    /// customers first, then by domain.
    ///
    /// # Errors
    /// On a database failure.
    pub fn business_domains(&self, free: &FreeMailDomains) -> Result<Vec<BusinessDomain>> {
        let sql = format!(
            "SELECT {EMAIL_DOMAIN} AS domain, count(*) FROM customers c
             WHERE c.deleted_at_ms IS NULL AND domain IS NOT NULL AND domain LIKE '_%._%'
             GROUP BY domain"
        );
        let mut domains: Vec<BusinessDomain> = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], |row| {
                Ok(BusinessDomain {
                    domain: row.get(0)?,
                    company: String::new(),
                    customers: row.get(1)?,
                })
            })?
            .filter(|row| row.as_ref().map_or(true, |row| !free.contains(&row.domain)))
            .collect::<rusqlite::Result<_>>()?;
        domains.sort_by(|a, b| {
            b.customers
                .cmp(&a.customers)
                .then_with(|| a.domain.cmp(&b.domain))
        });
        let sql = format!(
            "SELECT company, count(*) AS n FROM (
                 SELECT c.company FROM customers c
                 WHERE {EMAIL_DOMAIN} = ?1 AND c.deleted_at_ms IS NULL AND c.company <> ''
                 LIMIT {COMPANY_SAMPLE})
             GROUP BY company ORDER BY n DESC, company LIMIT 1"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        for domain in &mut domains {
            if let Some(company) = statement
                .query_row([&domain.domain], |row| row.get::<_, String>(0))
                .optional()?
            {
                domain.company = company;
            }
        }
        Ok(domains)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerDraft, CustomerFilter, CustomerId, CustomerSort, Region};
    use crate::store::Page;

    fn put(store: &mut Store, name: &str, company: &str, email: &str) -> CustomerId {
        let draft = CustomerDraft {
            name: name.into(),
            company: company.into(),
            email: email.into(),
            ..CustomerDraft::default()
        };
        let checked = draft
            .check(Region::KOREA, &store.field_defs().unwrap())
            .unwrap();
        store.create_customer(&checked).unwrap()
    }

    #[test]
    fn company_domains_are_counted_and_free_mail_left_out() {
        let mut store = Store::open_in_memory().unwrap();
        put(&mut store, "김민수", "삼성전자", "minsu@samsung.com");
        put(&mut store, "이지영", "삼성전자", "JY.Lee@Samsung.COM");
        put(&mut store, "박서준", "삼성", "sj@samsung.com");
        put(&mut store, "山田太郎", "トヨタ", "yamada@toyota.co.jp");
        put(&mut store, "홍길동", "", "hong@naver.com");
        put(&mut store, "최유리", "", "yuri@gmail.com");
        put(&mut store, "정하늘", "", "");
        let gone = put(&mut store, "강다니엘", "삼성전자", "dan@samsung.com");
        store.delete_customer(gone).unwrap();

        let domains = store.business_domains(&FreeMailDomains::default()).unwrap();
        assert_eq!(
            domains,
            [
                BusinessDomain {
                    domain: "samsung.com".to_owned(),
                    company: "삼성전자".to_owned(),
                    customers: 3,
                },
                BusinessDomain {
                    domain: "toyota.co.jp".to_owned(),
                    company: "トヨタ".to_owned(),
                    customers: 1,
                },
            ]
        );

        // A domain filter lists exactly that domain's live customers.
        let filter = CustomerFilter {
            email_domain: Some("Samsung.com".to_owned()),
            ..CustomerFilter::default()
        };
        assert_eq!(store.count_customers_where(&filter).unwrap(), 3);
        let rows = store
            .list_customers_where(
                &filter,
                &CustomerSort::default(),
                &[],
                Page {
                    offset: 0,
                    limit: 10,
                },
            )
            .unwrap();
        let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["김민수", "박서준", "이지영"]);

        // Own list: naver.com counts as a company, samsung.com as free mail.
        let own = FreeMailDomains::configured(&["samsung.com".to_owned()]);
        let domains: Vec<String> = store
            .business_domains(&own)
            .unwrap()
            .into_iter()
            .map(|domain| domain.domain)
            .collect();
        assert_eq!(domains, ["gmail.com", "naver.com", "toyota.co.jp"]);
    }

    #[test]
    fn grouping_and_the_domain_filter_read_the_domain_index() {
        let store = Store::open_in_memory().unwrap();
        let plan = |sql: &str, params: &[rusqlite::types::Value]| -> String {
            store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(params.iter()), |row| {
                    row.get::<_, String>(3)
                })
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let group = plan(
            &format!(
                "SELECT {EMAIL_DOMAIN} AS domain, count(*) FROM customers c
                 WHERE c.deleted_at_ms IS NULL AND domain IS NOT NULL AND domain LIKE '_%._%'
                 GROUP BY domain"
            ),
            &[],
        );
        assert!(
            group.contains("COVERING INDEX customers_email_domain"),
            "{group}"
        );
        let filter = CustomerFilter {
            email_domain: Some("x.com".to_owned()),
            ..CustomerFilter::default()
        };
        let defs = store.field_defs().unwrap();
        let (page, query) = super::super::customer_list::page_query(
            &filter,
            &CustomerSort::default(),
            Page::first(50),
            &defs,
        )
        .unwrap();
        let one = plan(&page, &query.params);
        assert!(one.contains("INDEX customers_email_domain"), "{one}");
    }
}
