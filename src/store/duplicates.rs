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

/// Makes a reason of a query's key.
type Reason = fn(String) -> DuplicateReason;

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
        let mut found: Vec<(DuplicateReason, Vec<i64>)> = Vec::new();
        let queries: [(&str, Reason); 3] = [
            (
                // The keys met twice come from the key index alone; only
                // their rows are read (a join for every number took 15 s
                // on a million customers, this one second).
                "SELECT p.phone_key, group_concat(DISTINCT p.customer_id)
                 FROM customer_phones p
                 JOIN customers c ON c.id = p.customer_id AND c.deleted_at_ms IS NULL
                 WHERE p.verified = 1 AND p.phone_key IN (
                     SELECT phone_key FROM customer_phones WHERE phone_key <> ''
                     GROUP BY phone_key HAVING count(*) > 1)
                 GROUP BY p.phone_key HAVING count(DISTINCT p.customer_id) > 1",
                DuplicateReason::SameNumber,
            ),
            (
                "SELECT lower(trim(email)), group_concat(id) FROM customers
                 WHERE deleted_at_ms IS NULL AND email <> ''
                 GROUP BY lower(trim(email)) HAVING count(*) > 1",
                DuplicateReason::SameEmail,
            ),
            (
                "SELECT lower(replace(name, ' ', '')) || ' @ ' || lower(replace(replace(replace(
                            replace(company, ' ', ''), '(주)', ''), '㈜', ''), '주식회사', '')),
                        group_concat(id)
                 FROM customers
                 WHERE deleted_at_ms IS NULL AND company <> ''
                 GROUP BY 1 HAVING count(*) > 1",
                DuplicateReason::SameNameAtCompany,
            ),
        ];
        for (sql, reason) in queries {
            let mut statement = self.conn.prepare(sql)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let key: String = row.get(0)?;
                let ids: String = row.get(1)?;
                let ids: Vec<i64> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
                found.push((reason(key), ids));
            }
        }
        Ok(join(found))
    }
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
