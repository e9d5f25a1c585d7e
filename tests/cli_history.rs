//! `ringdesk customer history`: the timeline of a customer as the command
//! line prints it, with who made each change (the configured user, or
//! nobody) and the changes an import made.

use crate::support::DataDir;

#[test]
fn history_shows_who_changed_what_including_imports() {
    let dir = DataDir::new();
    let id = dir
        .run(&[
            "customer",
            "add",
            "--name",
            "홍길동",
            "--phone",
            "휴대폰=010-1111-2222",
        ])
        .ok();
    let id = id.trim();
    // From now on the desk's user makes the changes.
    dir.run(&["config", "set", "user.name", "김상담"]).ok();
    let sheet = dir.path().join("update.csv");
    std::fs::write(
        &sheet,
        "이름,휴대폰,회사,이메일\n홍길동,010-1111-2222,링데스크,hong@ringdesk.kr\n김민준,010-3333-4444,,\n",
    )
    .unwrap();
    dir.run(&[
        "import",
        sheet.to_str().unwrap(),
        "--on-duplicate",
        "update",
    ])
    .ok();
    dir.run(&["customer", "delete", id]).ok();
    dir.run(&["customer", "restore", id]).ok();

    let lines = dir.run(&["customer", "history", id, "--json"]).json_lines();
    let changes: Vec<String> = lines
        .iter()
        .filter(|line| line["type"] == "change")
        .map(|line| {
            format!(
                "{} {} {} {} -> {} {}",
                line["user_name"].as_str().unwrap_or("-"),
                line["kind"].as_str().unwrap(),
                line["field"].as_str().unwrap(),
                line["old"].as_str().unwrap(),
                line["new"].as_str().unwrap(),
                line["import_id"],
            )
        })
        .collect();
    // Newest first; one save's changes in the order recorded.
    assert_eq!(
        changes,
        [
            "김상담 restored   ->  null",
            "김상담 deleted   ->  null",
            "김상담 field company  -> 링데스크 1",
            "김상담 field email  -> hong@ringdesk.kr 1",
            "- created   ->  null",
        ],
        "{lines:?}"
    );
    // The customer the import created has one entry naming the import.
    let created = dir
        .run(&["customer", "history", "2", "--json"])
        .json_lines();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["kind"], "imported");
    assert_eq!(created[0]["import_id"], 1);

    let text = dir.run(&["customer", "history", id]).ok();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.contains("field") && text.contains("company:  -> 링데스크 (import #1)"),
        "{text}"
    );
    let unknown = dir.run(&["customer", "history", "99"]);
    assert_ne!(unknown.code(), 0);
}
