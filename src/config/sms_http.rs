//! `[sms.http]`: an SMS provider's REST API (문자 발송 API), described by
//! its addresses, its API key header and the names it gives the JSON
//! fields, so one client speaks to any of the Korean providers that send
//! JSON over HTTPS without code for each.
//!
//! The defaults follow the common shape — `POST` `{"to", "from", "text",
//! "subject", "type", "refkey"}` answered by `{"messageId"}` — so most
//! providers need only the address, the key and a few renamed fields.
//! Response fields are dotted paths into the answer (`data.msgId`,
//! `list.0.status`), because providers wrap their answers differently.

use serde::{Deserialize, Serialize};

/// How phone numbers are written in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberFormat {
    /// Korean numbers as dialled at home (`01012345678`), which Korean
    /// providers expect; numbers of other countries stay E.164.
    #[default]
    National,
    /// Every number E.164 (`+821012345678`).
    E164,
}

/// `[sms.http]`: a generic HTTPS JSON SMS provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpProviderSettings {
    /// Where messages are posted (`https://…/send`); required when
    /// `sms.gateway` is `http`.
    pub send_url: String,
    /// The header that carries the API key (`Authorization`, `X-API-KEY`);
    /// no header is sent while it or `auth_value` is empty.
    pub auth_header: String,
    /// The header's value (`Bearer …`, or the key itself).
    pub auth_value: String,
    /// How numbers are written in the request.
    pub number_format: NumberFormat,
    /// Request field for the recipient.
    pub to_field: String,
    /// Request field for the sender number (발신번호).
    pub from_field: String,
    /// Request field for the text.
    pub text_field: String,
    /// Request field for the LMS/MMS subject; empty sends none.
    pub subject_field: String,
    /// Request field for the kind (`SMS`, `LMS`, `MMS`); empty sends none.
    pub kind_field: String,
    /// Request field for an MMS's JPEG, sent base64-encoded; empty when the
    /// provider takes no pictures (the composer then refuses them).
    pub image_field: String,
    /// Request field for ringdesk's own message id (the client reference);
    /// empty sends none. A provider that refuses a reference it has seen
    /// makes sending again after a crash safe.
    pub reference_field: String,
    /// Answer field (dotted path) holding the provider's message id.
    pub id_field: String,
    /// Answer field whose value says whether the provider took the message,
    /// for providers that answer 200 even when they refuse; empty trusts
    /// the HTTP status.
    pub success_field: String,
    /// Values of `success_field` that mean taken (`1`, `success`).
    pub success_values: Vec<String>,
    /// Answer field with the provider's words when it refuses.
    pub error_field: String,
    /// Where the remaining credit is asked (GET); empty when the provider
    /// has none.
    pub balance_url: String,
    /// Answer field with the messages the credit still pays for (잔여건수).
    pub balance_field: String,
    /// Where a message's result is asked (GET), with `{ref}` (the
    /// provider's id) or `{uid}` (ringdesk's id) in it; empty when the
    /// provider gives no results.
    pub status_url: String,
    /// Answer field with the message's state.
    pub status_field: String,
    /// Answer field with why it failed (`결번`).
    pub reason_field: String,
    /// States that mean the phone got the message.
    pub delivered_values: Vec<String>,
    /// States that mean it will not arrive; anything else is still pending.
    pub failed_values: Vec<String>,
    /// Longest wait for one answer, connecting included (1–120).
    pub timeout_secs: u32,
    /// Wait before a message's result is first asked; doubles while it is
    /// pending (1–3600).
    pub poll_interval_secs: u32,
    /// Longest wait between two asks (at least `poll_interval_secs`, at
    /// most 86400).
    pub poll_max_interval_secs: u32,
    /// How long results are asked for before ringdesk stops and leaves the
    /// message "sent" (1–720; carriers settle within 72 hours).
    pub give_up_after_hours: u32,
}

impl Default for HttpProviderSettings {
    fn default() -> Self {
        let strings = |values: &[&str]| values.iter().map(|&value| value.to_owned()).collect();
        Self {
            send_url: String::new(),
            auth_header: "Authorization".to_owned(),
            auth_value: String::new(),
            number_format: NumberFormat::National,
            to_field: "to".to_owned(),
            from_field: "from".to_owned(),
            text_field: "text".to_owned(),
            subject_field: "subject".to_owned(),
            kind_field: "type".to_owned(),
            image_field: String::new(),
            reference_field: "refkey".to_owned(),
            id_field: "messageId".to_owned(),
            success_field: String::new(),
            success_values: Vec::new(),
            error_field: "message".to_owned(),
            balance_url: String::new(),
            balance_field: "balance".to_owned(),
            status_url: String::new(),
            status_field: "status".to_owned(),
            reason_field: "reason".to_owned(),
            delivered_values: strings(&["DELIVERED", "SUCCESS"]),
            failed_values: strings(&["FAILED", "FAIL"]),
            timeout_secs: 10,
            poll_interval_secs: 10,
            poll_max_interval_secs: 600,
            give_up_after_hours: 72,
        }
    }
}

impl HttpProviderSettings {
    /// The checks serde cannot express; `in_use` when `sms.gateway` is
    /// `http`, so the send address must be there.
    pub(super) fn check(&self, in_use: bool) -> Result<(), (&'static str, String)> {
        if in_use && self.send_url.trim().is_empty() {
            return Err((
                "sms.http.send_url",
                "must be set when sms.gateway is http (the provider's send address)".to_owned(),
            ));
        }
        for (key, url) in [
            ("sms.http.send_url", &self.send_url),
            ("sms.http.balance_url", &self.balance_url),
            ("sms.http.status_url", &self.status_url),
        ] {
            if !url.is_empty() {
                check_url(url).map_err(|reason| (key, reason))?;
            }
        }
        let named = ["{ref}", "{uid}"]
            .iter()
            .any(|placeholder| self.status_url.contains(placeholder));
        if !self.status_url.is_empty() && !named {
            return Err((
                "sms.http.status_url",
                "must name the message with {ref} (the provider's id) or {uid} (ringdesk's)"
                    .to_owned(),
            ));
        }
        if self.status_url.contains("{ref}") && self.id_field.trim().is_empty() {
            return Err((
                "sms.http.id_field",
                "must name the answer's message id field, as sms.http.status_url asks by {ref}"
                    .to_owned(),
            ));
        }
        if self.status_url.contains("{uid}") && self.reference_field.trim().is_empty() {
            return Err((
                "sms.http.reference_field",
                "must name the request's reference field, as sms.http.status_url asks by {uid}"
                    .to_owned(),
            ));
        }
        if self
            .auth_header
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err((
                "sms.http.auth_header",
                format!(
                    "'{}' is not a header name (like Authorization or X-API-KEY)",
                    self.auth_header
                ),
            ));
        }
        if self.auth_value.contains(['\r', '\n']) {
            return Err(("sms.http.auth_value", "must be on one line".to_owned()));
        }
        for (key, field) in [
            ("sms.http.to_field", &self.to_field),
            ("sms.http.from_field", &self.from_field),
            ("sms.http.text_field", &self.text_field),
        ] {
            if field.trim().is_empty() {
                return Err((key, "must name the request's field".to_owned()));
            }
        }
        if !self.success_field.is_empty() && self.success_values.is_empty() {
            return Err((
                "sms.http.success_values",
                "must list the values that mean taken when sms.http.success_field is set"
                    .to_owned(),
            ));
        }
        if !self.balance_url.is_empty() && self.balance_field.trim().is_empty() {
            return Err((
                "sms.http.balance_field",
                "must name the answer's field when sms.http.balance_url is set".to_owned(),
            ));
        }
        if !self.status_url.is_empty() {
            if self.status_field.trim().is_empty() {
                return Err((
                    "sms.http.status_field",
                    "must name the answer's field when sms.http.status_url is set".to_owned(),
                ));
            }
            if self.delivered_values.is_empty() {
                return Err((
                    "sms.http.delivered_values",
                    "must list at least one state when sms.http.status_url is set".to_owned(),
                ));
            }
        }
        self.check_times()
    }

    fn check_times(&self) -> Result<(), (&'static str, String)> {
        if !(1..=120).contains(&self.timeout_secs) {
            return Err((
                "sms.http.timeout_secs",
                "must be between 1 and 120".to_owned(),
            ));
        }
        if !(1..=3600).contains(&self.poll_interval_secs) {
            return Err((
                "sms.http.poll_interval_secs",
                "must be between 1 and 3600".to_owned(),
            ));
        }
        if self.poll_max_interval_secs < self.poll_interval_secs
            || self.poll_max_interval_secs > 86_400
        {
            return Err((
                "sms.http.poll_max_interval_secs",
                format!(
                    "must be at least sms.http.poll_interval_secs ({}) and at most 86400",
                    self.poll_interval_secs
                ),
            ));
        }
        if !(1..=720).contains(&self.give_up_after_hours) {
            return Err((
                "sms.http.give_up_after_hours",
                "must be between 1 and 720".to_owned(),
            ));
        }
        Ok(())
    }
}

/// An address ringdesk may send an API key to: `https://`, or `http://` to
/// this computer only (a local relay, the tests), since the key and the
/// customers' numbers would cross the network in clear text otherwise.
fn check_url(text: &str) -> Result<(), String> {
    // `{ref}` / `{uid}` are filled in later; a stand-in keeps the parse honest.
    let filled = text.replace("{ref}", "0").replace("{uid}", "0");
    let url = reqwest::Url::parse(&filled)
        .map_err(|error| format!("'{text}' is not a web address: {error}"))?;
    let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" if url.host_str().is_some() => Ok(()),
        "http" if local => Ok(()),
        "http" => Err(format!(
            "'{text}' must start with https:// (http:// only for 127.0.0.1 or localhost)"
        )),
        _ => Err(format!("'{text}' must start with https://")),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("https://api.example.co.kr/v1/send", true)]
    #[case("https://api.example.co.kr/v1/result/{ref}", true)]
    #[case("http://127.0.0.1:8080/send", true)]
    #[case("http://localhost/send", true)]
    #[case("http://[::1]:9000/send", true)]
    #[case("http://api.example.co.kr/send", false)]
    #[case("http://127.0.0.2/send", false)]
    #[case("ftp://api.example.co.kr/send", false)]
    #[case("api.example.co.kr/send", false)]
    #[case("https://", false)]
    fn only_https_or_this_computer(#[case] url: &str, #[case] allowed: bool) {
        assert_eq!(
            check_url(url).is_ok(),
            allowed,
            "{url}: {:?}",
            check_url(url)
        );
    }

    #[test]
    fn the_defaults_pass_and_the_address_is_needed_in_use() {
        let settings = HttpProviderSettings::default();
        assert_eq!(settings.check(false), Ok(()));
        assert_eq!(settings.check(true).unwrap_err().0, "sms.http.send_url");
    }

    #[rstest]
    #[case("sms.http.send_url", |s: &mut HttpProviderSettings| s.send_url = "http://sms.example.com/send".to_owned())]
    #[case("sms.http.status_url", |s: &mut HttpProviderSettings| s.status_url = "https://sms.example.com/result".to_owned())]
    #[case("sms.http.auth_header", |s: &mut HttpProviderSettings| s.auth_header = "X API KEY".to_owned())]
    #[case("sms.http.auth_value", |s: &mut HttpProviderSettings| s.auth_value = "Bearer a\r\nX: b".to_owned())]
    #[case("sms.http.text_field", |s: &mut HttpProviderSettings| s.text_field = String::new())]
    #[case("sms.http.success_values", |s: &mut HttpProviderSettings| s.success_field = "result_code".to_owned())]
    #[case("sms.http.delivered_values", |s: &mut HttpProviderSettings| {
        s.status_url = "https://sms.example.com/result/{ref}".to_owned();
        s.delivered_values.clear();
    })]
    #[case("sms.http.id_field", |s: &mut HttpProviderSettings| {
        s.status_url = "https://sms.example.com/result/{ref}".to_owned();
        s.id_field = String::new();
    })]
    #[case("sms.http.reference_field", |s: &mut HttpProviderSettings| {
        s.status_url = "https://sms.example.com/result?refkey={uid}".to_owned();
        s.reference_field = String::new();
    })]
    #[case("sms.http.timeout_secs", |s: &mut HttpProviderSettings| s.timeout_secs = 0)]
    #[case("sms.http.poll_max_interval_secs", |s: &mut HttpProviderSettings| s.poll_max_interval_secs = 5)]
    #[case("sms.http.give_up_after_hours", |s: &mut HttpProviderSettings| s.give_up_after_hours = 0)]
    fn a_bad_value_names_its_key(#[case] key: &str, #[case] change: fn(&mut HttpProviderSettings)) {
        let mut settings = HttpProviderSettings {
            send_url: "https://sms.example.com/send".to_owned(),
            ..HttpProviderSettings::default()
        };
        assert_eq!(settings.check(true), Ok(()));
        change(&mut settings);
        assert_eq!(settings.check(true).unwrap_err().0, key);
    }
}
