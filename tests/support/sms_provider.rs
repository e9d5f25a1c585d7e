//! A test SMS provider: a real HTTP/1.1 server (hyper) on `127.0.0.1:0`
//! with the REST shape of a Korean provider's API, so ringdesk's HTTP
//! gateway is tested over a real socket, JSON and all.
//!
//! * `POST /send` takes a JSON message: the recipient under [`TO_FIELD`],
//!   ringdesk's id under [`REF_FIELD`]; it answers
//!   `{"code":"0000","result":{"msgId":"P-1"}}`, or what the script for
//!   that recipient says next: a refusal with a JSON `errorMessage`, a bare
//!   status (500, 503, 429), a slow answer.
//! * An MMS carries its JPEG base64-encoded under [`IMAGE_FIELD`]; one that
//!   is not base64 or not a JPEG is answered `400`. The decoded bytes of
//!   each taken picture are kept by message id ([`SmsProvider::picture`]).
//! * A wrong `X-API-KEY` is answered `401 {"errorMessage":"invalid api key"}`.
//! * `GET /balance` answers `{"data":{"remaining":N}}`.
//! * `GET /result/{msgId}` and `GET /result-by-ref/{uid}` answer
//!   `{"status":…,"reason":…}` from the recipient's result script; its
//!   last state repeats. Without a script a message is `DELIVERED`.
//!
//! [`SmsProvider::start_tls`] serves the same over HTTPS with a
//! self-signed certificate.
//!
//! Every request is recorded (method, path, headers, JSON body) so tests
//! can check field names, the key header and that Korean text arrived intact.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig as TlsConfig;
use tokio_rustls::rustls::crypto::ring::default_provider;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The API key the provider expects.
pub const API_KEY: &str = "test-key-0123";
/// The header it expects it in.
pub const KEY_HEADER: &str = "X-API-KEY";
/// The request field with the recipient.
pub const TO_FIELD: &str = "receiver";
/// The request field with ringdesk's id.
pub const REF_FIELD: &str = "client_ref";
/// The request field with an MMS's JPEG, base64.
pub const IMAGE_FIELD: &str = "mms_image";

/// How the provider answers one send.
#[derive(Debug, Clone)]
pub enum Answer {
    /// 200 with the next message id.
    Accept,
    /// This status with `{"code":…, "errorMessage": message}`.
    Refuse(u16, &'static str),
    /// This status and an empty body.
    Bare(u16),
    /// Waits this long, then answers as the inner answer.
    Slow(Duration, Box<Answer>),
}

/// A message's state as the result query gives it.
#[derive(Debug, Clone)]
pub enum State {
    /// `SENDING`: not final.
    Pending,
    /// `DELIVERED`.
    Delivered,
    /// `FAILED` with this reason.
    Failed(&'static str),
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header names lowercased.
    pub headers: HashMap<String, String>,
    /// The body as text.
    pub body: String,
    /// The body as JSON, when it is.
    pub json: Option<Value>,
}

#[derive(Default)]
struct Books {
    sends: HashMap<String, VecDeque<Answer>>,
    results: HashMap<String, VecDeque<State>>,
    /// msgId → recipient, and ringdesk's id → msgId.
    by_id: HashMap<String, String>,
    by_ref: HashMap<String, String>,
    next_id: u64,
    balance: u64,
    requests: Vec<Recorded>,
    /// msgId → the picture it carried, decoded.
    pictures: HashMap<String, Vec<u8>>,
}

/// The running provider; stops when dropped.
pub struct SmsProvider {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<Mutex<Books>>,
    task: JoinHandle<()>,
}

impl Drop for SmsProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmsProvider {
    /// Starts a provider on a free loopback port, in the current runtime.
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// Starts a provider that speaks HTTPS with a self-signed certificate
    /// for `localhost`, which no public root vouches for.
    pub async fn start_tls() -> Self {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let config = TlsConfig::builder_with_provider(Arc::new(default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(certified.cert.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                    certified.signing_key.serialize_der(),
                )),
            )
            .unwrap();
        Self::start_with(Some(TlsAcceptor::from(Arc::new(config)))).await
    }

    async fn start_with(tls: Option<TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(Books {
            next_id: 1,
            ..Books::default()
        }));
        let shared = Arc::clone(&state);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = Arc::clone(&shared);
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        // A client that refuses the certificate ends the handshake.
                        Some(tls) => {
                            if let Ok(stream) = tls.accept(stream).await {
                                serve(stream, state).await;
                            }
                        }
                        None => serve(stream, state).await,
                    }
                });
            }
        });
        Self {
            addr,
            scheme,
            state,
            task,
        }
    }

    /// `http://127.0.0.1:PORT` + `path` (`https://localhost:PORT` for
    /// [`SmsProvider::start_tls`], the name its certificate carries).
    pub fn url(&self, path: &str) -> String {
        match self.scheme {
            "https" => format!("https://localhost:{}{path}", self.addr.port()),
            _ => format!("http://{}{path}", self.addr),
        }
    }

    /// Sends to `number` are answered with `answers` in turn, then accepted.
    pub fn script_send(&self, number: &str, answers: Vec<Answer>) {
        self.state
            .lock()
            .unwrap()
            .sends
            .insert(number.to_owned(), answers.into());
    }

    /// Result queries about messages to `number` go through `states`; the
    /// last one repeats.
    pub fn script_results(&self, number: &str, states: Vec<State>) {
        self.state
            .lock()
            .unwrap()
            .results
            .insert(number.to_owned(), states.into());
    }

    /// The credit the balance query reports.
    pub fn set_balance(&self, messages: u64) {
        self.state.lock().unwrap().balance = messages;
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The picture the message with this msgId carried, as decoded here.
    pub fn picture(&self, id: &str) -> Option<Vec<u8>> {
        self.state.lock().unwrap().pictures.get(id).cloned()
    }

    /// The requests whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.path.starts_with(prefix))
            .collect()
    }
}

/// Answers the requests of one connection.
async fn serve<S>(stream: S, state: Arc<Mutex<Books>>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { Ok::<_, Infallible>(answer(&state, request).await) }
    });
    // A client that gave up (timeout) breaks its connection.
    http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await
        .ok();
}

fn reply(status: u16, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().unwrap(),
    );
    response
}

fn bare(status: u16) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

async fn answer(state: &Mutex<Books>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = request.method().to_string();
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, ToString::to_string);
    let headers: HashMap<String, String> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    let json = serde_json::from_str::<Value>(&body).ok();
    state.lock().unwrap().requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        headers: headers.clone(),
        body,
        json: json.clone(),
    });

    if headers
        .get(&KEY_HEADER.to_ascii_lowercase())
        .map(String::as_str)
        != Some(API_KEY)
    {
        return reply(
            401,
            &json!({"code": "E401", "errorMessage": "invalid api key"}),
        );
    }
    match (method.as_str(), path.as_str()) {
        ("POST", "/send") => send(state, json.as_ref()).await,
        ("GET", "/balance") => {
            let balance = state.lock().unwrap().balance;
            reply(
                200,
                &json!({"code": "0000", "data": {"remaining": balance}}),
            )
        }
        ("GET", path) if path.starts_with("/result/") => {
            let id = path.trim_start_matches("/result/").to_owned();
            result(state, &id)
        }
        ("GET", path) if path.starts_with("/result-by-ref/") => {
            let uid = path.trim_start_matches("/result-by-ref/");
            let id = state.lock().unwrap().by_ref.get(uid).cloned();
            match id {
                Some(id) => result(state, &id),
                None => reply(404, &json!({"errorMessage": "no such message"})),
            }
        }
        _ => reply(404, &json!({"errorMessage": "no such API"})),
    }
}

async fn send(state: &Mutex<Books>, json: Option<&Value>) -> Response<Full<Bytes>> {
    let Some(to) = json.and_then(|json| json[TO_FIELD].as_str()) else {
        return reply(
            400,
            &json!({"code": "E400", "errorMessage": "수신번호가 없습니다"}),
        );
    };
    let uid = json.and_then(|json| json[REF_FIELD].as_str());
    let picture = match json.and_then(|json| json.get(IMAGE_FIELD)) {
        None => None,
        Some(encoded) => {
            use base64::Engine as _;
            let decoded = encoded
                .as_str()
                .and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
                .filter(|bytes| bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
            match decoded {
                Some(bytes) => Some(bytes),
                None => {
                    return reply(
                        400,
                        &json!({"code": "E410", "errorMessage": "이미지는 base64 JPEG만 됩니다"}),
                    );
                }
            }
        }
    };
    let mut answer = state
        .lock()
        .unwrap()
        .sends
        .get_mut(to)
        .and_then(VecDeque::pop_front)
        .unwrap_or(Answer::Accept);
    loop {
        match answer {
            Answer::Slow(wait, inner) => {
                tokio::time::sleep(wait).await;
                answer = *inner;
            }
            Answer::Accept => {
                let mut state = state.lock().unwrap();
                let id = format!("P-{}", state.next_id);
                state.next_id += 1;
                state.by_id.insert(id.clone(), to.to_owned());
                if let Some(uid) = uid {
                    state.by_ref.insert(uid.to_owned(), id.clone());
                }
                if let Some(picture) = picture {
                    state.pictures.insert(id.clone(), picture);
                }
                return reply(200, &json!({"code": "0000", "result": {"msgId": id}}));
            }
            Answer::Refuse(status, message) => {
                return reply(
                    status,
                    &json!({"code": format!("E{status}"), "errorMessage": message}),
                );
            }
            Answer::Bare(status) => return bare(status),
        }
    }
}

fn result(state: &Mutex<Books>, id: &str) -> Response<Full<Bytes>> {
    let mut state = state.lock().unwrap();
    let Some(to) = state.by_id.get(id).cloned() else {
        return reply(404, &json!({"errorMessage": "no such message"}));
    };
    let now = match state.results.get_mut(&to) {
        Some(states) if states.len() > 1 => states.pop_front().unwrap(),
        Some(states) => states.front().cloned().unwrap_or(State::Delivered),
        None => State::Delivered,
    };
    let body = match now {
        State::Pending => json!({"msgId": id, "status": "SENDING"}),
        State::Delivered => json!({"msgId": id, "status": "DELIVERED"}),
        State::Failed(reason) => json!({"msgId": id, "status": "FAILED", "reason": reason}),
    };
    reply(200, &body)
}
