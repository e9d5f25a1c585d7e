//! `ringdesk backup` and `ringdesk restore`: a backup taken, the book
//! changed, the backup restored; files that are no ringdesk backup refused
//! with nothing changed. The window's backend making the day's backup.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk::backend::Backend;
use ringdesk::config::Settings;
use ringdesk::store::Store;

use crate::support::DataDir;

fn add(dir: &DataDir, name: &str, number: &str) {
    dir.run(&["customer", "add", "--name", name, "--phone", number])
        .ok();
}

/// The live customers' names, as `customer list` prints them.
fn names(dir: &DataDir) -> Vec<String> {
    let mut names: Vec<String> = dir
        .run(&["customer", "list", "--json"])
        .json_lines()
        .iter()
        .map(|customer| customer["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The files in the data folder whose names start with `prefix`.
fn files_starting(folder: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

#[test]
fn backup_then_change_then_restore_gives_the_backed_up_customers() {
    let dir = DataDir::new();
    add(&dir, "홍길동", "010-1234-5678");
    add(&dir, "山田太郎", "+81 90-1234-5678");
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("ringdesk-backup.sqlite3");
    let summary = dir
        .run(&["backup", file.to_str().unwrap(), "--json"])
        .json_lines();
    assert_eq!(summary[0]["customers"], 2);
    assert!(summary[0]["bytes"].as_u64().unwrap() > 0);
    assert_eq!(
        files_starting(backups.path(), ""),
        ["ringdesk-backup.sqlite3"]
    );

    add(&dir, "김나중", "010-9999-0000");
    let hong = dir
        .run(&["customer", "list", "--json"])
        .json_lines()
        .into_iter()
        .find(|customer| customer["name"] == "홍길동")
        .unwrap()["id"]
        .to_string();
    dir.run(&["customer", "delete", &hong]).ok();
    assert_eq!(names(&dir), ["山田太郎", "김나중"]);

    let out = dir.run(&["restore", file.to_str().unwrap()]).ok();
    assert!(out.contains("restored 2 customers"), "{out}");
    assert_eq!(names(&dir), ["山田太郎", "홍길동"]);
    // The number lookup works on the restored book.
    assert_eq!(
        dir.run(&["lookup", "01012345678", "--json"]).json_lines()[0]["name"],
        "홍길동"
    );

    // The book as it was before the restore is kept beside the database.
    let kept = files_starting(dir.path(), "ringdesk.sqlite3.before-restore-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(out.contains(&kept[0]), "{out}");
    let kept_dir = DataDir::new();
    std::fs::copy(dir.path().join(&kept[0]), kept_dir.database()).unwrap();
    assert!(names(&kept_dir).contains(&"김나중".to_owned()));
    assert!(files_starting(dir.path(), "ringdesk.sqlite3.restore-part").is_empty());
}

#[test]
fn a_file_that_is_no_ringdesk_backup_is_refused_and_nothing_changes() {
    let dir = DataDir::new();
    add(&dir, "홍길동", "010-1234-5678");
    let other = tempfile::tempdir().unwrap();

    let text = other.path().join("고객명단.csv");
    std::fs::write(&text, "이름,휴대폰\n홍길동,010-1234-5678\n").unwrap();
    let newer = other.path().join("newer.sqlite3");
    dir.run(&["backup", newer.to_str().unwrap()]).ok();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    add(&dir, "김영희", "010-2222-3333");
    let before = std::fs::read(dir.database()).unwrap();

    for (file, says) in [(&text, "not a SQLite database"), (&newer, "newer ringdesk")] {
        let run = dir.run(&["restore", file.to_str().unwrap()]);
        assert_eq!(run.code(), 2);
        let message = run.stderr();
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.contains(file.file_name().unwrap().to_str().unwrap()) && message.contains(says),
            "{message}"
        );
    }
    let missing = dir.run(&["restore", "없는파일.sqlite3"]);
    assert_eq!(missing.code(), 2);
    assert!(
        missing.stderr().contains("없는파일.sqlite3"),
        "{}",
        missing.stderr()
    );

    assert_eq!(names(&dir), ["김영희", "홍길동"]);
    assert_eq!(std::fs::read(dir.database()).unwrap(), before);
    let leftovers: Vec<String> = files_starting(dir.path(), "ringdesk.sqlite3.");
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_windows_backend_makes_todays_backup_and_keeps_the_newest() {
    let dir = DataDir::new();
    add(&dir, "홍길동", "010-1234-5678");
    let folder = dir.path().join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    for day in 1..=5 {
        std::fs::write(
            folder.join(format!("ringdesk-2020-01-0{day}.sqlite3")),
            "old",
        )
        .unwrap();
    }
    std::fs::write(folder.join("mine.sqlite3"), "not a daily backup").unwrap();

    let mut settings = Settings::default();
    settings.backup.keep = 3;
    let store = Store::open(&dir.database()).unwrap();
    let mut backend = Backend::spawn(
        store,
        settings,
        dir.path().join("settings.toml"),
        Arc::new(|| {}),
    )
    .unwrap();
    let today = jiff::Zoned::now().date();
    let name = format!(
        "ringdesk-{:04}-{:02}-{:02}.sqlite3",
        today.year(),
        today.month(),
        today.day()
    );
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut left = Vec::new();
    while Instant::now() < deadline {
        left = files_starting(&folder, "");
        left.sort();
        if left.contains(&name) && left.len() == 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    backend.shutdown(Duration::from_secs(10));
    assert_eq!(
        left,
        [
            "mine.sqlite3".to_owned(),
            "ringdesk-2020-01-04.sqlite3".to_owned(),
            "ringdesk-2020-01-05.sqlite3".to_owned(),
            name.clone(),
        ]
    );
    let copy = DataDir::new();
    std::fs::copy(folder.join(&name), copy.database()).unwrap();
    assert_eq!(names(&copy), ["홍길동"]);
}
