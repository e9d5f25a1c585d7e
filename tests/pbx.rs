//! The AMI client against the test AMI server (tests/support/ami_server.rs):
//! login, the link's states, reconnects, dead links, garbage, click-to-call,
//! floods of other agents' calls, the full-queue policy, TLS, and every
//! recorded Asterisk transcript replayed. Then the AMI feed into the call
//! desk and a real call log: a call cut off by a reconnect, and one call
//! amid a flood of other agents' calls.

use std::time::Duration;

use ringdesk::backend::{CallChange, CallDesk, Event};
use ringdesk::config::Settings;
use ringdesk::domain::{Call, CallFilter, CustomerDraft, Outcome, PhoneDraft, Region, Timestamp};
use ringdesk::pbx::ami::feed::AmiFeed;
use ringdesk::pbx::ami::{
    self, AmiSettings, ClientEvent, DEFAULT_WANTED_EVENTS, Decoder, Frame, Message,
};
use ringdesk::pbx::{
    ChannelEvent, FeedEvent, FeedRequest, LinkState, OriginateOutcome, OriginateRequest,
    PbxFeed as _,
};
use ringdesk::store::{Page, Store};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};

use crate::support::DataDir;
use crate::support::ami_server::{
    AmiServer, FLOOD_WANTED_PER_CALL, OriginateScript, Pace, ServerConfig, Step, after_login,
    fixture_bytes, fixture_events, fixture_messages, flood_call,
};

const LIMIT: Duration = Duration::from_secs(10);

/// A running client and its two channels.
struct Client {
    events: mpsc::Receiver<ClientEvent>,
    requests: Option<mpsc::Sender<FeedRequest>>,
    task: JoinHandle<()>,
}

impl Client {
    fn start(settings: AmiSettings, capacity: usize) -> Self {
        let (event_tx, events) = mpsc::channel(capacity);
        let (requests, request_rx) = mpsc::channel(16);
        let task = tokio::spawn(ami::run(settings, event_tx, request_rx));
        Self {
            events,
            requests: Some(requests),
            task,
        }
    }

    async fn next(&mut self) -> ClientEvent {
        timeout(LIMIT, self.events.recv())
            .await
            .expect("no event in time")
            .expect("the client stopped")
    }

    /// Events up to and including the first that `stop` accepts.
    async fn until(&mut self, stop: impl Fn(&ClientEvent) -> bool) -> Vec<ClientEvent> {
        let mut seen = Vec::new();
        loop {
            let event = timeout(LIMIT, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out; so far {seen:#?}"))
                .expect("the client stopped");
            let done = stop(&event);
            seen.push(event);
            if done {
                return seen;
            }
        }
    }

    async fn request(&self, request: FeedRequest) {
        self.requests.as_ref().unwrap().send(request).await.unwrap();
    }

    async fn originate(&mut self, id: u64) -> OriginateOutcome {
        self.request(FeedRequest::Originate(OriginateRequest {
            id,
            extension: "1001".to_owned(),
            number: "0212345678".to_owned(),
            caller_id_name: "Click-to-call".to_owned(),
        }))
        .await;
        let events = self
            .until(|event| matches!(event, ClientEvent::Originated { .. }))
            .await;
        let Some(ClientEvent::Originated {
            id: answered,
            outcome,
        }) = events.last()
        else {
            unreachable!()
        };
        assert_eq!(*answered, id);
        outcome.clone()
    }

    /// Closes `requests` and waits for the task to end.
    async fn stop(mut self) {
        self.requests = None;
        timeout(LIMIT, self.task)
            .await
            .expect("the client did not stop")
            .unwrap();
    }
}

fn connected(event: &ClientEvent) -> bool {
    matches!(event, ClientEvent::Link(LinkState::Connected { .. }))
}

fn snapshot(event: &ClientEvent) -> bool {
    matches!(event, ClientEvent::Snapshot { .. })
}

fn messages(events: &[ClientEvent]) -> Vec<Message> {
    events
        .iter()
        .filter_map(|event| match event {
            ClientEvent::Message { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// The wanted events in `bytes`, decoded directly with the codec.
fn wanted_in(bytes: &[u8]) -> Vec<Message> {
    let mut decoder = Decoder::default();
    decoder.feed(bytes);
    std::iter::from_fn(|| decoder.next_frame())
        .filter_map(|frame| match frame {
            Frame::Message(message) => Some(message),
            _ => None,
        })
        .filter(|message| {
            message
                .event()
                .is_some_and(|event| DEFAULT_WANTED_EVENTS.contains(&event))
        })
        .collect()
}

/// A wanted event that ends a script, so a test knows everything before it arrived.
fn marker(tag: &str) -> Step {
    Step::Send(Message::from_pairs([("Event", "Hangup"), ("Uniqueid", tag)]).to_bytes())
}

fn is_marker(event: &ClientEvent, tag: &str) -> bool {
    matches!(event, ClientEvent::Message { message, .. } if message.get("Uniqueid") == Some(tag))
}

fn server(scripts: Vec<Vec<Step>>) -> ServerConfig {
    ServerConfig {
        scripts,
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn md5_login_reports_the_core_settings_version_then_a_snapshot() {
    let server = AmiServer::start(ServerConfig::default()).await;
    let mut client = Client::start(server.settings("crm-secret"), 64);
    assert_eq!(
        client.next().await,
        ClientEvent::Link(LinkState::Connecting)
    );
    // The banner says 11.0.0 (the AMI protocol); the version is CoreSettings'.
    assert_eq!(
        client.next().await,
        ClientEvent::Link(LinkState::Connected {
            pbx_version: "22.10.1".to_owned()
        })
    );
    let ClientEvent::Snapshot { channels, .. } = client.next().await else {
        panic!("no snapshot")
    };
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[0].value("Channel"), "PJSIP/trunk-0000000e");
    assert_eq!(channels[1].value("Channel"), "PJSIP/1001-0000000f");
    client.stop().await;

    assert!(
        server
            .wait_until(LIMIT, |connections| connections[0]
                .last()
                .and_then(Message::action)
                == Some("Logoff"))
            .await
    );
    assert_eq!(
        server.action_names(0),
        [
            "Challenge",
            "Login",
            "CoreSettings",
            "CoreShowChannels",
            "Logoff"
        ]
    );
    let actions = server.actions(0);
    let login = &actions[1];
    assert_eq!(login.get("AuthType"), Some("md5"));
    assert_eq!(login.get("Secret"), None);
    assert_eq!(login.get("Events"), Some("call,agent"));
    let mut ids: Vec<&str> = actions
        .iter()
        .map(|action| action.action_id().unwrap())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("ringdesk-")), "{ids:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), actions.len(), "ActionIDs repeat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pbx_without_challenge_gets_the_plain_secret() {
    let server = AmiServer::start(ServerConfig {
        challenge: false,
        asterisk_version: "20.5.2".to_owned(),
        ..ServerConfig::default()
    })
    .await;
    let mut client = Client::start(server.settings("crm-secret"), 64);
    let events = client.until(connected).await;
    assert_eq!(
        events.last(),
        Some(&ClientEvent::Link(LinkState::Connected {
            pbx_version: "20.5.2".to_owned()
        }))
    );
    let login = &server.actions(0)[1];
    assert_eq!(login.action(), Some("Login"));
    assert_eq!(login.get("Secret"), Some("crm-secret"));
    assert_eq!(login.get("Events"), Some("call,agent"));
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_is_not_retried_until_asked() {
    let server = AmiServer::start(ServerConfig::default()).await;
    let mut client = Client::start(server.settings("wrong-secret"), 64);
    assert_eq!(
        client.next().await,
        ClientEvent::Link(LinkState::Connecting)
    );
    assert_eq!(
        client.next().await,
        ClientEvent::Link(LinkState::LoginFailed {
            reason: "Authentication failed".to_owned()
        })
    );
    // Backoff is 50–200 ms in these settings: a retry would have happened by now.
    sleep(Duration::from_millis(1500)).await;
    assert_eq!(server.connections(), 1);
    assert!(client.events.try_recv().is_err());
    // Click-to-call meanwhile is answered at once.
    assert_eq!(client.originate(3).await, OriginateOutcome::NotConnected);

    client.request(FeedRequest::Reconnect).await;
    assert_eq!(
        client.next().await,
        ClientEvent::Link(LinkState::Connecting)
    );
    assert!(matches!(
        client.next().await,
        ClientEvent::Link(LinkState::LoginFailed { .. })
    ));
    assert_eq!(server.connections(), 2);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_cut_mid_frame_reconnects_and_loses_nothing_whole() {
    let server = AmiServer::start(server(vec![
        vec![Step::Send(flood_call(0)), Step::CutMidFrame],
        vec![
            Step::Wait(Duration::from_millis(100)),
            Step::Send(flood_call(1)),
            marker("end"),
        ],
    ]))
    .await;
    let mut client = Client::start(server.settings("crm-secret"), 256);
    let events = client.until(|event| is_marker(event, "end")).await;

    let retry = events
        .iter()
        .position(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
        .expect("no Retrying");
    let after = &events[retry..];
    let reconnected = after
        .iter()
        .position(connected)
        .expect("not connected again");
    assert!(
        after[reconnected..].iter().any(snapshot),
        "no snapshot after the reconnect: {after:#?}"
    );
    let mut expected = wanted_in(&flood_call(0));
    expected.extend(wanted_in(&flood_call(1)));
    let mut got = messages(&events);
    got.pop(); // The marker.
    assert_eq!(got, expected);
    assert_eq!(server.connections(), 2);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_pbx_is_detected_and_left() {
    let server = AmiServer::start(server(vec![vec![
        // After the login and the first snapshot have been answered.
        Step::Wait(Duration::from_millis(100)),
        Step::Silent,
    ]]))
    .await;
    let mut settings = server.settings("crm-secret");
    settings.ping_every = Duration::from_millis(200);
    settings.action_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let mut client = Client::start(settings, 64);
    client.until(connected).await;
    let events = client
        .until(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
        .await;
    let Some(ClientEvent::Link(LinkState::Retrying { reason, .. })) = events.last() else {
        unreachable!()
    };
    assert!(
        reason.contains("Ping") || reason.contains("nothing heard"),
        "{reason}"
    );
    client.until(connected).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(server.action_names(0).contains(&"Ping".to_owned()));
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_oversized_frames_are_survived_and_later_events_still_arrive() {
    // A wanted event far over the frame limit: skipped, not delivered.
    let mut oversized = b"Event: Newchannel\r\n".to_vec();
    for line in 0..2000 {
        oversized
            .extend_from_slice(format!("ChanVariable: LINE{line}=xxxxxxxxxxxxxxxx\r\n").as_bytes());
    }
    oversized.extend_from_slice(b"\r\n");
    let server = AmiServer::start(server(vec![vec![
        Step::Send(flood_call(0)),
        Step::Garbage,
        Step::Send(oversized),
        Step::Send(flood_call(1)),
        marker("end"),
    ]]))
    .await;
    let mut settings = server.settings("crm-secret");
    settings.max_frame = 16 * 1024;
    let mut client = Client::start(settings, 256);
    let events = client.until(|event| is_marker(event, "end")).await;
    assert!(
        !events
            .iter()
            .any(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
    );
    let mut expected = wanted_in(&flood_call(0));
    expected.extend(wanted_in(&flood_call(1)));
    let mut got = messages(&events);
    got.pop();
    assert_eq!(got, expected);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_to_call_answered_by_the_agent_is_dialling() {
    let server = AmiServer::start(ServerConfig::default()).await;
    let mut client = Client::start(server.settings("crm-secret"), 256);
    client.until(snapshot).await;
    assert_eq!(client.originate(7).await, OriginateOutcome::Dialling);
    let originate = server
        .actions(0)
        .into_iter()
        .find(|action| action.action() == Some("Originate"))
        .unwrap();
    assert_eq!(originate.get("Channel"), Some("PJSIP/1001"));
    assert_eq!(originate.get("Exten"), Some("0212345678"));
    assert_eq!(originate.get("Context"), Some("from-internal"));
    assert_eq!(originate.get("Priority"), Some("1"));
    assert_eq!(
        originate.get("CallerID"),
        Some("\"Click-to-call\" <0212345678>")
    );
    assert_eq!(originate.get("Timeout"), Some("30000"));
    assert_eq!(originate.get("Async"), Some("true"));
    assert!(originate.action_id().unwrap().starts_with("ringdesk-"));
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_to_call_to_a_busy_agent_did_not_answer() {
    let server = AmiServer::start(ServerConfig {
        originate: OriginateScript::Fixture("outbound_click_to_call_busy"),
        ..ServerConfig::default()
    })
    .await;
    let mut client = Client::start(server.settings("crm-secret"), 256);
    client.until(snapshot).await;
    assert_eq!(
        client.originate(8).await,
        OriginateOutcome::AgentDidNotAnswer
    );
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_to_call_refusals_and_silence() {
    let cases = [
        (
            OriginateScript::Error("Permission denied"),
            OriginateOutcome::NotPermitted("Permission denied".to_owned()),
        ),
        (
            OriginateScript::Error("Originate failed"),
            OriginateOutcome::Failed("Originate failed".to_owned()),
        ),
        (
            OriginateScript::Failure(5),
            OriginateOutcome::AgentDidNotAnswer,
        ),
        (
            OriginateScript::Failure(8),
            OriginateOutcome::Failed(
                "Congestion: the PBX could not place the call to the agent's phone (Reason 8)"
                    .to_owned(),
            ),
        ),
        (
            OriginateScript::NeverAnswered,
            OriginateOutcome::AgentDidNotAnswer,
        ),
    ];
    for (script, expected) in cases {
        let server = AmiServer::start(ServerConfig {
            originate: script.clone(),
            ..ServerConfig::default()
        })
        .await;
        let mut settings = server.settings("crm-secret");
        settings.originate_timeout = Duration::from_millis(200);
        settings.action_timeout = Duration::from_millis(300);
        let mut client = Client::start(settings, 256);
        client.until(snapshot).await;
        assert_eq!(client.originate(9).await, expected, "{script:?}");
        client.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn click_to_call_without_a_link_is_not_connected() {
    // A port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut settings = AmiSettings::new("127.0.0.1", port, "crm", "crm-secret");
    settings.backoff_min = Duration::from_millis(50);
    settings.backoff_max = Duration::from_millis(100);
    let mut client = Client::start(settings, 64);
    let events = client
        .until(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
        .await;
    let Some(ClientEvent::Link(LinkState::Retrying { reason, in_secs })) = events.last() else {
        unreachable!()
    };
    assert!(reason.contains("could not connect"), "{reason}");
    assert_eq!(*in_secs, 1);
    assert_eq!(client.originate(1).await, OriginateOutcome::NotConnected);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_other_agents_calls_is_kept_up_with() {
    const CALLS: usize = 1000;
    // 60,000 calls a minute: sixty times the 1,000.
    let server = AmiServer::start(server(vec![vec![
        Step::Flood {
            calls: CALLS,
            per_minute: 60_000,
        },
        marker("end"),
    ]]))
    .await;
    let mut client = Client::start(server.settings("crm-secret"), 20_000);
    let events = client.until(|event| is_marker(event, "end")).await;
    let mut got = messages(&events);
    got.pop();
    assert_eq!(got.len(), CALLS * FLOOD_WANTED_PER_CALL);
    let expected: Vec<Message> = (0..CALLS)
        .flat_map(|call| wanted_in(&flood_call(call)))
        .collect();
    assert!(got == expected, "events differ from what was sent");
    assert_eq!(events.iter().filter(|event| snapshot(event)).count(), 1);
    assert!(
        !events
            .iter()
            .any(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
    );
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_drops_events_then_resends_a_snapshot() {
    let server = AmiServer::start(server(vec![vec![
        Step::Wait(Duration::from_millis(200)),
        Step::Flood {
            calls: 300,
            per_minute: 600_000,
        },
        // Sent once the test has begun to read again.
        Step::Wait(Duration::from_secs(2)),
        marker("end"),
    ]]))
    .await;
    // Eight slots and nobody reading for a while.
    let mut client = Client::start(server.settings("crm-secret"), 8);
    sleep(Duration::from_secs(1)).await;
    let events = client.until(|event| is_marker(event, "end")).await;
    let all: Vec<&ClientEvent> = events.iter().collect();
    let snapshots = all.iter().filter(|event| snapshot(event)).count();
    assert!(
        snapshots >= 2,
        "no fresh snapshot after the drops: {snapshots}"
    );
    let delivered = all
        .iter()
        .filter(|event| matches!(event, ClientEvent::Message { .. }))
        .count();
    assert!(
        delivered < 300 * FLOOD_WANTED_PER_CALL,
        "nothing was dropped"
    );
    assert!(
        !all.iter()
            .any(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
    );
    // The client kept reading: the link stayed up and answered the resync.
    let lists = server
        .action_names(0)
        .iter()
        .filter(|name| *name == "CoreShowChannels")
        .count();
    assert!(lists >= 2, "{lists}");
    assert_eq!(server.connections(), 1);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcript_replayed_delivers_its_wanted_events_in_order() {
    let mut names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ami"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
            .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for (index, name) in names.iter().enumerate() {
        let name: &'static str = Box::leak(name.clone().into_boxed_str());
        // Half at the recorded pace (30 times faster, frames split where
        // they were), half all at once.
        let pace = if index % 2 == 0 {
            Pace::Recorded(30)
        } else {
            Pace::Immediate
        };
        let server =
            AmiServer::start(server(vec![vec![Step::Replay(name, pace), marker("end")]])).await;
        let mut client = Client::start(server.settings("crm-secret"), 4096);
        let events = client.until(|event| is_marker(event, "end")).await;
        let mut got = messages(&events);
        got.pop();
        let bytes = fixture_bytes(name);
        let expected = wanted_in(&bytes[after_login(&bytes)..]);
        assert_eq!(got, expected, "{name}");
        // Cross-check against the whole transcript decoded in one go.
        let whole: Vec<Message> = fixture_messages(name)
            .into_iter()
            .filter(|message| {
                message
                    .event()
                    .is_some_and(|event| DEFAULT_WANTED_EVENTS.contains(&event))
            })
            .collect();
        assert_eq!(got, whole, "{name}");
        client.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_a_self_signed_certificate() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let server = AmiServer::start(ServerConfig {
        tls: Some((
            certified.cert.der().to_vec(),
            certified.signing_key.serialize_der(),
        )),
        ..ServerConfig::default()
    })
    .await;
    let mut settings = server.settings("crm-secret");
    settings.host = "localhost".to_owned();
    settings.tls = true;

    // Not trusted without the certificate.
    let mut untrusted = Client::start(settings.clone(), 64);
    let events = untrusted
        .until(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
        .await;
    let Some(ClientEvent::Link(LinkState::Retrying { reason, .. })) = events.last() else {
        unreachable!()
    };
    assert!(reason.contains("TLS"), "{reason}");
    untrusted.stop().await;

    settings.extra_root_cert = Some(certified.cert.pem().into_bytes());
    let mut client = Client::start(settings, 64);
    client.until(snapshot).await;
    assert_eq!(client.originate(4).await, OriginateOutcome::Dialling);
    client.stop().await;
    assert!(server.port() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_link_is_retried_after_a_backoff() {
    let server = AmiServer::start(server(vec![vec![Step::Close]])).await;
    let mut client = Client::start(server.settings("crm-secret"), 64);
    let events = client
        .until(|event| matches!(event, ClientEvent::Link(LinkState::Retrying { .. })))
        .await;
    assert_eq!(
        events.last(),
        Some(&ClientEvent::Link(LinkState::Retrying {
            in_secs: 1,
            reason: "the PBX closed the connection".to_owned()
        }))
    );
    client.until(snapshot).await;
    assert_eq!(server.connections(), 2);
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_request_drops_the_link_and_connects_at_once() {
    let server = AmiServer::start(ServerConfig::default()).await;
    let mut client = Client::start(server.settings("crm-secret"), 64);
    client.until(snapshot).await;
    client.request(FeedRequest::Reconnect).await;
    let events = client.until(snapshot).await;
    assert!(
        matches!(
            events.as_slice(),
            [
                ClientEvent::Link(LinkState::Connecting),
                ClientEvent::Link(LinkState::Connected { .. }),
                ClientEvent::Snapshot { .. },
            ]
        ),
        "{events:#?}"
    );
    assert_eq!(server.connections(), 2);
    // The client has written its Logoff before connecting again; the
    // server's reader may take a moment longer to record it.
    let logged_off = server
        .wait_until(LIMIT, |connections| {
            connections[0].last().and_then(|action| action.action()) == Some("Logoff")
        })
        .await;
    assert!(logged_off, "{:?}", server.action_names(0));
    client.stop().await;
}

/// The call in `inbound_answered`: 01012345678 rings extension 1001.
const CALL: &str = "1795432197.0";

/// Extension 1001's station: a call desk on a real store file, and what
/// it told the window.
struct Station {
    dir: DataDir,
    desk: CallDesk,
    /// Every feed event, in order.
    feed: Vec<FeedEvent>,
    /// Every window event, in order.
    events: Vec<Event>,
}

impl Station {
    /// 홍길동 owns the caller's number.
    fn new() -> Self {
        let dir = DataDir::new();
        let mut store = Store::open(&dir.database()).unwrap();
        let draft = CustomerDraft {
            name: "홍길동".to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: "010-1234-5678".to_owned(),
            }],
            ..CustomerDraft::default()
        };
        store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
        let mut settings = Settings::default();
        "1001".clone_into(&mut settings.pbx.extension);
        let desk = CallDesk::new(Store::open(&dir.database()).unwrap(), &settings);
        Self {
            dir,
            desk,
            feed: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Runs the AMI feed for `settings` into the desk until the recorded
    /// call has ended.
    async fn follow(&mut self, settings: AmiSettings) {
        let (event_tx, mut feed) = mpsc::channel(4096);
        let (_requests, request_rx) = mpsc::channel(4);
        let task =
            tokio::spawn(Box::new(AmiFeed::with_settings(settings)).run(event_tx, request_rx));
        while !self.ended() {
            let event = timeout(LIMIT, feed.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out; so far {:#?}", self.events))
                .expect("the feed stopped");
            self.feed.push(event.clone());
            self.events.extend(self.desk.events(event));
        }
        task.abort();
    }

    fn ended(&self) -> bool {
        self.events.iter().any(|event| {
            matches!(event, Event::CallChanged { change: CallChange::Ended, call, .. } if call.linked_id == CALL)
        })
    }

    /// The changes of the recorded call, in order.
    fn changes(&self) -> Vec<CallChange> {
        self.events
            .iter()
            .filter_map(|event| match event {
                Event::CallChanged { change, call, .. } if call.linked_id == CALL => Some(*change),
                _ => None,
            })
            .collect()
    }

    /// How many pop-ups the window was asked to show.
    fn popups(&self) -> usize {
        self.events
            .iter()
            .filter(|event| matches!(event, Event::CallRinging(_)))
            .count()
    }

    /// Every row of the call log.
    fn calls(&self) -> Vec<Call> {
        Store::open(&self.dir.database())
            .unwrap()
            .calls_where(
                &CallFilter::period(Timestamp(0), Timestamp(i64::MAX)),
                Page::first(100),
            )
            .unwrap()
    }

    /// The one row the recorded call left: answered and ended.
    #[track_caller]
    fn assert_one_answered_call(&self) {
        let calls = self.calls();
        assert_eq!(calls.len(), 1, "{calls:#?}");
        let call = &calls[0];
        assert_eq!(call.pbx_call_id.as_deref(), Some(CALL));
        assert_eq!(call.customer_name.as_deref(), Some("홍길동"));
        assert_eq!(call.outcome, Some(Outcome::Answered), "{call:?}");
        // Ended by the PBX's Hangup (normal clearing), not given up on.
        assert_eq!(call.cause, Some(16), "{call:?}");
        assert!(
            call.answered_at.is_some() && call.ended_at.is_some(),
            "{call:?}"
        );
    }
}

/// A `CoreShowChannel` for a channel of the recorded call as it was while
/// the parties talked, built from its `BridgeEnter`.
fn listed_up(bridged: &Message) -> Message {
    let mut listed = Message::from_pairs([("Event", "CoreShowChannel")]);
    for (key, value) in bridged.pairs() {
        if key != "Event" && key != "Privilege" && !key.starts_with("Bridge") {
            listed.push(key, value);
        }
    }
    let (application, data) = if bridged.value("Channel").starts_with("PJSIP/trunk") {
        ("Dial", "PJSIP/1001,20")
    } else {
        ("AppDial", "(Outgoing Line)")
    };
    listed.push("Application", application);
    listed.push("ApplicationData", data);
    listed.push("Duration", "00:00:01");
    listed.push("BridgeId", bridged.value("BridgeUniqueid"));
    listed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_across_a_reconnect_is_logged_once_and_pops_up_once() {
    // The link breaks while the parties talk; when it is back, the PBX lists
    // the call's two channels, up and bridged, and then the call ends.
    let bytes = fixture_bytes("inbound_answered");
    let find = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .position(|window| window == needle)
            .unwrap()
    };
    let talking = find(b"Event: HangupRequest\r\n");
    let goodbye = find(b"Response: Goodbye\r\n");
    let channels: Vec<Message> = fixture_events("inbound_answered", "BridgeEnter")
        .iter()
        .map(listed_up)
        .collect();
    assert_eq!(channels.len(), 2);
    let server = AmiServer::start(ServerConfig {
        channels: Vec::new(),
        channels_per_connection: vec![Vec::new(), channels],
        scripts: vec![
            vec![
                Step::AfterList,
                Step::Send(bytes[after_login(&bytes)..talking].to_vec()),
                Step::CutMidFrame,
            ],
            vec![
                Step::AfterList,
                Step::Send(bytes[talking..goodbye].to_vec()),
            ],
        ],
        ..ServerConfig::default()
    })
    .await;
    let mut station = Station::new();
    station.follow(server.settings("crm-secret")).await;

    assert_eq!(server.connections(), 2);
    let links: Vec<&LinkState> = station
        .feed
        .iter()
        .filter_map(|event| match event {
            FeedEvent::Link(state) => Some(state),
            _ => None,
        })
        .collect();
    assert!(
        matches!(
            links.as_slice(),
            [
                LinkState::Connecting,
                LinkState::Connected { .. },
                LinkState::Retrying { .. },
                LinkState::Connecting,
                LinkState::Connected { .. },
            ]
        ),
        "{links:#?}"
    );
    assert_eq!(
        station.changes(),
        [CallChange::Ringing, CallChange::Answered, CallChange::Ended]
    );
    assert_eq!(station.popups(), 1);
    station.assert_one_answered_call();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_call_amid_a_flood_of_other_agents_calls_pops_up_once() {
    // 1,200 calls a minute for other extensions, and meanwhile the recorded
    // call for 1001 at four times its speed.
    let server = AmiServer::start(ServerConfig {
        channels: Vec::new(),
        scripts: vec![vec![
            Step::AfterList,
            Step::Alongside(
                vec![Step::Flood {
                    calls: 60,
                    per_minute: 1200,
                }],
                vec![Step::Replay("inbound_answered", Pace::Recorded(4))],
            ),
        ]],
        ..ServerConfig::default()
    })
    .await;
    let mut station = Station::new();
    station.follow(server.settings("crm-secret")).await;

    // Other agents' calls came before, during and after this one rang.
    let flood_hangup = |event: &FeedEvent| {
        matches!(event, FeedEvent::Channel { event: ChannelEvent::HungUp { channel, .. }, .. }
            if channel.linked_id.starts_with("1795500000."))
    };
    let ringing = station
        .feed
        .iter()
        .position(|event| matches!(event, FeedEvent::Channel { event: ChannelEvent::Created(channel), .. } if channel.linked_id == CALL))
        .unwrap();
    let before = station.feed[..ringing]
        .iter()
        .filter(|e| flood_hangup(e))
        .count();
    let during = station.feed[ringing..]
        .iter()
        .filter(|e| flood_hangup(e))
        .count();
    assert!(before > 0 && during > 0, "before {before}, during {during}");

    assert_eq!(station.popups(), 1);
    assert_eq!(
        station.changes(),
        [CallChange::Ringing, CallChange::Answered, CallChange::Ended]
    );
    station.assert_one_answered_call();
}
