//! What the AMI client needs to know: where the PBX is, who to log in as,
//! which events to keep, and the timings of its keep-alive and reconnects.
//!
//! [`AmiSettings::new`] gives the defaults a call-centre PBX wants; tests
//! shorten the timings.

use std::fmt;
use std::time::Duration;

use super::codec::DEFAULT_MAX_FRAME;

/// AMI's plain TCP port.
pub const DEFAULT_PORT: u16 = 5038;

/// The event classes ringdesk asks for at login. `call` carries the channel
/// events and `OriginateResponse`, `agent` the queue events; everything else
/// (`dialplan`'s `VarSet`/`Newexten`, `cdr`, `reporting`'s RTCP) is dozens of
/// frames per call that ringdesk never reads.
pub const DEFAULT_EVENTS_MASK: &str = "call,agent";

/// The events the client hands on. Anything else is dropped right after it
/// is decoded, so the noise a wide `read=` permission lets through (54
/// `VarSet` events for one simple call) costs no channel slot.
pub const DEFAULT_WANTED_EVENTS: &[&str] = &[
    "Newchannel",
    "Newstate",
    "NewCallerid",
    "NewConnectedLine",
    "DialBegin",
    "DialEnd",
    "BridgeEnter",
    "BridgeLeave",
    "Hangup",
    "AgentCalled",
    "AgentConnect",
    "QueueCallerAbandon",
];

/// How to reach and use one Asterisk manager account.
#[derive(Clone, PartialEq, Eq)]
pub struct AmiSettings {
    /// The PBX's host name or address.
    pub host: String,
    /// Its AMI port (5038 plain, often 5039 for TLS).
    pub port: u16,
    /// Speak TLS (manager.conf `[general] tlsenable=yes`).
    pub tls: bool,
    /// The manager user (`[crm]` in manager.conf).
    pub user: String,
    /// Its secret; never logged.
    pub secret: String,
    /// The `Events:` mask sent at login, e.g. `call,agent`.
    pub events_mask: String,
    /// The event names handed on; the rest are dropped after decoding.
    pub wanted: &'static [&'static str],
    /// The channel technology of the agent's phone for click-to-call
    /// (`Channel: PJSIP/1001`).
    pub channel_tech: String,
    /// The dialplan context the dialled number runs in after the agent answers.
    pub originate_context: String,
    /// How long the agent's phone rings for a click-to-call (`Timeout:`).
    pub originate_timeout: Duration,
    /// How often the link is checked with `Ping`.
    pub ping_every: Duration,
    /// How long one TCP (and TLS) connect may take.
    pub connect_timeout: Duration,
    /// How long the PBX may take to answer an action before the link counts as dead.
    pub action_timeout: Duration,
    /// The first wait before reconnecting.
    pub backoff_min: Duration,
    /// The longest wait before reconnecting.
    pub backoff_max: Duration,
    /// Frames over this many bytes are skipped.
    pub max_frame: usize,
    /// A PEM certificate (or several) trusted besides the public roots: a
    /// PBX's self-signed certificate, or the company's own CA.
    pub extra_root_cert: Option<Vec<u8>>,
}

impl AmiSettings {
    /// Settings for `user` on `host:port` over plain TCP, with the defaults:
    /// `call,agent` events, PJSIP phones, context `from-internal`, a 30 s
    /// ring, a ping every 20 s, 5 s to connect or answer, reconnects 1 s to 60 s apart.
    #[must_use]
    pub fn new(
        host: impl Into<String>,
        port: u16,
        user: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            tls: false,
            user: user.into(),
            secret: secret.into(),
            events_mask: DEFAULT_EVENTS_MASK.to_owned(),
            wanted: DEFAULT_WANTED_EVENTS,
            channel_tech: "PJSIP".to_owned(),
            originate_context: "from-internal".to_owned(),
            originate_timeout: Duration::from_secs(30),
            ping_every: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            action_timeout: Duration::from_secs(5),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_mins(1),
            max_frame: DEFAULT_MAX_FRAME,
            extra_root_cert: None,
        }
    }

    /// True when `event` is one the client hands on.
    #[must_use]
    pub fn wants(&self, event: &str) -> bool {
        self.wanted
            .iter()
            .any(|wanted| wanted.eq_ignore_ascii_case(event))
    }
}

// By hand, so the secret never reaches a log line.
impl fmt::Debug for AmiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AmiSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("secret", &"…")
            .field("events_mask", &self.events_mask)
            .field("wanted", &self.wanted)
            .field("channel_tech", &self.channel_tech)
            .field("originate_context", &self.originate_context)
            .field("originate_timeout", &self.originate_timeout)
            .field("ping_every", &self.ping_every)
            .field("connect_timeout", &self.connect_timeout)
            .field("action_timeout", &self.action_timeout)
            .field("backoff_min", &self.backoff_min)
            .field("backoff_max", &self.backoff_max)
            .field("max_frame", &self.max_frame)
            .field(
                "extra_root_cert",
                &self.extra_root_cert.as_ref().map(Vec::len),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let settings = AmiSettings::new("pbx", DEFAULT_PORT, "crm", "s3cret-value");
        let text = format!("{settings:?}");
        assert!(!text.contains("s3cret-value"), "{text}");
        assert!(text.contains("crm"));
    }

    #[test]
    fn wanted_events_compare_without_case() {
        let settings = AmiSettings::new("pbx", DEFAULT_PORT, "crm", "x");
        assert!(settings.wants("DialBegin"));
        assert!(settings.wants("dialbegin"));
        assert!(!settings.wants("VarSet"));
    }
}
