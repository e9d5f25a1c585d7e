//! Where messages leave ringdesk: the [`SmsGateway`] trait every gateway
//! implements, and [`open`], which builds the one the settings name.
//!
//! A gateway hands one message over ([`SmsGateway::send`]) and says whether
//! it took it. What happens afterwards — the delivery report, and messages
//! customers send back — arrives later and out of order on the
//! [`GatewayReport`] channel given to [`open`]; each report names the
//! message by the unique id ringdesk gave it ([`Outgoing::uid`]), never by
//! the gateway's own id, so a report matches even when the gateway's answer
//! to the send itself was lost.
//!
//! The outbox worker (see [`crate::sms`]) owns the order of things: it
//! stores a message before it calls [`SmsGateway::send`], records the
//! answer, and applies the reports.

pub mod dry_run;
pub mod http;
pub mod kannel;
pub mod listener;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::{GatewayKind, SmsSettings};
use crate::domain::{MessageKind, Picture, Timestamp};

pub use dry_run::DryRun;
pub use http::HttpProvider;
pub use kannel::Kannel;

/// A future a gateway returns; boxed so the trait can be used as `dyn`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One message as a gateway sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// ringdesk's id for the message, unique across databases; every report
    /// about the message carries it back.
    pub uid: String,
    /// The recipient: E.164 (`+821012345678`) for a verified number, the
    /// digits as stored otherwise.
    pub to: String,
    /// The registered sender number, in the same form.
    pub from: String,
    /// SMS, LMS or MMS.
    pub kind: MessageKind,
    /// The LMS/MMS subject; empty for an SMS.
    pub subject: String,
    /// The text, exactly as it must arrive.
    pub body: String,
    /// The JPEG of an MMS. Only a gateway that [`SmsGateway::carries_pictures`]
    /// is given one; any other refuses the message rather than drop it.
    pub picture: Option<Picture>,
}

/// The gateway took the message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Accepted {
    /// The gateway's own id for it, when it gives one.
    pub gateway_ref: Option<String>,
}

/// Why the gateway did not take a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The gateway could not be reached or is overloaded (connection
    /// refused, timeout, HTTP 5xx or 429): the same message may succeed later.
    #[error("{0}")]
    Transient(String),
    /// The message went out but no answer came back: the connection broke
    /// off or timed out after the request was written. The gateway may or
    /// may not have taken it, so handing it over again may send it twice.
    #[error("{0}")]
    Unanswered(String),
    /// The gateway refused this message for a reason that sending it again
    /// does not change (wrong credentials, a number it will not send to):
    /// the gateway's own words.
    #[error("{0}")]
    Refused(String),
}

impl GatewayError {
    /// Whether trying the same message again may succeed and cannot send
    /// it twice.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }

    /// The reason, for the message log.
    #[must_use]
    pub fn reason(&self) -> &str {
        match self {
            Self::Transient(reason) | Self::Unanswered(reason) | Self::Refused(reason) => reason,
        }
    }
}

/// A failed HTTP exchange with a gateway, as `reason` words it: nothing went
/// out when no connection was made (refused, DNS, TLS) — a passing
/// failure; once connected, the request may have been read before the
/// exchange broke off or timed out, so the message may have been taken.
fn transport_error(error: &reqwest::Error, reason: String) -> GatewayError {
    if error.is_connect() {
        GatewayError::Transient(reason)
    } else {
        GatewayError::Unanswered(reason)
    }
}

/// How a message ended, as its delivery report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The phone got it.
    Delivered,
    /// The network gave up on it; the reason as reported.
    Failed(String),
    /// Still on its way (buffered at the carrier); nothing to record yet.
    Pending,
}

/// A message a customer sent to one of the company's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// The customer's number as the gateway gave it.
    pub from: String,
    /// The company number it was sent to.
    pub to: String,
    /// The text, decoded.
    pub body: String,
    /// The gateway's id for it, when it gives one (to recognise a repeat).
    pub gateway_ref: Option<String>,
    /// When the gateway received it.
    pub received_at: Timestamp,
}

/// News from a gateway after the send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayReport {
    /// A delivery report.
    Delivery {
        /// The message, by [`Outgoing::uid`].
        uid: String,
        /// The gateway's id for the message, when the report gives it.
        gateway_ref: Option<String>,
        /// What happened.
        outcome: DeliveryOutcome,
    },
    /// A message from a customer.
    Inbound(Inbound),
}

/// A message the gateway has taken and whose delivery report is awaited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// ringdesk's id for it ([`Outgoing::uid`]).
    pub uid: String,
    /// The gateway's id for it, if the gateway gave one.
    pub gateway_ref: Option<String>,
}

/// The credit left with a provider (잔여건수).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// How many more SMS the credit pays for.
    pub messages: u64,
}

/// A way out for messages.
pub trait SmsGateway: Send + Sync + 'static {
    /// Its name in logs and the status bar (`Kannel`, `dry-run`).
    fn name(&self) -> &'static str;

    /// Hands one message over and returns once the gateway has answered.
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>>;

    /// The credit left, for gateways that sell it; `None` for those that
    /// do not (Kannel, dry-run).
    fn balance(&self) -> BoxFuture<'_, Result<Option<Balance>, GatewayError>> {
        Box::pin(async { Ok(None) })
    }

    /// Asks for the delivery reports of messages the gateway took before
    /// this gateway was opened (ringdesk restarted while they were on their
    /// way). Gateways that push their reports need nothing (the default);
    /// those whose reports must be asked for (a provider's result query)
    /// start asking for these too.
    fn follow(&self, _sent: Vec<SentMessage>) {}

    /// Whether a delivery report follows each message that was taken. When
    /// false, a taken message stays "sent".
    fn reports_delivery(&self) -> bool;

    /// Whether the gateway reports, on its own and by [`Outgoing::uid`],
    /// every message it has taken — also one whose answer to the hand-over
    /// was lost — soon after taking it. Only then may such a message wait
    /// for that report instead of being given up as unknown (see the
    /// outbox's crash policy). False by default: reports that must be asked
    /// for come only for messages known to be taken.
    fn reports_taken_by_uid(&self) -> bool {
        false
    }

    /// Whether handing the same message (same [`Outgoing::uid`]) over twice
    /// sends it only once. Only such a gateway may be given a message again
    /// when ringdesk stopped before it heard the answer to the first try.
    fn deduplicates(&self) -> bool;

    /// Whether it sends an MMS's picture ([`Outgoing::picture`]); a gateway
    /// that does not say so is taken not to. Always the answer
    /// [`pictures_allowed`] gives for the settings it was opened with, so
    /// the composer can tell before anything is opened.
    fn carries_pictures(&self) -> bool {
        false
    }
}

/// Why the configured gateway cannot send a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoPictures {
    /// Kannel's sendsms interface carries text only.
    #[error(
        "Kannel (sms.gateway = \"kannel\") cannot send pictures: its sendsms interface carries \
         text only; remove the picture, or send through an HTTP provider that takes pictures \
         (sms.gateway = \"http\" with sms.http.image_field set)"
    )]
    Kannel,
    /// The HTTP provider has no request field for a picture.
    #[error(
        "the HTTP provider is not set up for pictures: set sms.http.image_field to the request \
         field your provider takes the JPEG in (base64), or remove the picture"
    )]
    HttpWithoutField,
}

/// Whether the gateway `settings` name sends pictures, known from the
/// settings alone (the composer asks on every keystroke): dry-run takes
/// everything, Kannel never, an HTTP provider once `sms.http.image_field`
/// names the field for the JPEG.
///
/// # Errors
/// Which gateway cannot, and what would let it.
pub fn pictures_allowed(settings: &SmsSettings) -> Result<(), NoPictures> {
    match settings.gateway {
        GatewayKind::Kannel => Err(NoPictures::Kannel),
        GatewayKind::Http if settings.http.image_field.trim().is_empty() => {
            Err(NoPictures::HttpWithoutField)
        }
        GatewayKind::DryRun | GatewayKind::Http => Ok(()),
    }
}

/// Builds the gateway `settings` name and starts whatever it needs to
/// receive reports (Kannel's callback listener); reports go to `reports`
/// until the gateway is dropped. Must be called inside a tokio runtime.
///
/// # Errors
/// When the gateway cannot start (the report listener's port is taken, an
/// address in the settings is not one).
#[allow(clippy::unused_async)] // Gateways that must log in first will await here.
pub async fn open(
    settings: &SmsSettings,
    reports: mpsc::Sender<GatewayReport>,
) -> Result<Arc<dyn SmsGateway>, GatewayError> {
    match settings.gateway {
        GatewayKind::DryRun => Ok(Arc::new(DryRun::new(reports))),
        GatewayKind::Kannel => Ok(Arc::new(Kannel::open(&settings.kannel, reports)?)),
        GatewayKind::Http => Ok(Arc::new(HttpProvider::new(&settings.http, reports)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KannelSettings;

    #[tokio::test]
    async fn opens_the_gateway_the_settings_name() {
        let (sender, _reports) = mpsc::channel(1);
        let mut settings = SmsSettings::default();
        let gateway = open(&settings, sender.clone()).await.unwrap();
        assert_eq!(gateway.name(), "dry-run");
        assert!(gateway.carries_pictures());

        settings.gateway = GatewayKind::Kannel;
        settings.kannel = KannelSettings {
            dlr_port: 0,
            ..KannelSettings::default()
        };
        let gateway = open(&settings, sender).await.unwrap();
        assert_eq!(gateway.name(), "Kannel");
        assert!(gateway.reports_delivery());
        assert!(!gateway.deduplicates());
        assert!(!gateway.carries_pictures());
        assert_eq!(gateway.balance().await, Ok(None));
    }

    #[tokio::test]
    async fn the_settings_say_what_the_opened_gateway_carries() {
        let (sender, _reports) = mpsc::channel(1);
        let mut settings = SmsSettings::default();
        settings.kannel.dlr_port = 0;
        settings.http.send_url = "http://127.0.0.1:9/send".to_owned();
        for (kind, image_field, allowed) in [
            (GatewayKind::DryRun, "", Ok(())),
            (GatewayKind::Kannel, "image", Err(NoPictures::Kannel)),
            (GatewayKind::Http, "", Err(NoPictures::HttpWithoutField)),
            (GatewayKind::Http, " ", Err(NoPictures::HttpWithoutField)),
            (GatewayKind::Http, "image", Ok(())),
        ] {
            settings.gateway = kind;
            image_field.clone_into(&mut settings.http.image_field);
            assert_eq!(
                pictures_allowed(&settings),
                allowed,
                "{kind:?} {image_field:?}"
            );
            let gateway = open(&settings, sender.clone()).await.unwrap();
            assert_eq!(gateway.carries_pictures(), allowed.is_ok(), "{kind:?}");
        }
    }
}
