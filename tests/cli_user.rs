//! `ringdesk user …` through the real binary: passwords on standard input,
//! refusals with their reason and nothing half-created.

use ringdesk::domain::Timestamp;
use ringdesk::store::Store;

use crate::support::DataDir;

/// Adds a user, as `who` (login, password) once anyone can sign in.
fn add_as(
    dir: &DataDir,
    who: Option<(&str, &str)>,
    login: &str,
    role: &str,
    password: &str,
) -> crate::support::Run {
    dir.run_with_input_as(
        who,
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

/// Adds the first admin, before anyone can sign in.
fn add(dir: &DataDir, login: &str, role: &str, password: &str) -> crate::support::Run {
    add_as(dir, None, login, role, password)
}

fn logins(dir: &DataDir, who: (&str, &str)) -> Vec<String> {
    dir.run_as(who.0, who.1, &["user", "list", "--json"])
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
    let kim = ("kim", "비밀번호 1234");
    let users = dir
        .run_as(kim.0, kim.1, &["user", "list", "--json"])
        .json_lines();
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
        dir.run_as(kim.0, kim.1, &["user", "list"]).ok(),
        "kim  김민수  admin  1001  enabled\n"
    );
    assert!(signs_in(&dir, "kim", "비밀번호 1234"));
    assert!(!signs_in(&dir, "kim", "비밀번호"));
}

#[test]
fn a_taken_login_a_short_password_and_bad_fields_create_nothing() {
    let dir = DataDir::new();
    add(&dir, "kim", "admin", "password1").ok();
    let kim = Some(("kim", "password1"));

    let taken = add_as(&dir, kim, "KIM", "agent", "password2");
    assert_eq!(taken.code(), 2);
    assert!(
        taken.stderr().contains("already exists"),
        "{}",
        taken.stderr()
    );

    let short = add_as(&dir, kim, "lee", "agent", "short");
    assert_eq!(short.code(), 2);
    assert!(
        short
            .stderr()
            .contains("password: is 5 characters long; at least 8"),
        "{}",
        short.stderr()
    );
    let empty = add_as(&dir, kim, "lee", "agent", "");
    assert_eq!(empty.code(), 2);
    assert!(
        empty.stderr().contains("password: must not be empty"),
        "{}",
        empty.stderr()
    );
    let role = add_as(&dir, kim, "lee", "boss", "password2");
    assert_eq!(role.code(), 2);
    assert!(role.stderr().contains("role"), "{}", role.stderr());
    let login = add_as(&dir, kim, "lee park", "agent", "password2");
    assert_eq!(login.code(), 2);
    assert!(login.stderr().contains("login"), "{}", login.stderr());

    assert_eq!(logins(&dir, ("kim", "password1")), ["kim"]);

    // The minimum comes from the settings.
    dir.run_as(
        "kim",
        "password1",
        &["config", "set", "user.password_min_chars", "12"],
    )
    .ok();
    let under = add_as(&dir, kim, "lee", "agent", "password123");
    assert!(under.stderr().contains("at least 12"), "{}", under.stderr());
    add_as(&dir, kim, "lee", "agent", "password1234").ok();
    assert_eq!(logins(&dir, ("kim", "password1")), ["kim", "lee"]);
}

#[test]
fn a_disabled_user_cannot_sign_in_or_get_a_password_until_enabled() {
    let dir = DataDir::new();
    add(&dir, "boss", "admin", "password1").ok();
    let boss = Some(("boss", "password1"));
    add_as(&dir, boss, "kim", "agent", "password1").ok();
    let run = |args: &[&str]| dir.run_as("boss", "password1", args);
    assert_eq!(run(&["user", "disable", "kim"]).ok(), "kim disabled\n");
    assert!(!signs_in(&dir, "kim", "password1"));
    assert!(
        run(&["user", "list"])
            .ok()
            .contains("kim  김민수  agent  1001  disabled")
    );

    let passwd = dir.run_with_input_as(
        boss,
        &["user", "passwd", "kim", "--password-stdin"],
        "password2\n",
    );
    assert_eq!(passwd.code(), 2);
    assert!(passwd.stderr().contains("disabled"), "{}", passwd.stderr());

    run(&["user", "enable", "kim"]).ok();
    assert!(signs_in(&dir, "kim", "password1"));
    dir.run_with_input_as(
        boss,
        &["user", "passwd", "kim", "--password-stdin"],
        "password2\n",
    )
    .ok();
    assert!(signs_in(&dir, "kim", "password2"));
    assert!(!signs_in(&dir, "kim", "password1"));

    let unknown = run(&["user", "disable", "nobody"]);
    assert_eq!(unknown.code(), 1);
    assert!(unknown.stderr().contains("nobody"), "{}", unknown.stderr());

    let last = run(&["user", "disable", "boss"]);
    assert_eq!(last.code(), 2);
    assert!(last.stderr().contains("last admin"), "{}", last.stderr());
    let demoted = run(&["user", "update", "boss", "--role", "manager"]);
    assert_eq!(demoted.code(), 2);
    assert!(
        demoted.stderr().contains("last admin"),
        "{}",
        demoted.stderr()
    );

    // Roles, names and extensions change; the audit log says so.
    assert_eq!(
        run(&[
            "user",
            "update",
            "kim",
            "--role",
            "manager",
            "--extension",
            "1002"
        ])
        .ok(),
        "kim  김민수  manager  1002  enabled\n"
    );
    let audit = run(&["audit", "--action", "user", "--json"]).json_lines();
    assert!(
        audit
            .iter()
            .any(|entry| entry["detail"] == "role agent → manager"),
        "{audit:?}"
    );
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
    let mut store = Store::open(&dir.database()).unwrap();
    assert!(store.needs_first_admin().unwrap());
    assert!(store.sign_in("kim", "", Timestamp::now()).is_err());
}

#[test]
fn once_anyone_can_sign_in_every_command_runs_as_a_user_under_the_same_role_rules() {
    let dir = DataDir::new();
    // Before anyone can sign in, commands run as the desk's user.role.
    dir.run(&[
        "customer",
        "add",
        "--name",
        "김민지",
        "--phone",
        "010-1234-5678",
    ])
    .ok();
    add(&dir, "boss", "admin", "password1").ok();
    let boss = Some(("boss", "password1"));
    add_as(&dir, boss, "kim", "agent", "password1").ok();
    add_as(&dir, boss, "park", "manager", "password1").ok();

    let nobody = dir.run(&["search", "김민지"]);
    assert_eq!(nobody.code(), 2);
    assert!(
        nobody.stderr().contains("--user LOGIN"),
        "{}",
        nobody.stderr()
    );
    let wrong = dir.run_as("kim", "password2", &["search", "김민지"]);
    assert_eq!(wrong.code(), 2);
    assert!(wrong.stderr().contains("wrong"), "{}", wrong.stderr());

    // An agent works on customers but neither exports nor imports, sends
    // in bulk, edits fields, changes the desk's settings or reads the audit.
    let kim = |args: &[&str]| dir.run_as("kim", "password1", args);
    assert!(kim(&["search", "김민지"]).ok().contains("김민지"));
    let export = dir.path().join("customers.csv");
    let export = export.to_str().unwrap();
    for (args, needs) in [
        (
            vec!["export", "--format", "csv", export],
            "exporting needs the manager role",
        ),
        (
            vec!["import", export],
            "importing customers needs the manager role",
        ),
        (
            vec!["field", "add", "grade", "--label", "등급"],
            "editing user-defined fields needs the admin role",
        ),
        (
            vec!["config", "set", "pbx.host", "pbx.example.com"],
            "changing the desk's settings needs the admin role",
        ),
        (vec!["audit"], "reading the audit log needs the admin role"),
        (
            vec!["customer", "empty-bin"],
            "emptying the recycle bin needs the admin role",
        ),
        (vec!["user", "list"], "managing users needs the admin role"),
    ] {
        let refused = kim(&args);
        assert_eq!(refused.code(), 2, "{args:?}");
        assert!(
            refused.stderr().contains(needs),
            "{args:?}: {}",
            refused.stderr()
        );
        assert!(
            refused.stderr().contains("this user is agent"),
            "{}",
            refused.stderr()
        );
    }
    assert!(!dir.path().join("customers.csv").exists());
    // Their own settings are theirs to change.
    kim(&["config", "set", "ui.language", "ja"]).ok();
    assert_eq!(kim(&["config", "get", "ui.language"]).ok(), "ja\n");
    let desk = dir.run_as("boss", "password1", &["config", "get", "ui.language"]);
    assert_eq!(desk.ok(), "ko\n");

    // A manager exports; an admin reads who did what.
    dir.run_as("park", "password1", &["export", "--format", "csv", export])
        .ok();
    assert!(dir.path().join("customers.csv").exists());
    let audit = dir
        .run_as("boss", "password1", &["audit", "--json"])
        .json_lines();
    let by = |action: &str| {
        audit
            .iter()
            .filter(|entry| entry["action"] == action)
            .map(|entry| entry["actor"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(by("export").contains(&"김민수".to_owned()), "{audit:?}");
    assert!(by("sign_in_failed").len() == 1, "{audit:?}");
}
