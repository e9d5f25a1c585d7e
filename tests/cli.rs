//! The command line as scripts use it: output, JSON lines and exit codes;
//! `pbx watch` and `dial` against the test AMI server.

use ringdesk::domain::{CustomerId, Outcome};
use ringdesk::store::{Page, Store};

use crate::support::ami_server::{BackgroundServer, OriginateScript, Pace, ServerConfig, Step};
use crate::support::{DataDir, Run};

#[test]
fn add_lookup_and_show_a_customer() {
    let dir = DataDir::new();
    dir.run(&[
        "field",
        "add",
        "인지경로",
        "--kind",
        "choice",
        "--choice",
        "검색",
        "--choice",
        "지인소개",
    ])
    .ok();
    let id = dir
        .run(&[
            "customer",
            "add",
            "--name",
            "홍길동",
            "--phone",
            "휴대폰=010-1234-5678",
            "--phone",
            "02-2299-7123",
            "--email",
            "gd@naver.com",
            "--company",
            "한빛소프트",
            "--group",
            "VIP",
            "--field",
            "인지경로=지인소개",
            "--memo",
            "오전 통화 선호",
        ])
        .ok();
    let id = id.trim();

    for number in [
        "01012345678",
        "+82 10-1234-5678",
        "0082-10-1234-5678",
        "821012345678",
    ] {
        let cards = dir.run(&["lookup", number, "--json"]).json_lines();
        assert_eq!(cards.len(), 1, "{number}");
        assert_eq!(cards[0]["id"].to_string(), id);
        assert_eq!(cards[0]["name"], "홍길동");
        assert_eq!(cards[0]["groups"][0], "VIP");
        assert_eq!(cards[0]["fields"][0]["value"], "지인소개");
    }
    let shown = dir.run(&["customer", "show", id]).ok();
    assert!(
        shown.contains("홍길동") && shown.contains("02-2299-7123"),
        "{shown}"
    );
}

#[test]
fn lookup_of_an_unknown_number_exits_1() {
    let dir = DataDir::new();
    let run = dir.run(&["lookup", "010-9999-0000"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("no customer"), "{}", run.stderr());
    let run = dir.run(&["lookup", "전화"]);
    assert_eq!(run.code(), 2);
}

#[test]
fn a_shared_number_finds_both_customers() {
    let dir = DataDir::new();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "박지훈",
        "--phone",
        "02-2299-7123",
    ])
    .ok();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "박서윤",
        "--phone",
        "0222997123",
    ])
    .ok();
    assert_eq!(
        dir.run(&["lookup", "+82 2-2299-7123", "--json"])
            .json_lines()
            .len(),
        2
    );
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let dir = DataDir::new();
    let cases: &[(&[&str], &str)] = &[
        (&["--name", " "], "name"),
        (&["--name", "김", "--email", "kim@@naver.com"], "email"),
        (&["--name", "김", "--phone", "abc"], "phone"),
        (&["--name", "김", "--field", "nope=1"], "nope"),
        (&["--name", "김", "--memo", &"가".repeat(2700)], "memo"),
    ];
    for (args, field) in cases {
        let mut full = vec!["customer", "add"];
        full.extend_from_slice(args);
        let run = dir.run(&full);
        assert_eq!(run.code(), 2, "{args:?}");
        let stderr = run.stderr();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&format!("{field}:")), "{stderr}");
    }
    assert!(dir.run(&["customer", "list"]).ok().is_empty());
}

#[test]
fn search_prints_json_lines_best_first() {
    let dir = DataDir::new();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "김민준",
        "--phone",
        "010-2222-5678",
    ])
    .ok();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1234-5678",
        "--company",
        "민준상사",
    ])
    .ok();
    let hits = dir.run(&["search", "민준", "--json"]).json_lines();
    let names: Vec<&str> = hits
        .iter()
        .map(|hit| hit["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["김민준", "홍길동"]);
    let hits = dir
        .run(&["search", "5678", "--limit", "1", "--json"])
        .json_lines();
    assert_eq!(hits.len(), 1);
}

#[test]
fn config_reads_and_writes_by_dotted_key() {
    let dir = DataDir::new();
    assert!(
        dir.run(&["config", "list"])
            .ok()
            .contains("phone.default_region = \"KR\"")
    );
    assert_eq!(
        dir.run(&["config", "get", "phone.default_region"]).ok(),
        "KR\n"
    );
    dir.run(&["config", "set", "phone.default_region", "JP"])
        .ok();
    assert_eq!(
        dir.run(&["config", "get", "phone.default_region"]).ok(),
        "JP\n"
    );
    // Now a Japanese mobile typed without +81 is a Japanese number.
    dir.run(&[
        "customer",
        "add",
        "--name",
        "山田太郎",
        "--phone",
        "090-1234-5678",
    ])
    .ok();
    let cards = dir
        .run(&["lookup", "+81 90-1234-5678", "--json"])
        .json_lines();
    assert_eq!(cards[0]["phones"][0]["key"], "+819012345678");

    let run = dir.run(&["config", "set", "search.page_size", "many"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("search.page_size"),
        "{}",
        run.stderr()
    );
    let run = dir.run(&["config", "get", "phone.region"]);
    assert_eq!(run.code(), 2);

    // Nested tables by their full dotted key.
    dir.run(&["config", "set", "sms.kannel.username", "ringdesk"])
        .ok();
    assert_eq!(
        dir.run(&["config", "get", "sms.kannel.username"]).ok(),
        "ringdesk\n"
    );
    assert!(
        dir.run(&["config", "list"])
            .ok()
            .contains("sms.kannel.dlr_port = 13080")
    );
}

#[test]
fn a_broken_settings_file_is_reported_and_kept() {
    let dir = DataDir::new();
    std::fs::write(
        dir.path().join("settings.toml"),
        "[phone]\ndefault_region = 82\n",
    )
    .unwrap();
    let run = dir.run(&["customer", "list"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("settings.toml") && run.stderr().contains("line 2"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("settings.toml")).unwrap(),
        "[phone]\ndefault_region = 82\n"
    );
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let first = DataDir::new();
    let second = DataDir::new();
    for dir in [&first, &second] {
        // Reading a setting makes no book, so the first demo-data still
        // loads a new one whole.
        dir.run(&["config", "get", "phone.default_region"]).ok();
        assert!(!dir.database().exists());
        let out = dir
            .run(&["demo-data", "--customers", "300", "--seed", "42"])
            .ok();
        assert!(out.contains("added 300 customers"), "{out}");
        assert!(out.contains("(a new book, loaded whole)"), "{out}");
    }

    let list = |dir: &DataDir| {
        dir.run(&["customer", "list", "--limit", "300", "--json"])
            .json_lines()
    };
    let strip = |rows: Vec<serde_json::Value>| {
        rows.into_iter()
            .map(|mut row| {
                row.as_object_mut().unwrap().remove("updated_at");
                row
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(list(&first)), strip(list(&second)));
    let card = first.run(&["customer", "show", "1", "--json"]).json_lines();
    assert!(!card[0]["phones"].as_array().unwrap().is_empty());
    assert_eq!(card[0]["fields"].as_array().unwrap().len(), 5);
    let more = first.run(&["demo-data", "--customers", "1"]).ok();
    assert!(!more.contains("new book"), "{more}");
}

#[test]
fn logs_go_to_a_daily_file_in_the_data_folder() {
    let dir = DataDir::new();
    dir.run(&["demo-data", "--customers", "10"]).ok();
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .collect();
    assert_eq!(logs.len(), 1);
}

#[test]
fn the_data_folder_can_come_from_the_environment() {
    let dir = DataDir::new();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ringdesk"))
        .args(["customer", "add", "--name", "홍길동"])
        .env("RINGDESK_DATA_DIR", dir.path())
        .env("RINGDESK_SECRETS", "file")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.database().exists());
    assert!(dir.path().join("settings.toml").exists());
    assert_eq!(
        dir.run(&["customer", "list", "--json"]).json_lines().len(),
        1
    );
}

/// The flags that point `pbx watch` and `dial` at `server` as extension 1001.
fn pbx_flags(server: &BackgroundServer, secret: &str) -> Vec<String> {
    [
        "--host",
        "127.0.0.1",
        "--port",
        &server.port().to_string(),
        "--ami-user",
        "crm",
        "--secret",
        secret,
        "--extension",
        "1001",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run_with(dir: &DataDir, args: &[&str], flags: &[String]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(flags.iter().map(String::as_str));
    dir.run(&all)
}

#[test]
fn pbx_watch_prints_this_agents_call_with_the_customer() {
    let dir = DataDir::new();
    let id = dir
        .run(&[
            "customer",
            "add",
            "--name",
            "홍길동",
            "--phone",
            "010-1234-5678",
        ])
        .ok();
    let id: i64 = id.trim().parse().unwrap();
    let server = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Immediate)]);
    let lines = run_with(
        &dir,
        &["pbx", "watch", "--once", "--json"],
        &pbx_flags(&server, "crm-secret"),
    )
    .json_lines();
    let changes: Vec<&str> = lines
        .iter()
        .map(|line| line["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["ringing", "answered", "ended"], "{lines:#?}");
    for line in &lines {
        assert_eq!(line["linked_id"], "1795432197.0");
        assert_eq!(line["direction"], "in");
        assert_eq!(line["customer_id"], id);
        assert_eq!(line["customer_name"], "홍길동");
    }
    assert_eq!(lines[2]["outcome"], "answered");
    assert_eq!(lines[2]["cause"], 16);

    // Logged as the window would log it.
    let store = Store::open(&dir.database()).unwrap();
    let calls = store
        .calls_of_customer(CustomerId(id), Page::first(10))
        .unwrap();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].outcome, Some(Outcome::Answered));
}

#[test]
fn pbx_watch_with_a_wrong_secret_fails_at_once() {
    let dir = DataDir::new();
    let server = BackgroundServer::playing(Vec::new());
    let run = run_with(
        &dir,
        &["pbx", "watch", "--json"],
        &pbx_flags(&server, "wrong-secret"),
    );
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("login failed"), "{}", run.stderr());
    assert!(run.stdout().is_empty(), "{}", run.stdout());
    // No retry: a refused login is not knocked on again, and the command
    // ends with the first refusal rather than waiting to reconnect.
    assert_eq!(server.connections(), 1);
}

#[test]
fn pbx_commands_without_a_host_or_extension_name_the_setting() {
    let dir = DataDir::new();
    let cases: &[(&[&str], &str)] = &[
        (&["pbx", "watch", "--extension", "1001"], "pbx.host"),
        (
            &["dial", "02-1234-5678", "--host", "127.0.0.1"],
            "pbx.extension",
        ),
    ];
    for (args, setting) in cases {
        let run = dir.run(args);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(run.stderr().contains(setting), "{args:?}: {}", run.stderr());
    }
}

#[test]
fn dial_rings_my_phone_then_the_number() {
    let dir = DataDir::new();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "한빛상사",
        "--phone",
        "02-1234-5678",
    ])
    .ok();
    let server = BackgroundServer::start(ServerConfig {
        channels: Vec::new(),
        originate: OriginateScript::Fixture("outbound_click_to_call"),
        ..ServerConfig::default()
    });
    let run = run_with(
        &dir,
        &["dial", "02-1234-5678"],
        &pbx_flags(&server, "crm-secret"),
    );
    assert_eq!(run.ok(), "dialling 02-1234-5678\n");
    let actions = server.actions(0);
    let originate = actions
        .iter()
        .find(|action| action.action() == Some("Originate"))
        .unwrap();
    assert_eq!(originate.get("Channel"), Some("PJSIP/1001"));
    assert_eq!(originate.get("Exten"), Some("0212345678"));
    // The agent's phone shows whom it is about to call.
    assert!(
        originate.value("CallerID").contains("한빛상사"),
        "{originate:?}"
    );
}

#[test]
fn dial_when_my_phone_does_not_answer_fails() {
    let dir = DataDir::new();
    let server = BackgroundServer::start(ServerConfig {
        channels: Vec::new(),
        originate: OriginateScript::Fixture("outbound_click_to_call_busy"),
        ..ServerConfig::default()
    });
    let run = run_with(
        &dir,
        &["dial", "02-1234-5678"],
        &pbx_flags(&server, "crm-secret"),
    );
    assert_ne!(run.code(), 0);
    assert!(
        run.stderr().contains("your phone did not answer"),
        "{}",
        run.stderr()
    );
    assert!(run.stdout().is_empty(), "{}", run.stdout());
}

#[test]
fn sender_numbers_and_templates_are_kept_and_checked() {
    let dir = DataDir::new();
    let added = dir.run(&[
        "sms",
        "sender",
        "add",
        "02-2299-7123",
        "--label",
        "대표번호",
        "--json",
    ]);
    assert_eq!(added.code(), 0, "{}", added.stderr());
    assert!(added.stdout().contains("대표번호"), "{}", added.stdout());
    let listed = dir.run(&["sms", "sender", "list"]).ok();
    assert!(listed.contains("02-2299-7123"), "{listed}");

    let saved = dir.run(&[
        "sms",
        "template",
        "add",
        "--title",
        "방문 감사",
        "--body",
        "#{이름}님, #{회사} 방문 감사합니다.",
        "--from",
        "0222997123",
        "--json",
    ]);
    assert_eq!(saved.code(), 0, "{}", saved.stderr());
    let listed = dir.run(&["sms", "template", "list", "--json"]).ok();
    let template: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(template["title"], "방문 감사");
    assert!(template["sender_number_id"].is_number(), "{template}");

    // Refused before anything is saved, naming the field.
    for (args, field) in [
        (&["--title", "t", "--body", "#{등급} 고객님"][..], "body:"),
        (
            &[
                "--title",
                "t",
                "--body",
                "안녕하세요",
                "--from",
                "010-9999-8888",
            ][..],
            "from:",
        ),
        (&["--title", " ", "--body", "안녕하세요"][..], "title:"),
    ] {
        let mut full = vec!["sms", "template", "add"];
        full.extend_from_slice(args);
        let run = dir.run(&full);
        assert_eq!(run.code(), 2, "{args:?}");
        assert!(run.stderr().contains(field), "{}", run.stderr());
    }
    assert_eq!(
        dir.run(&["sms", "template", "list"]).ok().lines().count(),
        1
    );
    let refused = dir.run(&["sms", "sender", "add", "abc"]);
    assert_eq!(refused.code(), 2);
    assert!(refused.stderr().contains("number:"), "{}", refused.stderr());
}

#[test]
fn a_message_is_sent_with_the_dry_run_gateway_and_logged() {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1234-5678",
    ])
    .ok();
    let sent = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-1234-5678",
        "--text",
        "#{이름}님, 내일 오전 10시 방문 예정입니다.",
        "--json",
    ]);
    assert_eq!(sent.code(), 0, "{}", sent.stderr());
    let outcome = &sent.json_lines()[0];
    assert_eq!(outcome["state"], "delivered", "{outcome}");
    assert_eq!(outcome["error"], serde_json::Value::Null);
    assert_eq!(outcome["uid"].as_str().unwrap().len(), 32);

    let log = dir.run(&["sms", "log", "--json"]).json_lines();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["direction"], "sent");
    assert_eq!(log[0]["state"], "delivered");
    assert_eq!(log[0]["body"], "홍길동님, 내일 오전 10시 방문 예정입니다.");
    assert_eq!(log[0]["customer_id"], 1);
    let text = dir.run(&["sms", "log", "--since", "2020-01-01"]).ok();
    assert!(
        text.contains("\tsent\tdelivered\t010-1234-5678\t"),
        "{text}"
    );

    // Queued without waiting: it stays in the outbox.
    let queued = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-2222-3333",
        "--text",
        "안내",
        "--no-wait",
    ]);
    assert_eq!(queued.code(), 0, "{}", queued.stderr());
    assert!(
        queued.stdout().contains("\tqueued\t"),
        "{}",
        queued.stdout()
    );
}

#[test]
fn a_bad_message_is_refused_naming_the_option_and_nothing_is_queued() {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "김광고",
        "--phone",
        "010-5555-6666",
        "--ad-opt-out",
    ])
    .ok();
    dir.run(&["config", "set", "sms.sender_name", "링데스크"])
        .ok();
    dir.run(&["config", "set", "sms.optout_number", "080-123-4567"])
        .ok();
    let long = "가".repeat(1001);
    let ad = "(광고) 링데스크 1588-1234\n봄맞이 할인\n무료수신거부 080-123-4567";
    let cases: &[(&[&str], &str)] = &[
        (&["--to", "02-2299-7000", "--text", "안녕하세요"], "--to:"),
        (&["--to", "홍길동", "--text", "안녕하세요"], "--to:"),
        (&["--to", "010-1234-5678", "--text", " "], "--text:"),
        (&["--to", "010-1234-5678", "--text", &long], "--text:"),
        (
            &["--to", "010-1234-5678", "--text", "#{이름}님 안녕하세요"],
            "--text:",
        ),
        (
            &["--to", "010-1234-5678", "--text", "#{직급}님 안녕하세요"],
            "--text:",
        ),
        (
            &[
                "--to",
                "010-1234-5678",
                "--text",
                "안녕하세요",
                "--from",
                "02-777-7777",
            ],
            "--from:",
        ),
        (&["--to", "010-5555-6666", "--text", ad, "--ad"], "--to:"),
        (
            &["--to", "010-1234-5678", "--text", "봄맞이 할인", "--ad"],
            "--text:",
        ),
        // Marked (광고) but not sent as advertising.
        (&["--to", "010-1234-5678", "--text", ad], "--text:"),
    ];
    for (args, option) in cases {
        let mut full = vec!["sms", "send"];
        full.extend_from_slice(args);
        let run = dir.run(&full);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr());
        let stderr = run.stderr();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(option), "{args:?}: {stderr}");
    }
    // A number two customers share: one opted out, so no advertising.
    dir.run(&[
        "customer",
        "add",
        "--name",
        "박공유",
        "--phone",
        "010-5555-6666",
    ])
    .ok();
    let run = dir.run(&["sms", "send", "--to", "010-5555-6666", "--text", ad, "--ad"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("--to: the recipient opted out"),
        "{}",
        run.stderr()
    );
    // Two senders: the command line must say which.
    dir.run(&["sms", "sender", "add", "02-2299-7123"]).ok();
    let run = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-1234-5678",
        "--text",
        "안녕하세요",
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("--from:"), "{}", run.stderr());
    // An unknown template does not exist (exit 1).
    let run = dir.run(&["sms", "send", "--to", "010-1234-5678", "--template", "9"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(dir.run(&["sms", "log"]).ok().is_empty());
}

#[test]
fn a_template_is_sent_from_its_own_sender() {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    dir.run(&["sms", "sender", "add", "02-2299-7123"]).ok();
    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1234-5678",
        "--company",
        "한빛",
    ])
    .ok();
    dir.run(&[
        "sms",
        "template",
        "add",
        "--title",
        "방문 감사",
        "--body",
        "#{이름}님, #{회사} 방문 감사합니다.",
        "--from",
        "02-2299-7123",
    ])
    .ok();
    let sent = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-1234-5678",
        "--template",
        "1",
        "--json",
    ]);
    assert_eq!(sent.code(), 0, "{}", sent.stderr());
    let log = dir.run(&["sms", "log", "--json"]).json_lines();
    assert_eq!(log[0]["body"], "홍길동님, 한빛 방문 감사합니다.");
    assert_eq!(log[0]["from_key"], "+82222997123");
}

/// The tiny JPEG the picture tests attach (8×8 red, 286 bytes).
fn tiny_jpeg() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg")
}

#[test]
fn sms_send_image_goes_as_an_mms_and_a_bad_picture_is_refused_naming_the_file() {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    let tiny = tiny_jpeg();
    let tiny = tiny.to_str().unwrap();
    let sent = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-1234-5678",
        "--text",
        "매장 약도입니다.",
        "--image",
        tiny,
        "--json",
    ]);
    assert_eq!(sent.code(), 0, "{}", sent.stderr());
    let outcome = &sent.json_lines()[0];
    assert_eq!(outcome["state"], "delivered", "{outcome}");
    assert_eq!(outcome["kind"], "mms");
    let size = std::fs::metadata(tiny).unwrap().len();
    assert_eq!(outcome["image"]["size_bytes"], size);

    // Not a JPEG, too large, missing: refused before anything is queued,
    // naming --image and the file.
    let png = dir.path().join("logo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n").unwrap();
    let large = dir.path().join("photo.jpg");
    let mut bytes = std::fs::read(tiny).unwrap();
    bytes.resize(300_001, 0);
    std::fs::write(&large, bytes).unwrap();
    let missing = dir.path().join("missing.jpg");
    for (file, why) in [
        (&png, "JPEG"),
        (&large, "300001 bytes"),
        (&missing, "cannot be read"),
    ] {
        let run = dir.run(&[
            "sms",
            "send",
            "--to",
            "010-1234-5678",
            "--text",
            "사진",
            "--image",
            file.to_str().unwrap(),
        ]);
        assert_eq!(run.code(), 2, "{file:?}: {}", run.stderr());
        let stderr = run.stderr();
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            stderr.contains("--image:") && stderr.contains(name) && stderr.contains(why),
            "{stderr}"
        );
    }
    // Kannel carries no pictures: the composer's check says so and what to set.
    dir.run(&["config", "set", "sms.gateway", "kannel"]).ok();
    let run = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-1234-5678",
        "--text",
        "사진",
        "--image",
        tiny,
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("--image:") && run.stderr().contains("sms.http.image_field"),
        "{}",
        run.stderr()
    );

    let log = dir.run(&["sms", "log", "--json"]).json_lines();
    assert_eq!(log.len(), 1, "only the MMS was queued: {log:#?}");
    assert_eq!(log[0]["kind"], "mms");
    assert_eq!(log[0]["image"]["size_bytes"], size);
}

#[test]
fn a_bulk_send_from_a_sheet_reports_its_rows_and_only_a_manager_may_send_one() {
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    let sheet = dir.path().join("고객.csv");
    std::fs::write(
        &sheet,
        "이름,휴대폰\n홍길동,010-1111-2222\n김민준,02-555-0000\n박서연,010-1111-2222\n최지우,010-3333-4444\n",
    )
    .unwrap();
    let sheet = sheet.to_str().unwrap();
    let run = dir.run(&[
        "sms",
        "bulk",
        "--excel",
        sheet,
        "--text",
        "#{이름}님, 점검 안내입니다.",
        "--json",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let outcome = &run.json_lines()[0];
    assert_eq!(outcome["recipients"], 2, "{outcome}");
    assert_eq!(outcome["rows"], 4, "{outcome}");
    assert_eq!(outcome["not_mobile"], 1, "{outcome}");
    assert_eq!(outcome["duplicates"], 1, "{outcome}");
    // Handed over, every one; a delivery report may still be on its way.
    let messages = &outcome["messages"];
    let handed_over = messages["sent"].as_u64().unwrap() + messages["delivered"].as_u64().unwrap();
    assert_eq!(handed_over, 2, "{outcome}");
    let stderr = run.stderr();
    assert!(stderr.contains("row 3: 02-555-0000"), "{stderr}");
    assert!(
        stderr.contains("row 4: 010-1111-2222 repeats row 2"),
        "{stderr}"
    );
    let log = dir.run(&["sms", "log"]).ok();
    assert!(log.contains("홍길동님, 점검 안내입니다."), "{log}");
    assert!(log.contains("최지우님, 점검 안내입니다."), "{log}");

    // A sheet without the named column says which columns it has.
    let run = dir.run(&[
        "sms",
        "bulk",
        "--excel",
        sheet,
        "--phone-column",
        "전화",
        "--text",
        "안내",
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("--phone-column"), "{}", run.stderr());
    assert!(run.stderr().contains("이름, 휴대폰"), "{}", run.stderr());

    // An agent's desk is refused, naming the role that may.
    dir.run(&["config", "set", "user.role", "agent"]).ok();
    let run = dir.run(&["sms", "bulk", "--excel", sheet, "--text", "안내"]);
    assert_ne!(run.code(), 0);
    assert!(
        run.stderr().contains("bulk sending needs the manager role"),
        "{}",
        run.stderr()
    );
    let log = dir.run(&["sms", "log"]).ok();
    assert_eq!(log.lines().count(), 2, "{log}");
}

#[test]
fn b2b_lists_company_domains_and_follows_the_free_mail_setting() {
    let dir = DataDir::new();
    for (name, company, email) in [
        ("김민수", "삼성전자", "minsu@samsung.com"),
        ("이지영", "삼성전자", "jy@Samsung.com"),
        ("山田太郎", "トヨタ", "yamada@toyota.co.jp"),
        ("홍길동", "", "hong@naver.com"),
        ("최유리", "", "yuri@gmail.com"),
    ] {
        let run = dir.run(&[
            "customer",
            "add",
            "--name",
            name,
            "--company",
            company,
            "--email",
            email,
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
    }
    let run = dir.run(&["b2b", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["domain"], "samsung.com");
    assert_eq!(lines[0]["company"], "삼성전자");
    assert_eq!(lines[0]["customers"], 2);
    assert_eq!(lines[1]["domain"], "toyota.co.jp");
    assert_eq!(
        dir.run(&["b2b"]).ok().lines().next(),
        Some("samsung.com\t삼성전자\t2")
    );

    let free = dir.run(&["b2b", "--free-mail"]).ok();
    assert!(free.lines().any(|line| line == "naver.com"), "{free}");

    // An own list replaces the built-in one: naver.com and gmail.com are now companies.
    let set = dir.run(&[
        "config",
        "set",
        "customers.free_mail_domains",
        "samsung.com, toyota.co.jp",
    ]);
    assert_eq!(set.code(), 0, "{}", set.stderr());
    let domains: Vec<String> = dir
        .run(&["b2b", "--json"])
        .json_lines()
        .iter()
        .map(|line| line["domain"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(domains, ["gmail.com", "naver.com"]);
}

#[test]
fn advertising_consent_is_added_shown_and_imported_from_its_columns() {
    let dir = DataDir::new();
    let run = dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--ad-consent",
        "2024.3.5",
        "--ad-consent-channel",
        "서면",
        "--ad-night-consent",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let shown = dir.run(&["customer", "show", "1"]).ok();
    assert!(shown.contains("ad consent: 2024-03-05 (서면)"), "{shown}");
    assert!(shown.contains("night-time ad consent: yes"), "{shown}");
    let card = &dir.run(&["customer", "show", "1", "--json"]).json_lines()[0];
    assert_eq!(card["ad_consent_channel"], "paper");
    assert!(card["ad_consent_at"].is_number(), "{card}");

    let bad = dir.run(&["customer", "add", "--name", "김", "--ad-consent", "어제"]);
    assert_eq!(bad.code(), 2);
    assert!(
        bad.stderr().contains("ad_consent_date:"),
        "{}",
        bad.stderr()
    );
    let bad = dir.run(&[
        "customer",
        "add",
        "--name",
        "김",
        "--ad-consent",
        "2024-01-01",
        "--ad-consent-channel",
        "팩스",
    ]);
    assert_eq!(bad.code(), 2);
    assert!(
        bad.stderr().contains("ad_consent_channel:"),
        "{}",
        bad.stderr()
    );

    let file = dir.path().join("consent.csv");
    std::fs::write(
        &file,
        "이름,휴대폰,광고수신동의,수신동의일,동의경로,야간수신동의,수신거부\n\
         김민수,010-1111-2222,Y,2023-07-01,웹,예,N\n\
         이지영,010-3333-4444,아니오,2023-07-02,전화,N,수신거부\n\
         박서준,010-5555-6666,동의,,문자,0,0\n",
    )
    .unwrap();
    let run = dir.run(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let card = |id: &str| dir.run(&["customer", "show", id, "--json"]).json_lines()[0].clone();
    let kim = card("2");
    assert_eq!(kim["name"], "김민수");
    assert_eq!(kim["ad_consent_channel"], "web");
    assert_eq!(kim["ad_night_consent"], true);
    assert!(kim["ad_opt_out_at"].is_null());
    let lee = card("3");
    assert!(lee["ad_consent_at"].is_null(), "{lee}");
    assert!(lee["ad_consent_channel"].is_null(), "{lee}");
    assert!(lee["ad_opt_out_at"].is_number(), "{lee}");
    let park = card("4");
    assert!(park["ad_consent_at"].is_number(), "{park}");
    assert_eq!(park["ad_consent_channel"], "sms");
    assert_eq!(park["ad_night_consent"], false);
    let shown = dir.run(&["customer", "show", "2"]).ok();
    assert!(shown.contains("ad consent: 2023-07-01 (웹)"), "{shown}");
}
