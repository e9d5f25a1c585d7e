//! Which phone or trunk a channel belongs to, from its name alone.
//!
//! A PBX names a channel `<technology>/<endpoint>-<sequence>`
//! (`PJSIP/1001-00000001`, `SIP/1001-0000abcd`, `IAX2/1001-123`) and a local
//! channel `Local/<extension>@<context>-<sequence>;<1 or 2>`. The tracker
//! matches the endpoint against the agent's extension for every event on the
//! link, so these functions only slice the name: no allocation, no parsing
//! beyond finding a few bytes.

/// The endpoint a channel belongs to: `1001` for `PJSIP/1001-00000001`,
/// `trunk` for `PJSIP/trunk-00000008`, `1001` for
/// `Local/1001@agents-00000000;2`. A name without a sequence
/// (`PJSIP/1001`, a dial string) gives all of it after the technology; a
/// name without a technology gives "".
#[must_use]
pub fn endpoint(channel: &str) -> &str {
    let Some((technology, rest)) = channel.split_once('/') else {
        return "";
    };
    if technology.eq_ignore_ascii_case("Local")
        && let Some((extension, _)) = rest.split_once('@')
    {
        return extension;
    }
    // The sequence follows the last '-': endpoint names may hold '-' themselves
    // (`PJSIP/kt-trunk-0000000c`).
    rest.rsplit_once('-').map_or(rest, |(endpoint, _)| endpoint)
}

/// True for a channel of `extension`, whatever its technology. An empty
/// extension matches nothing.
#[must_use]
pub fn belongs_to(channel: &str, extension: &str) -> bool {
    !extension.is_empty() && endpoint(channel) == extension
}

/// True for a local channel (`Local/…;1` or `;2`): the PBX's own plumbing
/// (queue members, ring groups), not a phone or a trunk.
#[must_use]
pub fn is_local(channel: &str) -> bool {
    channel
        .get(..6)
        .is_some_and(|technology| technology.eq_ignore_ascii_case("Local/"))
}

/// Shortest and longest extension numbers: office extensions are 2 to 6
/// digits, while outside numbers (Korean ones included, even 114 and 1588
/// numbers arrive from trunks) come from endpoints named after the carrier.
const EXTENSION_DIGITS: std::ops::RangeInclusive<usize> = 2..=6;

/// True for an endpoint named like an office extension (2 to 6 digits, e.g.
/// `1002`), as opposed to a trunk (`trunk`, `kt-sip`) or an analog port
/// (`1` on `DAHDI/1-1`). This is how a call between two extensions is told
/// from one with the outside world.
#[must_use]
pub fn looks_like_extension(endpoint: &str) -> bool {
    EXTENSION_DIGITS.contains(&endpoint.len()) && endpoint.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("PJSIP/1001-00000001", "1001")]
    #[case("SIP/1001-0000abcd", "1001")]
    #[case("IAX2/1001-123", "1001")]
    #[case("Local/1001@agents-00000000;1", "1001")]
    #[case("Local/1001@agents-00000000;2", "1001")]
    #[case("local/1001@agents-00000000;2", "1001")]
    #[case("PJSIP/trunk-00000008", "trunk")]
    #[case("PJSIP/kt-trunk-0000000c", "kt-trunk")]
    #[case("PJSIP/1001", "1001")]
    #[case("DAHDI/1-1", "1")]
    #[case("Local/1001-00000000;1", "1001")]
    #[case("nonsense", "")]
    #[case("", "")]
    fn endpoints(#[case] channel: &str, #[case] expected: &str) {
        assert_eq!(endpoint(channel), expected);
    }

    #[test]
    fn belongs_to_the_extension_only() {
        assert!(belongs_to("PJSIP/1001-00000001", "1001"));
        assert!(belongs_to("Local/1001@agents-00000001;2", "1001"));
        assert!(!belongs_to("PJSIP/10011-00000001", "1001"));
        assert!(!belongs_to("PJSIP/100-00000001", "1001"));
        assert!(!belongs_to("PJSIP/1002-0000000a", "1001"));
        assert!(!belongs_to("PJSIP/-00000001", ""));
    }

    #[test]
    fn local_channels_and_extension_names() {
        assert!(is_local("Local/1001@agents-00000001;1"));
        assert!(!is_local("PJSIP/1001-00000001"));
        assert!(!is_local("Loc"));
        assert!(looks_like_extension("1002"));
        assert!(!looks_like_extension("trunk"));
        assert!(!looks_like_extension("1"));
        assert!(!looks_like_extension("01012345678"));
    }
}
