//! A test Asterisk manager: a real TCP (or TLS) server on `127.0.0.1:0`
//! that logs a client in, answers the actions ringdesk sends and then plays
//! a per-connection script of what a PBX does: replay a recorded transcript
//! from `tests/data/ami/`, cut the link mid-frame, go silent, send garbage,
//! flood other agents' calls (alongside a replay, if asked), wait until the
//! client has listed the channels.
//!
//! Answers follow what the real Asterisk 22 sent in the recordings
//! (`/work/shared/notes/asterisk.md`): the `Asterisk Call Manager/11.0.0`
//! greeting, `Authentication accepted` then `FullyBooted`, a refused login
//! answered after a delay and then closed, list actions as `EventList: start`,
//! items carrying the `ActionID`, then `…Complete`; click-to-call as
//! "Originate successfully queued" then the recorded `OriginateResponse`.
//!
//! Every action a client sends is recorded per connection, so tests can
//! check `ActionID`s, the `Events:` mask and the `Logoff`. Connections are
//! served in sequence as they come (for reconnect tests); connection `n`
//! plays `scripts[n]` (none when the list is shorter).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringdesk::pbx::ami::login::md5_key;
use ringdesk::pbx::ami::{AmiSettings, Decoder, Frame, Message};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, WriteHalf};
use tokio::net::TcpListener;
use tokio::sync::{Mutex as AsyncMutex, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::{Instant, sleep, sleep_until};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig as TlsConfig;
use tokio_rustls::rustls::crypto::ring::default_provider;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The challenge this server hands out.
pub const CHALLENGE: &str = "840415273";

/// Wanted frames per flooded call: two `Newchannel`, `DialBegin`,
/// `Newstate`, two `Hangup` (each call also carries two unwanted `VarSet`).
pub const FLOOD_WANTED_PER_CALL: usize = 6;

/// How click-to-call goes.
#[derive(Debug, Clone)]
pub enum OriginateScript {
    /// "Originate successfully queued", then the recorded frames of this
    /// fixture from that response up to its `OriginateResponse`, with the
    /// client's `ActionID` in place of the recorded one.
    Fixture(&'static str),
    /// An immediate `Response: Error` with this message.
    Error(&'static str),
    /// Queued, then `OriginateResponse` `Failure` with this `Reason`.
    Failure(u32),
    /// Queued, and no `OriginateResponse` ever.
    NeverAnswered,
}

/// How fast a transcript is replayed.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    /// Everything at once.
    Immediate,
    /// In the recorded read chunks (frames split where they were), with the
    /// recorded gaps divided by this.
    Recorded(u32),
}

/// One thing the server does after a successful login.
#[derive(Debug, Clone)]
pub enum Step {
    /// The frames after the login response of `tests/data/ami/<name>.txt`.
    Replay(&'static str, Pace),
    /// These bytes as they are.
    Send(Vec<u8>),
    /// Half of a frame, then close the connection.
    CutMidFrame,
    /// Stop answering anything (Ping too) and stop the script; keep the socket open.
    Silent,
    /// Bytes that are not AMI, ended by a blank line as a broken peer would.
    Garbage,
    /// `calls` other agents' calls (extensions 1002–1099, distinct
    /// Linkedids), at `per_minute` calls a minute.
    Flood {
        /// How many calls.
        calls: usize,
        /// How fast.
        per_minute: u32,
    },
    /// Wait until this connection's `CoreShowChannels` has been answered:
    /// what follows happened after the PBX listed its channels, as a real
    /// PBX's list and events agree.
    AfterList,
    /// Two scripts at once, their frames interleaved as they come (a flood
    /// of other agents' calls while one call replays).
    Alongside(Vec<Step>, Vec<Step>),
    /// Pause.
    Wait(Duration),
    /// Close the connection.
    Close,
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The manager user.
    pub user: String,
    /// Its secret.
    pub secret: String,
    /// Whether `Action: Challenge` is answered (else refused, as by a PBX
    /// that only takes plain secrets).
    pub challenge: bool,
    /// `AsteriskVersion` in the `CoreSettings` answer.
    pub asterisk_version: String,
    /// The `CoreShowChannel` events listed for `CoreShowChannels`.
    pub channels: Vec<Message>,
    /// Per connection, the channels listed instead of `channels` (a call
    /// that was already up when the link came back); connections past its
    /// end list `channels`.
    pub channels_per_connection: Vec<Vec<Message>>,
    /// Click-to-call behaviour.
    pub originate: OriginateScript,
    /// How long a refused login waits before its answer (Asterisk: ~1 s).
    pub login_refusal_delay: Duration,
    /// What connection `n` does after login.
    pub scripts: Vec<Vec<Step>>,
    /// Serve TLS with this certificate and PKCS#8 key (DER).
    pub tls: Option<(Vec<u8>, Vec<u8>)>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            user: "crm".to_owned(),
            secret: "crm-secret".to_owned(),
            challenge: true,
            asterisk_version: "22.10.1".to_owned(),
            channels: fixture_events("status_during_call", "CoreShowChannel")
                .into_iter()
                .take(2)
                .collect(),
            channels_per_connection: Vec::new(),
            originate: OriginateScript::Fixture("outbound_click_to_call"),
            login_refusal_delay: Duration::from_millis(100),
            scripts: Vec::new(),
            tls: None,
        }
    }
}

/// What the server saw.
#[derive(Debug, Default)]
struct Record {
    /// The actions of each connection, in order.
    connections: Vec<Vec<Message>>,
}

/// A running test server; stops when dropped.
pub struct AmiServer {
    port: u16,
    record: Arc<Mutex<Record>>,
    task: JoinHandle<()>,
}

impl Drop for AmiServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl AmiServer {
    /// Starts a server on a free loopback port.
    pub async fn start(config: ServerConfig) -> Self {
        Self::start_on(0, config).await
    }

    /// Starts a server on this loopback port (0: any free one).
    pub async fn start_on(port: u16, config: ServerConfig) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let record = Arc::new(Mutex::new(Record::default()));
        let acceptor = config.tls.clone().map(|(cert, key)| {
            let config = TlsConfig::builder_with_provider(Arc::new(default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![CertificateDer::from(cert)],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
                )
                .unwrap();
            TlsAcceptor::from(Arc::new(config))
        });
        let config = Arc::new(config);
        let task = tokio::spawn({
            let record = Arc::clone(&record);
            async move {
                // Dropping the set (when the server is dropped) ends every connection.
                let mut connections = JoinSet::new();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else {
                        return;
                    };
                    let index = {
                        let mut record = record.lock().unwrap();
                        record.connections.push(Vec::new());
                        record.connections.len() - 1
                    };
                    let config = Arc::clone(&config);
                    let record = Arc::clone(&record);
                    let acceptor = acceptor.clone();
                    connections.spawn(async move {
                        match acceptor {
                            Some(acceptor) => {
                                if let Ok(tls) = acceptor.accept(tcp).await {
                                    serve(tls, &config, index, &record).await;
                                }
                            }
                            None => serve(tcp, &config, index, &record).await,
                        }
                    });
                }
            }
        });
        Self { port, record, task }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Client settings for this server: user `crm`, this secret, and timings
    /// short enough for tests.
    pub fn settings(&self, secret: &str) -> AmiSettings {
        let mut settings = AmiSettings::new("127.0.0.1", self.port, "crm", secret);
        settings.ping_every = Duration::from_secs(2);
        settings.action_timeout = Duration::from_secs(2);
        settings.connect_timeout = Duration::from_secs(2);
        settings.backoff_min = Duration::from_millis(50);
        settings.backoff_max = Duration::from_millis(200);
        settings
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.record.lock().unwrap().connections.len()
    }

    /// The actions connection `index` sent so far.
    pub fn actions(&self, index: usize) -> Vec<Message> {
        self.record
            .lock()
            .unwrap()
            .connections
            .get(index)
            .cloned()
            .unwrap_or_default()
    }

    /// The names of the actions connection `index` sent so far.
    pub fn action_names(&self, index: usize) -> Vec<String> {
        self.actions(index)
            .iter()
            .map(|action| action.action().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits up to `limit` until `check` holds for the actions of every
    /// connection; true if it did.
    pub async fn wait_until(
        &self,
        limit: Duration,
        check: impl Fn(&[Vec<Message>]) -> bool,
    ) -> bool {
        let end = Instant::now() + limit;
        loop {
            if check(&self.record.lock().unwrap().connections) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A server on a runtime of its own, for tests that are not async: the
/// window steps on the test's thread and the binary runs as a child
/// process while the server answers on the runtime's worker.
pub struct BackgroundServer {
    // Dropped before the runtime it runs on.
    server: AmiServer,
    _runtime: tokio::runtime::Runtime,
}

impl BackgroundServer {
    /// Starts a server on a free loopback port.
    pub fn start(config: ServerConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(AmiServer::start(config));
        Self {
            server,
            _runtime: runtime,
        }
    }

    /// A server that lists no channels and plays `steps` on its first
    /// connection once the client has listed them.
    pub fn playing(steps: Vec<Step>) -> Self {
        let mut script = vec![Step::AfterList];
        script.extend(steps);
        Self::start(ServerConfig {
            channels: Vec::new(),
            scripts: vec![script],
            ..ServerConfig::default()
        })
    }
}

impl std::ops::Deref for BackgroundServer {
    type Target = AmiServer;

    fn deref(&self) -> &AmiServer {
        &self.server
    }
}

/// The path of a fixture file.
pub fn fixture_path(name: &str, extension: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ami")
        .join(format!("{name}.{extension}"))
}

/// The raw bytes of `tests/data/ami/<name>.txt`.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name, "txt")).unwrap()
}

/// Every message of a transcript, decoded with ringdesk's codec.
pub fn fixture_messages(name: &str) -> Vec<Message> {
    let mut decoder = Decoder::default();
    decoder.feed(&fixture_bytes(name));
    std::iter::from_fn(|| decoder.next_frame())
        .filter_map(|frame| match frame {
            Frame::Message(message) => Some(message),
            _ => None,
        })
        .collect()
}

/// The events named `event` of a transcript.
pub fn fixture_events(name: &str, event: &str) -> Vec<Message> {
    fixture_messages(name)
        .into_iter()
        .filter(|message| message.event() == Some(event))
        .collect()
}

/// Where the frames after the login response start in a transcript.
pub fn after_login(bytes: &[u8]) -> usize {
    let login = find(bytes, b"ActionID: login-1\r\n").unwrap();
    login + find(&bytes[login..], b"\r\n\r\n").unwrap() + 4
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The recorded read chunks of a transcript after the login response:
/// (seconds since the previous chunk, bytes).
fn recorded_chunks(name: &str) -> Vec<(f64, Vec<u8>)> {
    let bytes = fixture_bytes(name);
    let start = after_login(&bytes);
    let timing = std::fs::read_to_string(fixture_path(name, "timing.tsv")).unwrap();
    let mut chunks = Vec::new();
    let mut previous: Option<f64> = None;
    for line in timing.lines().filter(|line| !line.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.get(1) != Some(&"recv") {
            continue;
        }
        let at: f64 = fields[0].parse().unwrap();
        let offset: usize = fields[2].parse().unwrap();
        let length: usize = fields[3].parse().unwrap();
        let end = offset + length;
        if end <= start {
            continue;
        }
        let gap = previous.map_or(0.0, |previous| at - previous);
        previous = Some(at);
        chunks.push((gap, bytes[offset.max(start)..end].to_vec()));
    }
    chunks
}

/// The bytes of one flooded call by another agent: the caller's trunk leg
/// rings extension 1002–1099, which hangs up unanswered.
pub fn flood_call(index: usize) -> Vec<u8> {
    let extension = (1002 + index % 98).to_string();
    let linked = format!("1795500000.{}", index * 2);
    let caller = Leg {
        channel: format!("PJSIP/trunk-{:08x}", index * 2),
        unique_id: linked.clone(),
        linked_id: linked.clone(),
        number: format!("010{:08}", 10_000_000 + index),
    };
    let agent = Leg {
        channel: format!("PJSIP/{extension}-{:08x}", index * 2 + 1),
        unique_id: format!("1795500000.{}", index * 2 + 1),
        linked_id: linked,
        number: extension.clone(),
    };
    let dial = Message::from_pairs([
        ("Event", "DialBegin"),
        ("Privilege", "call,all"),
        ("Channel", caller.channel.as_str()),
        ("CallerIDNum", caller.number.as_str()),
        ("Uniqueid", caller.unique_id.as_str()),
        ("Linkedid", caller.linked_id.as_str()),
        ("DestChannel", agent.channel.as_str()),
        ("DestCallerIDNum", agent.number.as_str()),
        ("DestConnectedLineNum", caller.number.as_str()),
        ("DestUniqueid", agent.unique_id.as_str()),
        ("DestLinkedid", agent.linked_id.as_str()),
        ("DialString", extension.as_str()),
    ]);
    let cancelled = [("Cause", "127"), ("Cause-txt", "Interworking, unspecified")];
    let mut bytes = Vec::new();
    bytes.extend(caller.event("Newchannel", (4, "Ring"), &[]));
    bytes.extend(caller.event(
        "VarSet",
        (4, "Ring"),
        &[("Variable", "RTPAUDIOQOS"), ("Value", "")],
    ));
    bytes.extend(agent.event("Newchannel", (0, "Down"), &[]));
    bytes.extend(dial.to_bytes());
    bytes.extend(agent.event("Newstate", (5, "Ringing"), &[]));
    bytes.extend(agent.event(
        "VarSet",
        (5, "Ringing"),
        &[("Variable", "DIALSTATUS"), ("Value", "CANCEL")],
    ));
    bytes.extend(agent.event("Hangup", (5, "Ringing"), &cancelled));
    bytes.extend(caller.event("Hangup", (4, "Ring"), &cancelled));
    bytes
}

/// One channel of a flooded call.
struct Leg {
    channel: String,
    unique_id: String,
    linked_id: String,
    number: String,
}

impl Leg {
    /// A channel event about this leg, as Asterisk 22 words it.
    fn event(&self, event: &str, (state, desc): (u8, &str), extra: &[(&str, &str)]) -> Vec<u8> {
        let state = state.to_string();
        let mut message = Message::from_pairs([
            ("Event", event),
            ("Privilege", "call,all"),
            ("Channel", self.channel.as_str()),
            ("ChannelState", state.as_str()),
            ("ChannelStateDesc", desc),
            ("CallerIDNum", self.number.as_str()),
            ("CallerIDName", "Outside Caller"),
            ("ConnectedLineNum", "<unknown>"),
            ("ConnectedLineName", "<unknown>"),
            ("Language", "en"),
            ("AccountCode", ""),
            ("Context", "from-trunk"),
            ("Exten", "0301234567"),
            ("Priority", "1"),
            ("Uniqueid", self.unique_id.as_str()),
            ("Linkedid", self.linked_id.as_str()),
        ]);
        for (key, value) in extra {
            message.push(key, value);
        }
        message.to_bytes()
    }
}

type Writer = Arc<AsyncMutex<WriteHalf<Box<dyn Io>>>>;

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Serves one connection until the client leaves or the script closes it.
async fn serve(
    stream: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    config: &ServerConfig,
    index: usize,
    record: &Mutex<Record>,
) {
    let stream: Box<dyn Io> = Box::new(stream);
    let (reader, writer) = tokio::io::split(stream);
    let writer: Writer = Arc::new(AsyncMutex::new(writer));
    if write(&writer, b"Asterisk Call Manager/11.0.0\r\n")
        .await
        .is_err()
    {
        return;
    }
    let silent = Arc::new(AtomicBool::new(false));
    let (listed, _) = watch::channel(false);
    let (logged_in, on_login) = oneshot::channel();
    let link = Link {
        writer: &writer,
        silent: &silent,
        listed: &listed,
    };
    let answering = answer(reader, link, config, index, record, logged_in);
    let steps = config.scripts.get(index).cloned().unwrap_or_default();
    let playing = async {
        if on_login.await.is_err() {
            return false;
        }
        play(&steps, link).await
    };
    tokio::pin!(answering);
    tokio::select! {
        () = &mut answering => {}
        close = playing => if !close { answering.await },
    }
}

/// What the answering and the playing side of one connection share.
#[derive(Clone, Copy)]
struct Link<'a> {
    writer: &'a Writer,
    /// Set by [`Step::Silent`]: actions are no longer answered.
    silent: &'a AtomicBool,
    /// Set once a `CoreShowChannels` has been answered.
    listed: &'a watch::Sender<bool>,
}

/// Plays a script; true when it closes the connection.
async fn play(steps: &[Step], link: Link<'_>) -> bool {
    let Link { writer, silent, .. } = link;
    for step in steps {
        match step {
            Step::Replay(name, Pace::Immediate) => {
                let bytes = fixture_bytes(name);
                if write(writer, &bytes[after_login(&bytes)..]).await.is_err() {
                    return true;
                }
            }
            Step::Replay(name, Pace::Recorded(speedup)) => {
                // Hold the writer while a frame is split across chunks, so
                // answers to actions never land inside a replayed frame.
                let mut held = None;
                let mut written = Vec::new();
                for (gap, chunk) in recorded_chunks(name) {
                    sleep(Duration::from_secs_f64(gap / f64::from(*speedup))).await;
                    let mut guard = match held.take() {
                        Some(guard) => guard,
                        None => writer.lock().await,
                    };
                    if guard.write_all(&chunk).await.is_err() || guard.flush().await.is_err() {
                        return true;
                    }
                    written.extend_from_slice(&chunk);
                    if !written.ends_with(b"\r\n\r\n") {
                        held = Some(guard);
                    }
                }
            }
            Step::Send(bytes) => {
                if write(writer, bytes).await.is_err() {
                    return true;
                }
            }
            Step::CutMidFrame => {
                let frame = b"Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/1001-0000";
                write(writer, frame).await.ok();
                return true;
            }
            Step::Silent => {
                silent.store(true, Ordering::SeqCst);
                return false;
            }
            Step::Garbage => {
                let bytes = b"\x00\xff\xfe binary junk\r\nno colon on this line\r\n\xc3\x28: bad utf-8\r\n\r\n\
                    : empty key\r\nEvent:\r\n\r\n";
                if write(writer, bytes).await.is_err() {
                    return true;
                }
            }
            Step::Flood { calls, per_minute } => {
                let interval = Duration::from_mins(1) / (*per_minute).max(1);
                let start = Instant::now();
                for call in 0..*calls {
                    sleep_until(start + interval * u32::try_from(call).unwrap()).await;
                    if write(writer, &flood_call(call)).await.is_err() {
                        return true;
                    }
                }
            }
            Step::AfterList => {
                // The sender lives as long as the connection, so this only
                // fails when it is going away.
                if link
                    .listed
                    .subscribe()
                    .wait_for(|listed| *listed)
                    .await
                    .is_err()
                {
                    return true;
                }
            }
            Step::Alongside(first, second) => {
                let (first, second) =
                    tokio::join!(Box::pin(play(first, link)), Box::pin(play(second, link)));
                if first || second {
                    return true;
                }
            }
            Step::Wait(pause) => sleep(*pause).await,
            Step::Close => return true,
        }
    }
    false
}

/// What to do after answering an action.
enum Then {
    Go,
    LoggedIn,
    Close,
}

/// Reads the client's actions, records and answers them, until it leaves.
async fn answer(
    mut reader: tokio::io::ReadHalf<Box<dyn Io>>,
    link: Link<'_>,
    config: &ServerConfig,
    index: usize,
    record: &Mutex<Record>,
    logged_in: oneshot::Sender<()>,
) {
    let Link { writer, silent, .. } = link;
    let mut logged_in = Some(logged_in);
    let mut decoder = Decoder::default();
    let mut buffer = vec![0_u8; 8192];
    let mut challenged = false;
    loop {
        let count = match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(count) => count,
        };
        decoder.feed(&buffer[..count]);
        while let Some(frame) = decoder.next_frame() {
            let Frame::Message(action) = frame else {
                continue;
            };
            record.lock().unwrap().connections[index].push(action.clone());
            if silent.load(Ordering::SeqCst) {
                continue;
            }
            let name = action.action().unwrap_or_default().to_ascii_lowercase();
            let (bytes, then) = match name.as_str() {
                "challenge" => {
                    let md5 = action.value("AuthType").eq_ignore_ascii_case("md5");
                    challenged = config.challenge && md5;
                    if challenged {
                        (
                            reply(&action, "Success", &[("Challenge", CHALLENGE)]),
                            Then::Go,
                        )
                    } else {
                        (
                            reply(&action, "Error", &[("Message", "Must specify AuthType")]),
                            Then::Go,
                        )
                    }
                }
                "login" if logged_in.is_none() => (
                    reply(&action, "Success", &[("Message", "Already authenticated")]),
                    Then::Go,
                ),
                "login" => login(&action, config, challenged).await,
                "logoff" => (
                    reply(
                        &action,
                        "Goodbye",
                        &[("Message", "Thanks for all the fish.")],
                    ),
                    Then::Close,
                ),
                _ if logged_in.is_some() => (
                    reply(&action, "Error", &[("Message", "Authentication Required")]),
                    Then::Go,
                ),
                _ => (respond(&action, config, index), Then::Go),
            };
            if write(writer, &bytes).await.is_err() {
                return;
            }
            if name == "coreshowchannels" {
                link.listed.send_replace(true);
            }
            match then {
                Then::Go => {}
                Then::LoggedIn => {
                    if let Some(logged_in) = logged_in.take() {
                        logged_in.send(()).ok();
                    }
                }
                Then::Close => return,
            }
        }
    }
}

/// A response to `action`: `Response: <kind>`, its `ActionID` (when it had
/// one, as Asterisk does), then `pairs`.
fn reply(action: &Message, kind: &str, pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut message = Message::from_pairs([("Response", kind)]);
    if let Some(id) = action.action_id() {
        message.push("ActionID", id);
    }
    for (key, value) in pairs {
        message.push(key, value);
    }
    message.to_bytes()
}

/// Checks a login: MD5 key or plain secret. Refused after a delay, and the
/// connection closed, as Asterisk does.
async fn login(action: &Message, config: &ServerConfig, challenged: bool) -> (Vec<u8>, Then) {
    let user_ok = action.value("Username") == config.user;
    let secret_ok = if action.value("AuthType").eq_ignore_ascii_case("md5") {
        challenged && action.value("Key") == md5_key(CHALLENGE, &config.secret)
    } else {
        action.value("Secret") == config.secret
    };
    if !(user_ok && secret_ok) {
        sleep(config.login_refusal_delay).await;
        return (
            reply(action, "Error", &[("Message", "Authentication failed")]),
            Then::Close,
        );
    }
    let mut bytes = reply(action, "Success", &[("Message", "Authentication accepted")]);
    bytes.extend_from_slice(
        b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 104\r\nLastReload: 104\r\nStatus: Fully Booted\r\n\r\n",
    );
    (bytes, Then::LoggedIn)
}

/// The answer to an action after login.
fn respond(action: &Message, config: &ServerConfig, index: usize) -> Vec<u8> {
    let id = action.action_id().unwrap_or_default();
    match action
        .action()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "ping" => reply(
            action,
            "Success",
            &[("Ping", "Pong"), ("Timestamp", "1795432272.346037")],
        ),
        "coresettings" => reply(
            action,
            "Success",
            &[
                ("AMIversion", "11.0.0"),
                ("AsteriskVersion", &config.asterisk_version),
                ("SystemName", ""),
                ("CoreMaxCalls", "0"),
                ("CoreMaxLoadAvg", "0.000000"),
                ("CoreRunUser", ""),
                ("CoreRunGroup", ""),
                ("CoreMaxFilehandles", "0"),
                ("CoreRealTimeEnabled", "No"),
                ("CoreCDRenabled", "Yes"),
                ("CoreHTTPenabled", "No"),
                ("SoundsSearchCustomDir", "No"),
            ],
        ),
        "coreshowchannels" => {
            let mut bytes = reply(
                action,
                "Success",
                &[("EventList", "start"), ("Message", "Channels will follow")],
            );
            let channels = config
                .channels_per_connection
                .get(index)
                .unwrap_or(&config.channels);
            for channel in channels {
                bytes.extend(with_action_id(channel, id).to_bytes());
            }
            let count = channels.len().to_string();
            let complete = Message::from_pairs([
                ("Event", "CoreShowChannelsComplete"),
                ("ActionID", id),
                ("EventList", "Complete"),
                ("ListItems", count.as_str()),
            ]);
            bytes.extend(complete.to_bytes());
            bytes
        }
        "originate" => originate(action, config),
        _ => {
            let message = format!(
                "Invalid/unknown command: {}. Use Action: ListCommands to show available commands.",
                action.action().unwrap_or_default()
            );
            reply(action, "Error", &[("Message", &message)])
        }
    }
}

/// The answer to `Originate`, and its `OriginateResponse` when the script has one.
fn originate(action: &Message, config: &ServerConfig) -> Vec<u8> {
    let id = action.action_id().unwrap_or_default();
    let mut bytes = reply(
        action,
        "Success",
        &[("Message", "Originate successfully queued")],
    );
    match &config.originate {
        OriginateScript::Error(message) => return reply(action, "Error", &[("Message", message)]),
        OriginateScript::NeverAnswered => {}
        OriginateScript::Failure(reason) => {
            let reason = reason.to_string();
            let event = Message::from_pairs([
                ("Event", "OriginateResponse"),
                ("Privilege", "call,all"),
                ("ActionID", id),
                ("Response", "Failure"),
                ("Channel", action.value("Channel")),
                ("Context", action.value("Context")),
                ("Exten", action.value("Exten")),
                ("Reason", reason.as_str()),
                ("Uniqueid", "<unknown>"),
                ("CallerIDNum", "<unknown>"),
                ("CallerIDName", "<unknown>"),
            ]);
            bytes.extend(event.to_bytes());
        }
        OriginateScript::Fixture(name) => bytes.extend(originate_follow_up(name, id)),
    }
    bytes
}

/// A list item as the PBX sends it for the action `id`: `ActionID` right after `Event`.
fn with_action_id(item: &Message, id: &str) -> Message {
    let mut message = Message::new();
    for (key, value) in item.pairs() {
        if key.eq_ignore_ascii_case("ActionID") {
            continue;
        }
        message.push(key, value);
        if key.eq_ignore_ascii_case("Event") {
            message.push("ActionID", id);
        }
    }
    message
}

/// The recorded frames from after "Originate successfully queued" up to and
/// including the `OriginateResponse`, the recorded `ActionID` replaced by `id`.
fn originate_follow_up(name: &str, id: &str) -> Vec<u8> {
    let bytes = fixture_bytes(name);
    let queued = find(&bytes, b"Message: Originate successfully queued\r\n\r\n").unwrap();
    let start = queued + b"Message: Originate successfully queued\r\n\r\n".len();
    let event = start + find(&bytes[start..], b"Event: OriginateResponse\r\n").unwrap();
    let end = event + find(&bytes[event..], b"\r\n\r\n").unwrap() + 4;
    let text = String::from_utf8(bytes[start..end].to_vec()).unwrap();
    let recorded = text
        .lines()
        .find_map(|line| line.strip_prefix("ActionID: "))
        .unwrap()
        .to_owned();
    text.replace(
        &format!("ActionID: {recorded}\r\n"),
        &format!("ActionID: {id}\r\n"),
    )
    .into_bytes()
}

async fn write(writer: &Writer, bytes: &[u8]) -> std::io::Result<()> {
    let mut writer = writer.lock().await;
    writer.write_all(bytes).await?;
    writer.flush().await
}
