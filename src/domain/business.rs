//! Business contacts: a customer whose e-mail is at a company's domain, not a
//! free-mail provider's (naver.com, gmail.com, yahoo.co.jp …), is a business
//! contact, and customers are grouped by that domain in the B2B view.
//!
//! The free-mail list ships in `assets/free_mail_domains.txt`; the setting
//! `customers.free_mail_domains` replaces it when not empty.

use std::collections::BTreeSet;

use serde::Serialize;

/// The built-in list, one domain a line, `#` comments.
pub const DEFAULT_FREE_MAIL_DOMAINS: &str = include_str!("../../assets/free_mail_domains.txt");

/// The lower-cased domain of `email` (after its `@`, trimmed), or `None`
/// when there is no `@` or nothing after it. The store's index computes the
/// same: `lower(substr(email, instr(email, '@') + 1))`.
#[must_use]
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().split_once('@')?;
    let domain = domain.trim();
    (!domain.is_empty()).then(|| domain.to_lowercase())
}

/// The free-mail domains: e-mail there says nothing about a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeMailDomains(BTreeSet<String>);

impl FreeMailDomains {
    /// The list in `text`: one domain a line, blank lines and `#` comments
    /// ignored, lower-cased; a leading `@` is dropped.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        Self::from_entries(text.lines())
    }

    /// The list of `entries`, each a domain (or a line with a `#` comment).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            entries
                .into_iter()
                .map(|line| line.split('#').next().unwrap_or_default().trim())
                .map(|domain| domain.trim_start_matches('@').to_lowercase())
                .filter(|domain| !domain.is_empty())
                .collect(),
        )
    }

    /// The built-in list, or `configured` when it names any domain.
    #[must_use]
    pub fn configured(configured: &[String]) -> Self {
        let own = Self::from_entries(configured.iter().map(String::as_str));
        if own.0.is_empty() {
            Self::parse(DEFAULT_FREE_MAIL_DOMAINS)
        } else {
            own
        }
    }

    /// Whether `domain` (lower case) is a free-mail provider's.
    #[must_use]
    pub fn contains(&self, domain: &str) -> bool {
        self.0.contains(domain)
    }

    /// The domains, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// How many domains the list has.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The company domain of `email`: its domain when that is no free-mail
    /// provider's, else `None` (a private address, or no address at all).
    #[must_use]
    pub fn business_domain(&self, email: &str) -> Option<String> {
        email_domain(email).filter(|domain| domain.contains('.') && !self.contains(domain))
    }

    /// Whether `email` marks its owner as a business contact.
    #[must_use]
    pub fn is_business(&self, email: &str) -> bool {
        self.business_domain(email).is_some()
    }
}

impl Default for FreeMailDomains {
    fn default() -> Self {
        Self::parse(DEFAULT_FREE_MAIL_DOMAINS)
    }
}

/// One company domain of the B2B view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessDomain {
    /// The e-mail domain, lower case (`samsung.com`).
    pub domain: String,
    /// A company name its customers carry (the most common one), or empty.
    pub company: String,
    /// Live customers with an e-mail at this domain.
    pub customers: u64,
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("kim@samsung.com", Some("samsung.com"))]
    #[case("  Lee@Hyundai.CO.KR ", Some("hyundai.co.kr"))]
    #[case("yamada@toyota.co.jp", Some("toyota.co.jp"))]
    #[case("minsu@naver.com", None)]
    #[case("hong@Daum.Net", None)]
    #[case("x@hanmail.net", None)]
    #[case("x@kakao.com", None)]
    #[case("x@nate.com", None)]
    #[case("x@gmail.com", None)]
    #[case("x@yahoo.co.jp", None)]
    #[case("x@docomo.ne.jp", None)]
    #[case("x@outlook.com", None)]
    #[case("no-at-sign", None)]
    #[case("trailing@", None)]
    #[case("", None)]
    fn business_domain_of_an_email(#[case] email: &str, #[case] domain: Option<&str>) {
        let free = FreeMailDomains::default();
        assert_eq!(free.business_domain(email).as_deref(), domain, "{email}");
        assert_eq!(free.is_business(email), domain.is_some());
    }

    #[test]
    fn the_built_in_list_reads_comments_and_blank_lines() {
        let free = FreeMailDomains::default();
        assert!(free.len() > 40, "{}", free.len());
        assert!(free.iter().all(|domain| domain.contains('.')
            && !domain.contains(' ')
            && domain == domain.to_lowercase()));
        let parsed = FreeMailDomains::parse("# mine\n\n@Corp-Mail.KR  # ours\nfree.jp\n");
        assert_eq!(
            parsed.iter().collect::<Vec<_>>(),
            ["corp-mail.kr", "free.jp"]
        );
    }

    #[test]
    fn a_configured_list_replaces_the_built_in_one() {
        let own = FreeMailDomains::configured(&["corp-mail.kr".to_owned()]);
        assert!(own.contains("corp-mail.kr"));
        assert!(own.is_business("kim@naver.com"));
        assert!(!own.is_business("kim@corp-mail.kr"));
        assert_eq!(
            FreeMailDomains::configured(&[" ".to_owned()]),
            FreeMailDomains::default()
        );
    }

    #[test]
    fn domain_is_lower_cased_after_the_at() {
        assert_eq!(
            email_domain("A@B.Example.COM").as_deref(),
            Some("b.example.com")
        );
        assert_eq!(
            email_domain("a@ example.com").as_deref(),
            Some("example.com")
        );
    }
}
