//! Why a link to the PBX ended or could not be made. The text is what the
//! status bar shows next to "retrying in N s", so it names the fix where
//! one is known.

use std::io;
use std::time::Duration;

/// A link to the PBX failed; the client reconnects after a backoff.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// TCP connect failed (refused, no route, unknown host).
    #[error("could not connect to {target}: {source}")]
    Connect {
        /// `host:port`.
        target: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// TCP or TLS connect took longer than the connect timeout.
    #[error("no answer from {target} within {:.1} s (is the host and AMI port right?)", .timeout.as_secs_f64())]
    ConnectTimeout {
        /// `host:port`.
        target: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// The TLS settings could not be used (bad extra root certificate, bad host name).
    #[error("TLS cannot be set up: {0}")]
    TlsSetup(String),
    /// The TLS handshake failed (often: the PBX's certificate is not trusted).
    #[error("TLS handshake with {target} failed: {source}")]
    TlsHandshake {
        /// `host:port`.
        target: String,
        /// What rustls said.
        source: io::Error,
    },
    /// The PBX sent no `Asterisk Call Manager/…` greeting.
    #[error("{target} sent no AMI greeting within {:.1} s (is this Asterisk's manager port?)", .timeout.as_secs_f64())]
    NoGreeting {
        /// `host:port`.
        target: String,
        /// How long the client waited.
        timeout: Duration,
    },
    /// The PBX closed the connection.
    #[error("the PBX closed the connection")]
    Closed,
    /// Reading from or writing to the socket failed.
    #[error("the connection to the PBX broke: {0}")]
    Io(#[from] io::Error),
    /// An action went unanswered: the link or the PBX is stuck.
    #[error("the PBX did not answer {action} within {:.1} s", .timeout.as_secs_f64())]
    NoAnswer {
        /// The action's name.
        action: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// Nothing at all arrived for a while, not even a Ping's reply.
    #[error("nothing heard from the PBX for {:.1} s", .silence.as_secs_f64())]
    Silent {
        /// How long it was quiet.
        silence: Duration,
    },
}
