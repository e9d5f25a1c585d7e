//! The AMI login actions, without I/O.
//!
//! ringdesk first asks for an MD5 challenge so the secret never crosses the
//! wire (`Action: Challenge`, then `Login` with `Key: md5hex(challenge +
//! secret)`); a PBX that refuses the challenge gets the plain secret. Both
//! logins carry the `Events:` mask, so only the classes ringdesk reads are sent.

use std::fmt::Write as _;

use md5::{Digest as _, Md5};

use super::message::Message;
use super::settings::AmiSettings;

/// `Action: Challenge` for an MD5 challenge.
#[must_use]
pub fn challenge(action_id: &str) -> Message {
    Message::from_pairs([
        ("Action", "Challenge"),
        ("ActionID", action_id),
        ("AuthType", "MD5"),
    ])
}

/// The challenge string from a successful `Challenge` response.
#[must_use]
pub fn challenge_of(response: &Message) -> Option<&str> {
    if response.response() != Some("Success") {
        return None;
    }
    response.get("Challenge").filter(|text| !text.is_empty())
}

/// `Login` answering `challenge` with `md5hex(challenge + secret)`.
#[must_use]
pub fn login_md5(settings: &AmiSettings, challenge: &str, action_id: &str) -> Message {
    let key = md5_key(challenge, &settings.secret);
    Message::from_pairs([
        ("Action", "Login"),
        ("ActionID", action_id),
        ("AuthType", "md5"),
        ("Username", settings.user.as_str()),
        ("Key", key.as_str()),
        ("Events", settings.events_mask.as_str()),
    ])
}

/// `Login` with the plain secret, for a PBX that refused the challenge.
#[must_use]
pub fn login_plain(settings: &AmiSettings, action_id: &str) -> Message {
    Message::from_pairs([
        ("Action", "Login"),
        ("ActionID", action_id),
        ("Username", settings.user.as_str()),
        ("Secret", settings.secret.as_str()),
        ("Events", settings.events_mask.as_str()),
    ])
}

/// The key Asterisk expects: the MD5 of the challenge followed by the
/// secret, as 32 lowercase hex digits (manager.c `authenticate`).
#[must_use]
pub fn md5_key(challenge: &str, secret: &str) -> String {
    let mut hasher = Md5::new();
    hasher.update(challenge.as_bytes());
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    let mut key = String::with_capacity(32);
    for byte in &digest {
        // Writing to a String cannot fail.
        write!(key, "{byte:02x}").ok();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_key_matches_the_known_digest() {
        // md5("123456789" + "crm-secret"), computed with coreutils' md5sum.
        assert_eq!(
            md5_key("123456789", "crm-secret"),
            "df2517860e80a265a9b2dc78fe7b0039"
        );
        assert_eq!(md5_key("", ""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn logins_carry_the_events_mask_and_never_both_secrets() {
        let settings = AmiSettings::new("pbx", 5038, "crm", "crm-secret");
        let md5 = login_md5(&settings, "42", "ringdesk-2");
        assert_eq!(md5.get("AuthType"), Some("md5"));
        assert_eq!(md5.get("Events"), Some("call,agent"));
        assert_eq!(md5.get("Secret"), None);
        let plain = login_plain(&settings, "ringdesk-2");
        assert_eq!(plain.get("Secret"), Some("crm-secret"));
        assert_eq!(plain.get("Events"), Some("call,agent"));
    }

    #[test]
    fn a_refused_challenge_has_no_challenge() {
        let refused =
            Message::from_pairs([("Response", "Error"), ("Message", "Must specify AuthType")]);
        assert_eq!(challenge_of(&refused), None);
        let given = Message::from_pairs([("Response", "Success"), ("Challenge", "840415273")]);
        assert_eq!(challenge_of(&given), Some("840415273"));
    }
}
