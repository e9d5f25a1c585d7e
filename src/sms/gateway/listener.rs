//! The small HTTP server Kannel calls back: delivery reports (the `dlr-url`
//! ringdesk gives with each message) and messages customers send (the
//! sms-service `get-url` in kannel.conf). Each callback becomes a
//! [`GatewayReport`] on the gateway's report channel.
//!
//! It listens on 127.0.0.1 only: the callbacks carry customers' numbers and
//! texts and nothing authenticates them, so they must come from the same
//! machine (an smsbox elsewhere reaches it through a tunnel or a local
//! smsbox). It serves until it is dropped. A callback it cannot read gets
//! 400 and a debug log line; nothing a caller sends can stop it.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode, utf8_percent_encode};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};
use tracing::{debug, warn};

use super::{DeliveryOutcome, GatewayReport, Inbound};
use crate::domain::Timestamp;

/// Where delivery reports arrive.
const DLR_PATH: &str = "/dlr";
/// Where inbound messages arrive.
const MO_PATH: &str = "/mo";
/// smsbox keeps hundreds of connections to the report receiver open at
/// once; with the usual backlog of 128 (or Python's 5) callbacks stall for
/// tens of seconds under load (`../shared/notes/kannel.md`, "Delivery reports").
const BACKLOG: u32 = 1024;

/// Kannel's delivery report types (`%d`), from the Kannel user guide's
/// `dlr-mask` table.
const DLR_DELIVERED: u32 = 1;
const DLR_FAILED: u32 = 2;
const DLR_BUFFERED: u32 = 4;
const DLR_SMSC_ACK: u32 = 8;
const DLR_SMSC_REJECT: u32 = 16;

/// The `dlr-mask` ringdesk asks for: delivered, failed, buffered, taken and
/// rejected by the SMSC. The SMSC's acknowledgement (8) costs a callback per
/// message, and is what proves, within seconds, that Kannel had a message
/// whose 202 answer was lost when the connection broke off — without it
/// such a message would be handed over again before a slow final report
/// could say so (see the outbox's crash policy).
pub const DLR_MASK: u32 =
    DLR_DELIVERED | DLR_FAILED | DLR_BUFFERED | DLR_SMSC_ACK | DLR_SMSC_REJECT;

/// The running listener; it stops when dropped.
#[derive(Debug)]
pub struct Listener {
    port: u16,
    task: AbortHandle,
}

impl Listener {
    /// Listens on 127.0.0.1:`port` (0: any free port) and sends what Kannel
    /// reports to `reports`. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound (taken, or below 1024 without the right).
    pub fn bind(port: u16, reports: mpsc::Sender<GatewayReport>) -> std::io::Result<Self> {
        let socket = TcpSocket::new_v4()?;
        // A restarted ringdesk may take its port back while connections of
        // the last run linger in TIME_WAIT; a live listener still refuses it.
        socket.set_reuseaddr(true)?;
        socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let listener = socket.listen(BACKLOG)?;
        let port = listener.local_addr()?.port();
        let task = tokio::spawn(serve(listener, reports)).abort_handle();
        Ok(Self { port, task })
    }

    /// The port it listens on (the one chosen when 0 was asked for).
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `dlr-url` for the message `uid`, with Kannel's escapes for the
    /// report type (`%d`), the SMSC's answer (`%A`) and its id (`%I`).
    #[must_use]
    pub fn dlr_url(&self, uid: &str) -> String {
        format!(
            "http://127.0.0.1:{}{DLR_PATH}?uid={}&type=%d&status=%A&id=%I",
            self.port,
            utf8_percent_encode(uid, NON_ALPHANUMERIC)
        )
    }

    /// The `get-url` of the sms-service that hands inbound messages to the
    /// listener on `port`. `%b` is the text as sent (`%a` would fold runs of
    /// spaces), `%c`/`%C` say how it is encoded (UTF-8 with
    /// `mo-recode = true`), `%T` is when the SMSC got it.
    #[must_use]
    pub fn get_url(port: u16) -> String {
        format!(
            "http://127.0.0.1:{port}{MO_PATH}?from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I&time=%T"
        )
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every
        // connection it serves.
        self.task.abort();
    }
}

/// Accepts connections and serves each on its own task, so one slow or
/// kept-alive smsbox connection never holds up the others.
async fn serve(listener: TcpListener, reports: mpsc::Sender<GatewayReport>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    stream.set_nodelay(true).ok();
                    connections.spawn(connection(stream, reports.clone()));
                }
                Err(error) => {
                    // Out of file descriptors, most likely: wait for some
                    // connections to end instead of spinning.
                    warn!("Kannel report listener cannot accept a connection: {error:#}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, reports: mpsc::Sender<GatewayReport>) {
    let service = service_fn(move |request: Request<Incoming>| {
        let reports = reports.clone();
        async move { Ok::<_, Infallible>(answer(&request, &reports).await) }
    });
    if let Err(error) = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await
    {
        debug!("Kannel callback connection ended: {error:#}");
    }
}

async fn answer(
    request: &Request<Incoming>,
    reports: &mpsc::Sender<GatewayReport>,
) -> Response<Full<Bytes>> {
    let query = request.uri().query().unwrap_or("");
    let parsed = match request.uri().path() {
        DLR_PATH => delivery(query),
        MO_PATH => inbound(query, Timestamp::now()),
        other => Err(format!("unknown path {other}")),
    };
    match parsed {
        Ok(report) => {
            if reports.send(report).await.is_ok() {
                reply(StatusCode::OK, "")
            } else {
                // The outbox has stopped; Kannel may try again later.
                reply(StatusCode::SERVICE_UNAVAILABLE, "ringdesk is stopping")
            }
        }
        Err(reason) => {
            debug!("Kannel callback refused ({reason}): {}", request.uri());
            reply(StatusCode::BAD_REQUEST, &reason)
        }
    }
}

fn reply(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
    *response.status_mut() = status;
    response
}

/// The query's pairs, decoded to bytes: `+` is a space and `%XX` a byte, as
/// Kannel encodes them. Bytes, because an inbound text may be UTF-16.
fn pairs(query: &str) -> Vec<(String, Vec<u8>)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                String::from_utf8_lossy(&decode(name)).into_owned(),
                decode(value),
            )
        })
        .collect()
}

fn decode(text: &str) -> Vec<u8> {
    let spaced = text.replace('+', " ");
    percent_decode(spaced.as_bytes()).collect()
}

/// A parameter as text; `None` when absent.
fn text(pairs: &[(String, Vec<u8>)], name: &str) -> Result<Option<String>, String> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| {
            String::from_utf8(value.clone()).map_err(|_| format!("{name} is not UTF-8"))
        })
        .transpose()
}

fn required(pairs: &[(String, Vec<u8>)], name: &str) -> Result<String, String> {
    text(pairs, name)?
        .filter(|value| !value.is_empty())
        .ok_or_else(|| format!("{name} is missing"))
}

/// A delivery report: `uid`, `type` (`%d`), `status` (`%A`), `id` (`%I`).
fn delivery(query: &str) -> Result<GatewayReport, String> {
    let pairs = pairs(query);
    let uid = required(&pairs, "uid")?;
    let kind: u32 = required(&pairs, "type")?
        .parse()
        .map_err(|_| "type is not a number".to_owned())?;
    let status = text(&pairs, "status")?.unwrap_or_default();
    let outcome = match kind {
        DLR_DELIVERED => DeliveryOutcome::Delivered,
        DLR_FAILED => DeliveryOutcome::Failed(reason(&status, "the network could not deliver it")),
        DLR_SMSC_REJECT => DeliveryOutcome::Failed(reason(&status, "the SMS centre refused it")),
        DLR_BUFFERED | DLR_SMSC_ACK => DeliveryOutcome::Pending,
        other => return Err(format!("unknown report type {other}")),
    };
    Ok(GatewayReport::Delivery {
        uid,
        gateway_ref: text(&pairs, "id")?.filter(|id| !id.is_empty()),
        outcome,
    })
}

/// The SMSC's own words when it gave some (`%A`), else `fallback`.
fn reason(status: &str, fallback: &str) -> String {
    let status = status.trim();
    if status.is_empty() {
        fallback.to_owned()
    } else {
        status.to_owned()
    }
}

/// An inbound message: `from` (`%p`), `to` (`%P`), `text` (`%b`, raw
/// bytes), `coding` (`%c`), `charset` (`%C`), `id` (`%I`), `time` (`%T`).
fn inbound(query: &str, now: Timestamp) -> Result<GatewayReport, String> {
    let pairs = pairs(query);
    let from = required(&pairs, "from")?;
    let to = required(&pairs, "to")?;
    let bytes = pairs
        .iter()
        .find(|(key, _)| key == "text")
        .map(|(_, value)| value.as_slice())
        .unwrap_or_default();
    let charset = text(&pairs, "charset")?.unwrap_or_default();
    let coding = text(&pairs, "coding")?.unwrap_or_default();
    let body = body(bytes, &charset, &coding)?;
    let received_at = text(&pairs, "time")?
        .and_then(|time| time.parse::<i64>().ok())
        .map_or(now, |seconds| Timestamp(seconds.saturating_mul(1000)));
    Ok(GatewayReport::Inbound(Inbound {
        from,
        to,
        body,
        gateway_ref: text(&pairs, "id")?.filter(|id| !id.is_empty()),
        received_at,
    }))
}

/// The text in the charset Kannel names; without one, UCS-2 (coding 2) is
/// UTF-16BE and anything else UTF-8. With `mo-recode = true` Kannel has
/// already turned UCS-2 into UTF-8 and says so.
fn body(bytes: &[u8], charset: &str, coding: &str) -> Result<String, String> {
    let encoding = if charset.is_empty() {
        if coding == "2" {
            encoding_rs::UTF_16BE
        } else {
            encoding_rs::UTF_8
        }
    } else {
        encoding_rs::Encoding::for_label(charset.as_bytes())
            .ok_or_else(|| format!("unknown charset {charset}"))?
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(std::borrow::Cow::into_owned)
        .ok_or_else(|| format!("text is not {}", encoding.name()))
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("uid=m-1&type=1&status=&id=abc", DeliveryOutcome::Delivered)]
    #[case("uid=m-1&type=4&status=&id=abc", DeliveryOutcome::Pending)]
    #[case("uid=m-1&type=8&status=ACK%2F&id=abc", DeliveryOutcome::Pending)]
    #[case(
        "uid=m-1&type=2&status=NACK%2F0x0000000b%2FInvalid+Destination&id=abc",
        DeliveryOutcome::Failed("NACK/0x0000000b/Invalid Destination".to_owned())
    )]
    #[case(
        "uid=m-1&type=16&status=&id=abc",
        DeliveryOutcome::Failed("the SMS centre refused it".to_owned())
    )]
    #[case(
        "uid=m-1&type=2&status=&id=abc",
        DeliveryOutcome::Failed("the network could not deliver it".to_owned())
    )]
    fn delivery_reports_by_type(#[case] query: &str, #[case] outcome: DeliveryOutcome) {
        assert_eq!(
            delivery(query),
            Ok(GatewayReport::Delivery {
                uid: "m-1".to_owned(),
                gateway_ref: Some("abc".to_owned()),
                outcome,
            })
        );
    }

    #[rstest]
    #[case("type=1", "uid is missing")]
    #[case("uid=m-1", "type is missing")]
    #[case("uid=m-1&type=x", "type is not a number")]
    #[case("uid=m-1&type=32", "unknown report type 32")]
    #[case("uid=%FF&type=1", "uid is not UTF-8")]
    fn bad_delivery_reports_are_refused(#[case] query: &str, #[case] reason: &str) {
        assert_eq!(delivery(query), Err(reason.to_owned()));
    }

    #[test]
    fn the_dlr_url_carries_the_uid_and_kannels_escapes() {
        let (sender, _reports) = mpsc::channel(1);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let listener = Listener::bind(0, sender).unwrap();
        let url = listener.dlr_url("a+b c/한");
        let port = listener.port();
        assert_eq!(
            url,
            format!(
                "http://127.0.0.1:{port}/dlr?uid=a%2Bb%20c%2F%ED%95%9C&type=%d&status=%A&id=%I"
            )
        );
        let query = url.split_once('?').unwrap().1.replace("%d", "1");
        assert!(matches!(
            delivery(&query),
            Ok(GatewayReport::Delivery { uid, .. }) if uid == "a+b c/한"
        ));
    }

    #[test]
    fn inbound_text_is_decoded_as_kannel_says() {
        // What smsbox sent with mo-recode = true for a UCS-2 message.
        let query = "from=%2B821099998888&to=%2B8215881234&text=%EC%95%88%EB%85%95++ok\
                     &coding=0&charset=UTF-8&id=7dd9&time=1795486501";
        assert_eq!(
            inbound(query, Timestamp(1)),
            Ok(GatewayReport::Inbound(Inbound {
                from: "+821099998888".to_owned(),
                to: "+8215881234".to_owned(),
                body: "안녕  ok".to_owned(),
                gateway_ref: Some("7dd9".to_owned()),
                received_at: Timestamp(1_795_486_501_000),
            }))
        );
        // Without mo-recode: UTF-16BE bytes, coding 2.
        let query = "from=1&to=2&text=%C5H%B1U%00+%00o&coding=2&charset=UTF-16BE";
        let Ok(GatewayReport::Inbound(message)) = inbound(query, Timestamp(7)) else {
            panic!("not inbound");
        };
        assert_eq!(message.body, "안녕 o");
        assert_eq!(message.received_at, Timestamp(7));
        assert_eq!(message.gateway_ref, None);
        let query = "from=1&to=2&text=%C5H%B1U&coding=2";
        assert!(
            matches!(inbound(query, Timestamp(7)), Ok(GatewayReport::Inbound(m)) if m.body == "안녕")
        );

        assert_eq!(
            inbound("to=2&text=hi", Timestamp(1)),
            Err("from is missing".to_owned())
        );
        assert_eq!(
            inbound("from=1&to=2&text=%FF&charset=UTF-8", Timestamp(1)),
            Err("text is not UTF-8".to_owned())
        );
        assert_eq!(
            inbound("from=1&to=2&text=a&charset=klingon", Timestamp(1)),
            Err("unknown charset klingon".to_owned())
        );
    }

    #[tokio::test]
    async fn serves_callbacks_and_answers_400_to_bad_ones() {
        let (sender, mut reports) = mpsc::channel(4);
        let listener = Listener::bind(0, sender).unwrap();
        let base = format!("http://127.0.0.1:{}", listener.port());
        let client = super::super::kannel::client().unwrap();
        let answer = client
            .get(format!("{base}/dlr?uid=m-9&type=1&status=&id=k"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert!(matches!(
            reports.recv().await,
            Some(GatewayReport::Delivery { uid, outcome: DeliveryOutcome::Delivered, .. }) if uid == "m-9"
        ));
        for path in ["/dlr?type=1", "/nope", "/mo?from=1"] {
            let answer = client.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(answer.status(), 400, "{path}");
        }

        // Taken while it runs; free once it is dropped.
        let port = listener.port();
        let (sender, _reports) = mpsc::channel(1);
        assert!(Listener::bind(port, sender.clone()).is_err());
        drop(listener);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(client.get(format!("{base}/dlr")).send().await.is_err());
        Listener::bind(port, sender).unwrap();
    }
}
