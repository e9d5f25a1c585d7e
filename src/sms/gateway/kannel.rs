//! The Kannel gateway: messages go to smsbox's sendsms interface (one HTTP
//! GET each, over a pool of kept-alive connections), and Kannel calls back
//! ringdesk's [`Listener`] with delivery reports and customers' messages.
//!
//! Kannel's answers, as seen from Kannel 1.4.5 (`/work/shared/notes/kannel.md`):
//! 202 `0: Accepted for delivery` or `3: Queued for later delivery` (the SMS
//! centre is not connected; bearerbox keeps it in its store) mean taken; a
//! 4xx carries Kannel's reason (`Authorization failed for sendsms`), which
//! sending again does not change; no answer at all, or a 5xx, may pass.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto::ring::default_provider};
use tracing::debug;

use super::listener::{DLR_MASK, Listener};
use super::{Accepted, BoxFuture, GatewayError, GatewayReport, Outgoing, SmsGateway};
use crate::config::KannelSettings;
use crate::sms::text::{Alphabet, Segments};

/// How long to wait for smsbox to take a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole sendsms request may take; smsbox answers as soon as
/// bearerbox has the message, so this only trips when Kannel is stuck.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Kept-alive connections to smsbox; more than the outbox ever has in flight.
const IDLE_CONNECTIONS: usize = 32;

/// Sends through Kannel's smsbox and listens for its callbacks.
pub struct Kannel {
    client: reqwest::Client,
    sendsms_url: String,
    username: String,
    password: String,
    listener: Listener,
}

impl Kannel {
    /// Starts the callback listener on `settings.dlr_port` and prepares the
    /// connection pool. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`GatewayError::Refused`] naming `sms.kannel.dlr_port` when the port
    /// cannot be listened on, or `sms.kannel.sendsms_url` when it is not an
    /// http(s) address.
    pub fn open(
        settings: &KannelSettings,
        reports: mpsc::Sender<GatewayReport>,
    ) -> Result<Self, GatewayError> {
        let url = reqwest::Url::parse(&settings.sendsms_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| {
                GatewayError::Refused(format!(
                    "sms.kannel.sendsms_url: '{}' is not an http:// or https:// address",
                    settings.sendsms_url
                ))
            })?;
        let client = client().map_err(|error| {
            GatewayError::Refused(format!("cannot prepare HTTP connections: {error:#}"))
        })?;
        let listener = Listener::bind(settings.dlr_port, reports).map_err(|error| {
            GatewayError::Refused(format!(
                "sms.kannel.dlr_port: cannot listen on 127.0.0.1:{} for Kannel's reports ({error}); \
                 another program (or another ringdesk) uses it: choose another port here and in \
                 kannel.conf",
                settings.dlr_port
            ))
        })?;
        Ok(Self {
            client,
            sendsms_url: url.into(),
            username: settings.username.clone(),
            password: settings.password.clone(),
            listener,
        })
    }

    /// The port the callback listener took (useful when 0 was asked for).
    #[must_use]
    pub fn listener_port(&self) -> u16 {
        self.listener.port()
    }

    async fn send_one(&self, message: &Outgoing) -> Result<Accepted, GatewayError> {
        if message.picture.is_some() {
            // sendsms has no parameter for one: sending the text alone would
            // bill and deliver a message the agent did not write.
            return Err(GatewayError::Refused(super::NoPictures::Kannel.to_string()));
        }
        if message.body.is_empty() {
            // Kannel takes a sendsms without text and delivers an empty SMS.
            return Err(GatewayError::Refused("the message has no text".to_owned()));
        }
        let dlr_url = self.listener.dlr_url(&message.uid);
        let dlr_mask = DLR_MASK.to_string();
        // Kannel has no subject: SMPP carries none. The subject is not sent,
        // rather than put before the body, because the body is the text
        // exactly as the agent saw it and as its bytes were counted for
        // SMS/LMS; a subject line would make it longer than that.
        let mut query: Vec<(&str, &str)> = vec![
            ("username", &self.username),
            ("password", &self.password),
            ("from", &message.from),
            ("to", &message.to),
            ("text", &message.body),
            // The text is UTF-8 whatever the coding; Kannel converts it.
            ("charset", "UTF-8"),
            ("dlr-mask", &dlr_mask),
            ("dlr-url", &dlr_url),
        ];
        if needs_ucs2(&message.body) {
            // Without coding=2 Kannel answers 202 and delivers every Hangul
            // syllable as '?'.
            query.push(("coding", "2"));
        }
        let answer = self
            .client
            .get(&self.sendsms_url)
            .query(&query)
            .send()
            .await
            .map_err(|error| unreachable(&self.sendsms_url, error))?;
        let status = answer.status().as_u16();
        // The status decides; the words only explain a refusal, so an
        // answer cut off after its status still counts.
        let text = answer.text().await.unwrap_or_default();
        let result = answer_to_result(status, &text);
        debug!(
            "Kannel answered {status} {:?} to message {}",
            text.trim(),
            message.uid
        );
        result
    }
}

impl std::fmt::Debug for Kannel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the password: gateways end up in logs.
        formatter
            .debug_struct("Kannel")
            .field("sendsms_url", &self.sendsms_url)
            .field("username", &self.username)
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

impl SmsGateway for Kannel {
    fn name(&self) -> &'static str {
        "Kannel"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>> {
        Box::pin(self.send_one(message))
    }

    fn reports_delivery(&self) -> bool {
        true
    }

    fn reports_taken_by_uid(&self) -> bool {
        // The dlr-url carries the uid, and dlr-mask 8 makes Kannel call it
        // as soon as the SMS centre takes the message, from its store too.
        true
    }

    fn deduplicates(&self) -> bool {
        // sendsms has no message id of the caller's: the same GET twice is
        // two messages.
        false
    }
}

/// The HTTP client: kept-alive connections reused across sends, rustls with
/// the ring provider the PBX link already uses (no second crypto library),
/// and Mozilla's roots for an https sendsms address.
pub(super) fn client() -> Result<reqwest::Client, Box<dyn std::error::Error + Send + Sync>> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = ClientConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        // Kannel runs in the office network; a desktop's HTTP_PROXY meant
        // for the web would otherwise carry customers' texts through it.
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(IDLE_CONNECTIONS)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()?)
}

/// Whether `text` needs UCS-2: some character is outside GSM 03.38's
/// default alphabet. The same rule as the composer's count
/// ([`Segments::of`]), so a message goes in the alphabet it was counted in.
/// Kannel turns such characters into '?' under the default coding.
fn needs_ucs2(text: &str) -> bool {
    Segments::of(text).alphabet == Alphabet::Ucs2
}

/// A transport failure: Kannel could not be reached or did not answer.
fn unreachable(url: &str, error: reqwest::Error) -> GatewayError {
    // reqwest's messages name the whole URL, password and text included;
    // the reason goes into the message log.
    let error = error.without_url();
    let mut reason = format!("Kannel at {url} did not answer");
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    // reqwest's own message is only "error sending request"; the cause
    // (connection refused, timed out) is further down the chain.
    while let Some(error) = source {
        reason.push_str(": ");
        reason.push_str(&error.to_string());
        source = error.source();
    }
    super::transport_error(&error, reason)
}

/// What Kannel's answer means. 202 is smsbox's "taken" (200 too, from a
/// proxy in front of it); 5xx and 429 may pass; any other refusal carries
/// Kannel's reason in the body, which stays true however often it is asked.
fn answer_to_result(status: u16, body: &str) -> Result<Accepted, GatewayError> {
    let words = body.trim();
    let reason = if words.is_empty() {
        format!("Kannel answered HTTP {status}")
    } else {
        words.to_owned()
    };
    match status {
        200 | 202 => Ok(Accepted { gateway_ref: None }),
        429 | 500..=599 => Err(GatewayError::Transient(reason)),
        _ => Err(GatewayError::Refused(reason)),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("Hello, your order #12 ships today.\n", false)]
    #[case("Hé £5 Åse ¿Qué? {x} ~^|\\ €", false)]
    #[case("안녕하세요", true)]
    #[case("a`b", true)]
    #[case("tab\there", true)]
    fn ucs2_only_when_gsm_cannot_carry_it(#[case] text: &str, #[case] ucs2: bool) {
        assert_eq!(needs_ucs2(text), ucs2);
    }

    #[rstest]
    #[case(202, "0: Accepted for delivery", Ok(Accepted { gateway_ref: None }))]
    #[case(202, "3: Queued for later delivery", Ok(Accepted { gateway_ref: None }))]
    #[case(403, "Authorization failed for sendsms", Err(GatewayError::Refused("Authorization failed for sendsms".to_owned())))]
    #[case(400, "Missing receiver number, rejected\n", Err(GatewayError::Refused("Missing receiver number, rejected".to_owned())))]
    #[case(503, "", Err(GatewayError::Transient("Kannel answered HTTP 503".to_owned())))]
    #[case(429, "slow down", Err(GatewayError::Transient("slow down".to_owned())))]
    #[case(404, "", Err(GatewayError::Refused("Kannel answered HTTP 404".to_owned())))]
    fn answers_map_to_results(
        #[case] status: u16,
        #[case] body: &str,
        #[case] expected: Result<Accepted, GatewayError>,
    ) {
        assert_eq!(answer_to_result(status, body), expected);
    }

    fn settings(url: &str, dlr_port: u16) -> KannelSettings {
        KannelSettings {
            sendsms_url: url.to_owned(),
            username: "u".to_owned(),
            password: "s3cret".to_owned(),
            dlr_port,
        }
    }

    #[tokio::test]
    async fn a_taken_port_is_named_in_the_error() {
        let (sender, _reports) = mpsc::channel(1);
        let first = Kannel::open(&settings("http://127.0.0.1:9/", 0), sender.clone()).unwrap();
        let error = Kannel::open(
            &settings("http://127.0.0.1:9/", first.listener_port()),
            sender.clone(),
        )
        .unwrap_err();
        assert!(!error.is_transient());
        assert!(error.reason().starts_with("sms.kannel.dlr_port"), "{error}");
        let error = Kannel::open(&settings("127.0.0.1:13013", 0), sender).unwrap_err();
        assert!(
            error.reason().starts_with("sms.kannel.sendsms_url"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn nobody_listening_is_transient_and_empty_text_is_refused() {
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (sender, _reports) = mpsc::channel(1);
        let kannel = Kannel::open(
            &settings(&format!("http://127.0.0.1:{port}/cgi-bin/sendsms"), 0),
            sender,
        )
        .unwrap();
        let mut message = Outgoing {
            uid: "m-1".to_owned(),
            to: "+821012345678".to_owned(),
            from: "+8215881234".to_owned(),
            kind: crate::domain::MessageKind::Sms,
            subject: String::new(),
            body: "안녕".to_owned(),
            picture: None,
        };
        let error = kannel.send(&message).await.unwrap_err();
        assert!(error.is_transient(), "{error}");
        assert!(error.reason().contains("onnection refused"), "{error}");
        for secret in ["s3cret", "%EC%95%88"] {
            assert!(!error.reason().contains(secret), "{error}");
        }
        assert!(!format!("{kannel:?}").contains("s3cret"));
        message.picture = Some(crate::domain::Picture::new(vec![0xFF, 0xD8, 0xFF]));
        let refused = kannel.send(&message).await.unwrap_err();
        assert!(!refused.is_transient() && refused.reason().contains("cannot send pictures"));
        message.picture = None;
        message.body.clear();
        assert_eq!(
            kannel.send(&message).await,
            Err(GatewayError::Refused("the message has no text".to_owned()))
        );
    }
}
