//! The 엑셀문자발송 sheet the benchmarks share: `rows` customers with a
//! name, a distinct mobile number, an amount and a memo, written once
//! into `target/bench-data/sheet-N.xlsx` by whichever bench needs it first.

use std::path::{Path, PathBuf};

use ringdesk::export::{Table, TableFormat, write_table};

/// The sheet of `rows` rows in `dir`, written if it is not there yet.
pub fn sheet(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join(format!("sheet-{rows}.xlsx"));
    if !path.exists() {
        let header: Vec<String> = ["이름", "휴대폰", "금액", "메모"]
            .map(str::to_owned)
            .to_vec();
        let written = write_table(
            &path,
            TableFormat::Xlsx,
            &Table {
                sheet: "수신자",
                header: &header,
            },
            (0..rows).map(|n| {
                vec![
                    format!("고객{n}"),
                    format!("010-{:04}-{:04}", 2000 + n / 10_000, n % 10_000),
                    format!("{}", 10_000 + n * 7 % 90_000),
                    "이번 달 방문 감사합니다".to_owned(),
                ]
            }),
        )
        .unwrap();
        assert_eq!(written, u64::try_from(rows).unwrap());
    }
    path
}
