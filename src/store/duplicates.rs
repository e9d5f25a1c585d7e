//! Customers who are probably the same person: sharing a real number, an
//! e-mail (any case), or a name at the same company (spaces, case and the
//! company's legal form aside). Pairs found by different reasons join into
//! one set, so a person entered three times is one set of three.

use std::collections::{BTreeMap, HashMap};

use super::Store;
use super::error::Result;
use crate::domain::CustomerId;

/// Why customers look like one person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same real number (its canonical key).
    SameNumber(String),
    /// The same e-mail, in lower case.
    SameEmail(String),
    /// The same name at the same company, as compared.
    SameNameAtCompany(String),
}

/// Customers who look like one person, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateSet {
    /// The customers, oldest first.
    pub customers: Vec<CustomerId>,
    /// Every reason found between them.
    pub reasons: Vec<DuplicateReason>,
}

impl Store {
    /// Every set of live customers who look like one person, largest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn duplicate_sets(&self) -> Result<Vec<DuplicateSet>> {
        // The keys met twice come from the number index alone; only their
        // rows are read (a join for every number took 15 s on a million
        // customers, this one second).
        let mut found: Vec<(DuplicateReason, Vec<i64>)> = Vec::new();
        let mut statement = self.conn.prepare(
            "SELECT p.phone_key, group_concat(DISTINCT p.customer_id)
             FROM customer_phones p
             JOIN customers c ON c.id = p.customer_id AND c.deleted_at_ms IS NULL
             WHERE p.verified = 1 AND p.phone_key IN (
                 SELECT phone_key FROM customer_phones WHERE phone_key <> ''
                 GROUP BY phone_key HAVING count(*) > 1)
             GROUP BY p.phone_key HAVING count(DISTINCT p.customer_id) > 1",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let key: String = row.get(0)?;
            let ids: String = row.get(1)?;
            let ids: Vec<i64> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
            found.push((DuplicateReason::SameNumber(key), ids));
        }
        found.extend(self.same_email_or_name_at_company()?);
        Ok(join(found))
    }

    /// Customers sharing an e-mail or a name at a company, from one pass
    /// over the book. Two GROUP BYs over computed keys sorted a million
    /// strings each (about 9 s of the finder's 11); here each customer
    /// leaves a hash of each key, the hashes are sorted, and only customers
    /// whose hash repeats are read again to compare the keys themselves.
    fn same_email_or_name_at_company(&self) -> Result<Vec<(DuplicateReason, Vec<i64>)>> {
        let mut emails: Vec<(u64, i64)> = Vec::new();
        let mut names: Vec<(u64, i64)> = Vec::new();
        {
            let mut statement = self.conn.prepare(
                "SELECT id, email, name, company FROM customers WHERE deleted_at_ms IS NULL",
            )?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                if let Some(key) = email_key(
                    row.get_ref(1)?
                        .as_str_or_null()
                        .map_err(rusqlite::Error::from)?,
                ) {
                    emails.push((hash(&key), id));
                }
                if let Some(key) = name_at_company_key(
                    row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?,
                    row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?,
                ) {
                    names.push((hash(&key), id));
                }
            }
        }
        let mut found = Vec::new();
        let mut card = self
            .conn
            .prepare("SELECT email, name, company FROM customers WHERE id = ?1")?;
        for (hashes, reason) in [(emails, Reason::Email), (names, Reason::NameAtCompany)] {
            let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
            for id in repeated(hashes) {
                let key = card.query_row([id], |row| {
                    Ok(match reason {
                        Reason::Email => email_key(row.get_ref(0)?.as_str_or_null()?),
                        Reason::NameAtCompany => name_at_company_key(
                            row.get_ref(1)?.as_str()?,
                            row.get_ref(2)?.as_str()?,
                        ),
                    })
                })?;
                if let Some(key) = key {
                    by_key.entry(key).or_default().push(id);
                }
            }
            found.extend(
                by_key
                    .into_iter()
                    .filter(|(_, ids)| ids.len() > 1)
                    .map(|(key, ids)| {
                        let reason = match reason {
                            Reason::Email => DuplicateReason::SameEmail(key),
                            Reason::NameAtCompany => DuplicateReason::SameNameAtCompany(key),
                        };
                        (reason, ids)
                    }),
            );
        }
        Ok(found)
    }
}

/// Which key a pass compares.
#[derive(Clone, Copy)]
enum Reason {
    Email,
    NameAtCompany,
}

/// An e-mail as compared: trimmed of spaces, in lower case; `None` for none.
fn email_key(email: Option<&str>) -> Option<String> {
    let email = email?.trim_matches(' ');
    (!email.is_empty()).then(|| email.to_lowercase())
}

/// A name at a company as compared: spaces, case and the company's legal
/// form ((주), ㈜, 주식회사) aside; `None` without a company.
fn name_at_company_key(name: &str, company: &str) -> Option<String> {
    if company.is_empty() {
        return None;
    }
    let company = company
        .replace(' ', "")
        .replace("(주)", "")
        .replace('㈜', "")
        .replace("주식회사", "");
    let mut key = name.replace(' ', "").to_lowercase();
    key.push_str(" @ ");
    key.push_str(&company.to_lowercase());
    Some(key)
}

fn hash(key: &str) -> u64 {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(key)
}

/// The ids whose hash is some other id's too, in id order.
fn repeated(mut hashes: Vec<(u64, i64)>) -> Vec<i64> {
    hashes.sort_unstable();
    let mut ids: Vec<i64> = hashes
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flat_map(|run| run.iter().map(|(_, id)| *id))
        .collect();
    ids.sort_unstable();
    ids
}

/// The set `id` belongs to, shortening the path on the way.
fn root(parent: &mut HashMap<i64, i64>, id: i64) -> i64 {
    let mut at = id;
    while let Some(&up) = parent.get(&at) {
        if up == at {
            break;
        }
        at = up;
    }
    parent.insert(id, at);
    at
}

/// Joins the pairs into sets: customers linked by any reason are one set.
fn join(found: Vec<(DuplicateReason, Vec<i64>)>) -> Vec<DuplicateSet> {
    let mut parent: HashMap<i64, i64> = HashMap::new();
    for (_, ids) in &found {
        for id in ids {
            parent.entry(*id).or_insert(*id);
        }
        let first = root(&mut parent, ids[0]);
        for id in &ids[1..] {
            let other = root(&mut parent, *id);
            if other != first {
                parent.insert(other, first);
            }
        }
    }
    let mut sets: BTreeMap<i64, DuplicateSet> = BTreeMap::new();
    for (reason, ids) in found {
        let top = root(&mut parent, ids[0]);
        let set = sets.entry(top).or_insert_with(|| DuplicateSet {
            customers: Vec::new(),
            reasons: Vec::new(),
        });
        set.customers.extend(ids.into_iter().map(CustomerId));
        set.reasons.push(reason);
    }
    let mut sets: Vec<DuplicateSet> = sets
        .into_values()
        .map(|mut set| {
            set.customers.sort();
            set.customers.dedup();
            set.reasons.sort();
            set
        })
        .collect();
    sets.sort_by(|a, b| {
        b.customers
            .len()
            .cmp(&a.customers.len())
            .then(a.customers.cmp(&b.customers))
    });
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_found_by_different_reasons_join_into_one_set() {
        let sets = join(vec![
            (
                DuplicateReason::SameNumber("+821011112222".to_owned()),
                vec![1, 5],
            ),
            (DuplicateReason::SameEmail("a@b.kr".to_owned()), vec![5, 9]),
            (DuplicateReason::SameEmail("c@d.kr".to_owned()), vec![3, 4]),
        ]);
        assert_eq!(sets.len(), 2);
        assert_eq!(
            sets[0].customers,
            [CustomerId(1), CustomerId(5), CustomerId(9)]
        );
        assert_eq!(sets[0].reasons.len(), 2);
        assert_eq!(sets[1].customers, [CustomerId(3), CustomerId(4)]);
    }
}
