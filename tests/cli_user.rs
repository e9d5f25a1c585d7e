//! `ringdesk user …` through the real binary: passwords on standard input,
//! refusals with their reason and nothing half-created.

use ringdesk::domain::Timestamp;
use ringdesk::store::Store;

use crate::support::DataDir;

fn add(dir: &DataDir, login: &str, role: &str, password: &str) -> crate::support::Run {
    dir.run_with_input(
        &[
            "user",
            "add",
            "--login",
            login,
            "--role",
            role,
            "--display-name",
            "김민수",
            "--extension",
            "1001",
            "--password-stdin",
        ],
        &format!("{password}\n"),
    )
}

fn logins(dir: &DataDir) -> Vec<String> {
    dir.run(&["user", "list", "--json"])
        .json_lines()
        .iter()
        .map(|user| user["login"].as_str().unwrap().to_owned())
        .collect()
}

fn signs_in(dir: &DataDir, login: &str, password: &str) -> bool {
    let mut store = Store::open(&dir.database()).unwrap();
    store.sign_in(login, password, Timestamp::now()).is_ok()
}

#[test]
fn an_admin_added_with_a_password_on_stdin_signs_in_with_it() {
    let dir = DataDir::new();
    let id = add(&dir, "kim", "admin", "비밀번호 1234").ok();
    assert!(id.trim().parse::<i64>().is_ok(), "{id}");
    let users = dir.run(&["user", "list", "--json"]).json_lines();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["login"], "kim");
    assert_eq!(users[0]["display_name"], "김민수");
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["extension"], "1001");
    assert_eq!(users[0]["enabled"], true);
    let listed = users[0].to_string();
    assert!(
        !listed.contains("argon2") && !listed.contains("password"),
        "{listed}"
    );
    assert_eq!(
        dir.run(&["user", "list"]).ok(),
        "kim  김민수  admin  1001  enabled\n"
    );
    assert!(signs_in(&dir, "kim", "비밀번호 1234"));
    assert!(!signs_in(&dir, "kim", "비밀번호"));
}

#[test]
fn a_taken_login_a_short_password_and_bad_fields_create_nothing() {
    let dir = DataDir::new();
    add(&dir, "kim", "admin", "password1").ok();

    let taken = add(&dir, "KIM", "agent", "password2");
    assert_eq!(taken.code(), 2);
    assert!(
        taken.stderr().contains("already exists"),
        "{}",
        taken.stderr()
    );

    let short = add(&dir, "lee", "agent", "short");
    assert_eq!(short.code(), 2);
    assert!(
        short
            .stderr()
            .contains("password: is 5 characters long; at least 8"),
        "{}",
        short.stderr()
    );
    let empty = add(&dir, "lee", "agent", "");
    assert_eq!(empty.code(), 2);
    assert!(
        empty.stderr().contains("password: must not be empty"),
        "{}",
        empty.stderr()
    );
    let role = add(&dir, "lee", "boss", "password2");
    assert_eq!(role.code(), 2);
    assert!(role.stderr().contains("role"), "{}", role.stderr());
    let login = add(&dir, "lee park", "agent", "password2");
    assert_eq!(login.code(), 2);
    assert!(login.stderr().contains("login"), "{}", login.stderr());

    assert_eq!(logins(&dir), ["kim"]);

    // The minimum comes from the settings.
    dir.run(&["config", "set", "user.password_min_chars", "12"])
        .ok();
    let under = add(&dir, "lee", "agent", "password123");
    assert!(under.stderr().contains("at least 12"), "{}", under.stderr());
    add(&dir, "lee", "agent", "password1234").ok();
    assert_eq!(logins(&dir), ["kim", "lee"]);
}

#[test]
fn a_disabled_user_cannot_sign_in_or_get_a_password_until_enabled() {
    let dir = DataDir::new();
    add(&dir, "boss", "admin", "password1").ok();
    add(&dir, "kim", "agent", "password1").ok();
    assert_eq!(dir.run(&["user", "disable", "kim"]).ok(), "kim disabled\n");
    assert!(!signs_in(&dir, "kim", "password1"));
    assert!(
        dir.run(&["user", "list"])
            .ok()
            .contains("kim  김민수  agent  1001  disabled")
    );

    let passwd = dir.run_with_input(
        &["user", "passwd", "kim", "--password-stdin"],
        "password2\n",
    );
    assert_eq!(passwd.code(), 2);
    assert!(passwd.stderr().contains("disabled"), "{}", passwd.stderr());

    dir.run(&["user", "enable", "kim"]).ok();
    assert!(signs_in(&dir, "kim", "password1"));
    dir.run_with_input(
        &["user", "passwd", "kim", "--password-stdin"],
        "password2\n",
    )
    .ok();
    assert!(signs_in(&dir, "kim", "password2"));
    assert!(!signs_in(&dir, "kim", "password1"));

    let unknown = dir.run(&["user", "disable", "nobody"]);
    assert_eq!(unknown.code(), 1);
    assert!(unknown.stderr().contains("nobody"), "{}", unknown.stderr());

    let last = dir.run(&["user", "disable", "boss"]);
    assert_eq!(last.code(), 2);
    assert!(last.stderr().contains("last admin"), "{}", last.stderr());
}

#[test]
fn without_a_terminal_the_password_prompt_says_to_use_stdin() {
    // Run from a terminal, the prompt would wait for someone to type.
    if std::fs::File::open("/dev/tty").is_ok() {
        return;
    }
    let dir = DataDir::new();
    let run = dir.run(&["user", "add", "--login", "kim", "--role", "agent"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("--password-stdin"),
        "{}",
        run.stderr()
    );
    assert!(logins(&dir).is_empty());
}
