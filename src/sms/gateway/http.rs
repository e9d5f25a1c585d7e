//! A provider's HTTPS JSON API as a gateway (`sms.gateway = "http"`,
//! settings in `[sms.http]`): each message is one `POST` of a JSON object
//! whose field names the settings give; the credit is one `GET`.
//!
//! Providers cannot call a desktop back, so delivery results are asked for:
//! a background task owned by the [`HttpProvider`] queries the result
//! address of every message the provider took (and of those handed over
//! with [`SmsGateway::follow`] after a restart), first after
//! `poll_interval_secs`, then twice as long each time the message is still
//! pending, at most `poll_max_interval_secs` apart. A final state becomes a
//! [`GatewayReport::Delivery`]; after `give_up_after_hours` the message is
//! dropped without a report and stays "sent". The task stops when the
//! provider is dropped or the report channel closes.
//!
//! One `reqwest::Client` is shared by sends, balance and result queries, so
//! the TLS connection to the provider is reused rather than set up per
//! message. The API key travels in a header marked sensitive and is never
//! logged; errors name the provider's host, never the full address (some
//! providers put the key in the query string).

mod mapping;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use tokio::sync::{Notify, mpsc};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, sleep_until};
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use super::{
    Accepted, Balance, BoxFuture, DeliveryOutcome, GatewayError, GatewayReport, Outgoing,
    SentMessage, SmsGateway,
};
use crate::config::HttpProviderSettings;

/// Result queries in flight at once: enough to follow a bulk send, few
/// enough not to look like an attack to the provider.
const PARALLEL_QUERIES: usize = 4;

/// When results are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollTiming {
    /// Wait before a message's first result query; doubles while pending.
    pub first: Duration,
    /// Longest wait between two queries about one message.
    pub longest: Duration,
    /// How long a message is followed before it is dropped without a report.
    pub give_up: Duration,
}

impl PollTiming {
    /// The timing `settings` ask for.
    #[must_use]
    pub fn from_settings(settings: &HttpProviderSettings) -> Self {
        Self {
            first: Duration::from_secs(settings.poll_interval_secs.into()),
            longest: Duration::from_secs(settings.poll_max_interval_secs.into()),
            give_up: Duration::from_secs(u64::from(settings.give_up_after_hours) * 3600),
        }
    }
}

/// The client and settings shared by the provider and its result task.
struct Api {
    client: reqwest::Client,
    settings: HttpProviderSettings,
}

/// Messages handed to the result task, and its doorbell.
#[derive(Default)]
struct Inbox {
    new: Mutex<Vec<SentMessage>>,
    ring: Notify,
}

impl Inbox {
    fn push(&self, sent: impl IntoIterator<Item = SentMessage>) {
        self.new
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(sent);
        // Stores a permit when the task is busy, so nothing waits unseen.
        self.ring.notify_one();
    }

    fn take(&self) -> Vec<SentMessage> {
        std::mem::take(&mut *self.new.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A provider's HTTPS JSON API; see the module docs.
pub struct HttpProvider {
    api: Arc<Api>,
    /// The result task's inbox; `None` when the provider gives no results.
    results: Option<(Arc<Inbox>, JoinHandle<()>)>,
}

impl std::fmt::Debug for HttpProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the settings: they hold the API key.
        f.debug_struct("HttpProvider")
            .field("send_url_host", &host(&self.api.settings.send_url))
            .field("follows_results", &self.results.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpProvider {
    /// A provider as `settings` describe it, asking for results at the
    /// pace they give; results go to `reports`. When `settings.status_url`
    /// is set, the result task starts here, in the current tokio runtime.
    ///
    /// # Errors
    /// [`GatewayError::Refused`] when the API key header cannot be sent as
    /// given, the HTTPS client cannot be set up, or results are to be asked
    /// for outside a tokio runtime.
    pub fn new(
        settings: &HttpProviderSettings,
        reports: mpsc::Sender<GatewayReport>,
    ) -> Result<Self, GatewayError> {
        Self::with_timing(settings, reports, PollTiming::from_settings(settings))
    }

    /// As [`HttpProvider::new`], asking for results at the pace of
    /// `timing` (tests ask within milliseconds).
    ///
    /// # Errors
    /// As [`HttpProvider::new`].
    pub fn with_timing(
        settings: &HttpProviderSettings,
        reports: mpsc::Sender<GatewayReport>,
        timing: PollTiming,
    ) -> Result<Self, GatewayError> {
        let api = Arc::new(Api {
            client: client(settings)?,
            settings: settings.clone(),
        });
        let results = if settings.status_url.is_empty() {
            None
        } else {
            let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
                GatewayError::Refused(
                    "the HTTP provider's result queries need a tokio runtime".to_owned(),
                )
            })?;
            let inbox = Arc::new(Inbox::default());
            let task = runtime.spawn(follow_results(
                Arc::clone(&api),
                Arc::clone(&inbox),
                reports,
                timing,
            ));
            Some((inbox, task))
        };
        Ok(Self { api, results })
    }
}

impl Drop for HttpProvider {
    fn drop(&mut self) {
        if let Some((_, task)) = &self.results {
            task.abort();
        }
    }
}

/// The shared client: rustls with the `ring` provider and the Mozilla
/// roots (as the PBX link uses), the API key as a default header, and the
/// timeout on connecting and on every whole request.
fn client(settings: &HttpProviderSettings) -> Result<reqwest::Client, GatewayError> {
    let setup = |what: &str, error: &dyn std::fmt::Display| {
        GatewayError::Refused(format!("sms.http: {what}: {error}"))
    };
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("ringdesk/", env!("CARGO_PKG_VERSION"))),
    );
    // An empty key is no key: an empty `Authorization` header would only
    // earn a more confusing refusal than none.
    if !settings.auth_header.is_empty() && !settings.auth_value.is_empty() {
        let name = HeaderName::from_bytes(settings.auth_header.as_bytes())
            .map_err(|error| setup("sms.http.auth_header is not a header name", &error))?;
        let mut value = HeaderValue::from_str(&settings.auth_value)
            .map_err(|error| setup("sms.http.auth_value cannot be sent in a header", &error))?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let tls = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|error| setup("TLS", &error))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let timeout = Duration::from_secs(settings.timeout_secs.into());
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .default_headers(headers)
        .connect_timeout(timeout)
        .timeout(timeout)
        // The API key must not follow a redirect to another host.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| setup("HTTPS client", &error))
}

/// The host of `url`, for messages that must not carry the whole address.
fn host(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "the provider".to_owned())
}

/// An error and its causes on one line (reqwest's own message names only
/// the step that failed, not why).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

impl Api {
    /// Sends one request and returns the status and body, or a transient
    /// error for a provider that could not be reached or did not answer
    /// in time.
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<(u16, String), GatewayError> {
        let unreachable = |error: reqwest::Error| {
            let host = host(url);
            let why = if error.is_timeout() {
                format!(
                    "no answer from {host} within {} s",
                    self.settings.timeout_secs
                )
            } else if error.is_connect() {
                format!("cannot connect to {host}")
            } else {
                format!("the exchange with {host} broke off")
            };
            // The causes say which (refused, DNS, TLS), without the address.
            let error = error.without_url();
            let reason = format!("{why}: {}", causes(&error));
            super::transport_error(&error, reason)
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(unreachable)?;
        Ok((status, body))
    }

    async fn send(&self, message: &Outgoing) -> Result<Accepted, GatewayError> {
        if message.picture.is_some() && self.settings.image_field.trim().is_empty() {
            // Posting the text alone would deliver a message without the
            // picture the agent attached.
            return Err(GatewayError::Refused(
                super::NoPictures::HttpWithoutField.to_string(),
            ));
        }
        let url = &self.settings.send_url;
        let body = mapping::request_body(&self.settings, message);
        tracing::debug!(uid = %message.uid, "posting a message to {}", host(url));
        let (status, answer) = self.call(self.client.post(url).json(&body), url).await?;
        let result = mapping::send_answer(&self.settings, status, &answer);
        tracing::debug!(uid = %message.uid, status, ?result, "the provider answered");
        result
    }

    async fn balance(&self) -> Result<Option<Balance>, GatewayError> {
        let url = &self.settings.balance_url;
        if url.is_empty() {
            return Ok(None);
        }
        let (status, answer) = self.call(self.client.get(url), url).await?;
        if !(200..300).contains(&status) {
            return Err(mapping::failure(&self.settings, status, &answer));
        }
        mapping::balance_answer(&self.settings, &answer).map(Some)
    }

    /// The state of one message at `url`; an error says why it is unknown.
    async fn status(&self, url: &str) -> Result<DeliveryOutcome, String> {
        let (status, answer) = self
            .call(self.client.get(url), url)
            .await
            .map_err(|error| error.reason().to_owned())?;
        if !(200..300).contains(&status) {
            return Err(mapping::failure(&self.settings, status, &answer)
                .reason()
                .to_owned());
        }
        mapping::status_answer(&self.settings, &answer)
    }
}

impl SmsGateway for HttpProvider {
    fn name(&self) -> &'static str {
        "HTTP"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>> {
        Box::pin(async move {
            let accepted = self.api.send(message).await?;
            self.follow(vec![SentMessage {
                uid: message.uid.clone(),
                gateway_ref: accepted.gateway_ref.clone(),
            }]);
            Ok(accepted)
        })
    }

    fn balance(&self) -> BoxFuture<'_, Result<Option<Balance>, GatewayError>> {
        Box::pin(self.api.balance())
    }

    // When a followed message was sent is not known here, so its
    // `give_up_after_hours` count from now: a message is asked about too
    // long rather than dropped too soon.
    fn follow(&self, sent: Vec<SentMessage>) {
        if let Some((inbox, _)) = &self.results {
            inbox.push(sent);
        }
    }

    fn reports_delivery(&self) -> bool {
        self.results.is_some()
    }

    fn deduplicates(&self) -> bool {
        // Only a provider told ringdesk's id can recognise a second try.
        !self.api.settings.reference_field.is_empty()
    }

    fn carries_pictures(&self) -> bool {
        !self.api.settings.image_field.trim().is_empty()
    }
}

/// One message whose result is awaited.
struct Watch {
    sent: SentMessage,
    url: String,
    since: Instant,
    next_at: Instant,
    wait: Duration,
}

/// The result task: asks for each followed message's state until it is
/// final or too old; see the module docs.
async fn follow_results(
    api: Arc<Api>,
    inbox: Arc<Inbox>,
    reports: mpsc::Sender<GatewayReport>,
    timing: PollTiming,
) {
    let mut watches: Vec<Watch> = Vec::new();
    loop {
        let now = Instant::now();
        for sent in inbox.take() {
            let Some(url) = mapping::status_url(&api.settings, &sent) else {
                tracing::warn!(
                    uid = %sent.uid,
                    "the provider gave no id for this message and sms.http.status_url needs {{ref}}; it stays \"sent\""
                );
                continue;
            };
            watches.push(Watch {
                sent,
                url,
                since: now,
                next_at: now + timing.first,
                wait: timing.first,
            });
        }
        match watches.iter().map(|watch| watch.next_at).min() {
            None => inbox.ring.notified().await,
            Some(next_at) if next_at > now => {
                tokio::select! {
                    () = sleep_until(next_at) => {}
                    () = inbox.ring.notified() => {}
                }
            }
            Some(_) => {}
        }
        let now = Instant::now();
        let (due, waiting): (Vec<Watch>, Vec<Watch>) =
            watches.into_iter().partition(|watch| watch.next_at <= now);
        watches = waiting;
        if due.is_empty() {
            continue;
        }
        let Some(unfinished) = ask(&api, due, &reports, timing).await else {
            tracing::debug!("the outbox stopped listening; no more result queries");
            return;
        };
        watches.extend(unfinished);
    }
}

/// Asks for the state of each message in `due`, a few at a time; sends the
/// final ones as reports and returns the rest, rescheduled. `None` when the
/// report channel has closed.
async fn ask(
    api: &Arc<Api>,
    due: Vec<Watch>,
    reports: &mpsc::Sender<GatewayReport>,
    timing: PollTiming,
) -> Option<Vec<Watch>> {
    let mut unfinished = Vec::new();
    let mut due = due.into_iter();
    let mut queries = JoinSet::new();
    loop {
        while queries.len() < PARALLEL_QUERIES {
            let Some(watch) = due.next() else { break };
            let api = Arc::clone(api);
            queries.spawn(async move {
                let state = api.status(&watch.url).await;
                (watch, state)
            });
        }
        let Some(joined) = queries.join_next().await else {
            return Some(unfinished);
        };
        let (mut watch, state) = match joined {
            Ok(done) => done,
            Err(error) => {
                tracing::error!("a result query stopped: {error:#}");
                continue;
            }
        };
        let outcome = match state {
            Ok(DeliveryOutcome::Pending) => None,
            Ok(outcome) => Some(outcome),
            Err(reason) => {
                tracing::warn!(uid = %watch.sent.uid, "asking for a result failed, will ask again: {reason}");
                None
            }
        };
        if let Some(outcome) = outcome {
            let report = GatewayReport::Delivery {
                uid: watch.sent.uid,
                gateway_ref: watch.sent.gateway_ref,
                outcome,
            };
            reports.send(report).await.ok()?;
            continue;
        }
        let now = Instant::now();
        if now.duration_since(watch.since) >= timing.give_up {
            tracing::warn!(
                uid = %watch.sent.uid,
                "no final result after {} h; the message stays \"sent\"",
                timing.give_up.as_secs() / 3600
            );
            continue;
        }
        watch.wait = (watch.wait * 2).min(timing.longest);
        watch.next_at = now + watch.wait;
        unfinished.push(watch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_comes_from_the_settings() {
        let settings = HttpProviderSettings::default();
        assert_eq!(
            PollTiming::from_settings(&settings),
            PollTiming {
                first: Duration::from_secs(10),
                longest: Duration::from_mins(10),
                give_up: Duration::from_hours(72),
            }
        );
    }

    #[tokio::test]
    async fn what_the_provider_promises_follows_the_settings() {
        let (reports, _) = mpsc::channel(1);
        let mut settings = HttpProviderSettings {
            send_url: "https://api.example.co.kr/send".to_owned(),
            auth_header: "X-API-KEY".to_owned(),
            auth_value: "secret-key".to_owned(),
            ..HttpProviderSettings::default()
        };
        let provider = HttpProvider::new(&settings, reports.clone()).unwrap();
        assert!(provider.deduplicates());
        assert!(!provider.reports_delivery());
        assert!(!format!("{provider:?}").contains("secret-key"));

        settings.reference_field = String::new();
        settings.status_url = "https://api.example.co.kr/result/{ref}".to_owned();
        let provider = HttpProvider::new(&settings, reports.clone()).unwrap();
        assert!(!provider.deduplicates());
        assert!(provider.reports_delivery());

        settings.auth_value = "line\nbreak".to_owned();
        assert!(matches!(
            HttpProvider::new(&settings, reports),
            Err(GatewayError::Refused(_))
        ));
    }

    #[test]
    fn following_results_needs_a_runtime() {
        let (reports, _) = mpsc::channel(1);
        let settings = HttpProviderSettings {
            send_url: "https://api.example.co.kr/send".to_owned(),
            status_url: "https://api.example.co.kr/result/{ref}".to_owned(),
            ..HttpProviderSettings::default()
        };
        assert!(matches!(
            HttpProvider::new(&settings, reports),
            Err(GatewayError::Refused(_))
        ));
    }

    #[test]
    fn errors_name_the_host_only() {
        assert_eq!(
            host("https://api.example.co.kr/send?key=secret"),
            "api.example.co.kr"
        );
        assert_eq!(host("not a url"), "the provider");
    }
}
