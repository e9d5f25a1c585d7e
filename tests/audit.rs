//! `ringdesk audit`: what headless commands do that matters is in the audit
//! log with who, when and the machine, and the log reads back filtered.

use crate::support::DataDir;

#[test]
fn settings_exports_backups_and_deletes_are_audited() {
    let dir = DataDir::new();
    dir.run(&["config", "set", "user.name", "감사담당"]).ok();
    dir.run(&["config", "set", "pbx.host", "pbx.example.co.kr"])
        .ok();
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
    let export = dir.path().join("고객.csv");
    dir.run(&["export", "--format", "csv", export.to_str().unwrap()])
        .ok();
    let backup = dir.path().join("backup.sqlite3");
    dir.run(&["backup", backup.to_str().unwrap()]).ok();
    dir.run(&["customer", "delete", id.trim()]).ok();

    let entries = dir.run(&["audit", "--json"]).json_lines();
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["delete", "backup", "export", "settings", "settings"],
        "{entries:#?}"
    );
    assert_eq!(entries[2]["target"], export.display().to_string());
    assert_eq!(entries[2]["detail"], "1 customers");
    assert_eq!(entries[3]["detail"], "pbx.host");
    assert_eq!(entries[0]["actor"], "감사담당");
    assert!(!entries[0]["machine"].as_str().unwrap().is_empty());

    let exports = dir
        .run(&["audit", "--action", "export", "--json"])
        .json_lines();
    assert_eq!(exports.len(), 1);
    let text = dir.run(&["audit", "--text", "backup.sqlite3"]).ok();
    assert_eq!(text.lines().count(), 1, "{text}");

    let refused = dir.run(&["audit", "--action", "launch"]);
    assert_eq!(refused.code(), 2);
    assert!(refused.stderr().contains("action"), "{}", refused.stderr());
    let refused = dir.run(&["audit", "--since", "yesterday"]);
    assert_eq!(refused.code(), 2);
    assert!(refused.stderr().contains("since"), "{}", refused.stderr());
}
