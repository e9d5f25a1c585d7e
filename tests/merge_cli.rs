//! `ringdesk merge` through the real binary: a dry run changes nothing, a
//! merge honours `--take` and bins the other customer, refusals say why
//! and change nothing, and `--undo` brings both customers back.

use crate::support::DataDir;

fn add(dir: &DataDir, args: &[&str]) -> String {
    let mut full = vec!["customer", "add"];
    full.extend_from_slice(args);
    dir.run(&full).ok().trim().to_owned()
}

fn live(dir: &DataDir) -> u64 {
    ringdesk::store::Store::open(&dir.database())
        .unwrap()
        .count_customers()
        .unwrap()
}

/// `merged_into` of `customer show ID --json` (null when it is not there).
fn merged_into(dir: &DataDir, id: &str) -> serde_json::Value {
    let card = dir
        .run(&["customer", "show", id, "--json"])
        .json_lines()
        .remove(0);
    card.get("merged_into")
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

/// `customer show` and `customer list --recycle-bin` say where the merged
/// customer `other` went.
fn the_bin_says_where_it_went(dir: &DataDir, keep: &str, other: &str) {
    let shown = dir.run(&["customer", "show", other]).ok();
    assert!(
        shown.contains(&format!("  merged into #{keep} 김민준\n")),
        "{shown}"
    );
    let kept = merged_into(dir, other);
    assert_eq!(kept["id"], keep.parse::<i64>().unwrap());
    assert_eq!(kept["name"], "김민준");
    let bin = dir.run(&["customer", "list", "--recycle-bin"]).ok();
    assert!(
        bin.lines()
            .any(|line| line.trim_start().starts_with(&format!("{other} "))
                && line.ends_with(&format!("merged into #{keep} 김민준"))),
        "{bin}"
    );
    assert!(!dir.run(&["customer", "list"]).ok().contains("merged into"));
    let rows = dir
        .run(&["customer", "list", "--recycle-bin", "--json"])
        .json_lines();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["merged_into"]["name"], "김민준");
}

#[test]
fn merge_takes_the_chosen_fields_and_undo_brings_both_back() {
    let dir = DataDir::new();
    let keep = add(
        &dir,
        &[
            "--name",
            "김민준",
            "--company",
            "한빛상사",
            "--email",
            "mj.kim@hanbit.co.kr",
            "--phone",
            "010-1234-5678",
            "--group",
            "VIP",
        ],
    );
    let other = add(
        &dir,
        &[
            "--name",
            "김민준",
            "--company",
            "(주)한빛상사",
            "--email",
            "minjun@naver.com",
            "--phone",
            "010-1234-5678",
            "--phone",
            "회사=02-555-0101",
            "--tag",
            "견적",
        ],
    );

    let run = dir.run(&[
        "merge",
        &keep,
        &other,
        "--take",
        "email=other",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let plan = run.json_lines().remove(0);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(
        plan["phones"],
        serde_json::json!(["010-1234-5678", "02-555-0101"])
    );
    let email = plan["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "email")
        .unwrap();
    assert_eq!(email["take"], "other");
    assert_eq!(live(&dir), 2);

    for (args, code, says) in [
        (vec!["merge", &keep, &keep], 2, "with itself"),
        (vec!["merge", &keep, "99"], 1, "no customer with id 99"),
        (
            vec!["merge", &keep, &other, "--take", "shoe=other"],
            2,
            "no field 'shoe'",
        ),
        (vec!["merge", "--undo"], 2, "no merge left to undo"),
    ] {
        let run = dir.run(&args);
        assert_eq!(run.code(), code, "{args:?}");
        assert!(run.stderr().contains(says), "{args:?}: {}", run.stderr());
    }
    assert_eq!(live(&dir), 2);

    let run = dir.run(&["merge", &keep, &other, "--take", "email=other", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let merged = run.json_lines().remove(0);
    assert_eq!(merged["merge"], 1);
    assert_eq!(live(&dir), 1);
    let card = dir
        .run(&["customer", "show", &keep, "--json"])
        .json_lines()
        .remove(0);
    assert_eq!(card["email"], "minjun@naver.com");
    assert_eq!(card["company"], "한빛상사");
    assert_eq!(card["tags"], serde_json::json!(["견적"]));
    let run = dir.run(&["merge", &keep, &other]);
    assert!(run.stderr().contains("recycle bin"), "{}", run.stderr());
    the_bin_says_where_it_went(&dir, &keep, &other);

    let run = dir.run(&["merge", "--undo", "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.json_lines().remove(0)["undone"], 1);
    assert_eq!(live(&dir), 2);
    let card = dir
        .run(&["customer", "show", &keep, "--json"])
        .json_lines()
        .remove(0);
    assert_eq!(card["email"], "mj.kim@hanbit.co.kr");
    assert_eq!(card["tags"], serde_json::json!([]));
    assert_eq!(merged_into(&dir, &other), serde_json::Value::Null);
}
