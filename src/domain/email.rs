//! E-mail addresses as a customer book needs them: plausible, trimmed, nothing more.
//!
//! Deliverability cannot be known offline, so the rule is the shape an agent
//! can get wrong by typing: one local part, one `@`, a domain with a dot, no
//! empty labels, no spaces or commas.

use std::fmt;

use serde::Serialize;

use super::invalid::Problem;

/// A trimmed e-mail address that has the shape of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Checks the shape of `input` (trimmed, including the full-width space).
    ///
    /// # Errors
    /// [`Problem::Email`] when it is not shaped like an address.
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let text = input.trim();
        let bad = || Problem::Email(text.to_owned());
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let forbidden = |c: char| c.is_whitespace() || c == ',' || c == '@' || c == ';';
        if local.is_empty() || local.contains(forbidden) || domain.contains(forbidden) {
            return Err(bad());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|label| label.is_empty()) {
            return Err(bad());
        }
        Ok(Self(text.to_owned()))
    }

    /// The address as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("minsu.kim@naver.com")]
    #[case("  Hong.GD@Daum.Net ")]
    #[case("a+b@mail.co.kr")]
    #[case("yamada@docomo.ne.jp")]
    fn accepts(#[case] input: &str) {
        assert_eq!(
            Email::parse(input).map(|e| e.to_string()),
            Ok(input.trim().to_owned())
        );
    }

    #[rstest]
    #[case("minsu.kim@@naver.com")]
    #[case("jiyoung.lee.naver.com")]
    #[case("hong gd@daum.net")]
    #[case("park.sj@")]
    #[case("mori@docomo..ne.jp")]
    #[case("@naver.com")]
    #[case("kim@localhost")]
    #[case("kim@naver.com,lee@naver.com")]
    fn refuses(#[case] input: &str) {
        assert!(
            matches!(Email::parse(input), Err(Problem::Email(_))),
            "{input}"
        );
    }
}
