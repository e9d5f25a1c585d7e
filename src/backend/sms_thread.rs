//! The thread that sends text messages: it runs the outbox worker
//! ([`crate::sms::outbox`]) against the gateway the settings name, on its
//! own database connection and tokio runtime, and reopens the gateway when
//! the `[sms]` settings change.

use crate::config::Settings;

/// What the rest of the backend asks of the SMS thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SmsControl {
    /// A message was queued: look at the outbox now rather than at the
    /// next tick.
    Wake,
    /// The settings changed; the gateway is reopened when the `[sms]` ones did.
    Settings(Box<Settings>),
}
