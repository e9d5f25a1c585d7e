//! The customer list's B2B view: company e-mail domains with their company
//! and customer count, free mail left out; clicking a domain lists only its
//! customers.

use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{CustomerDraft, Region};
use ringdesk::store::Store;

use crate::support::DataDir;
use crate::ui::{click, open_menu, step_until, window};

#[test]
fn the_b2b_view_lists_company_domains_and_filters_the_list_by_one() {
    let dir = DataDir::new();
    {
        let mut store = Store::open(&dir.database()).unwrap();
        for (name, company, email) in [
            ("김민수", "삼성전자", "minsu@samsung.com"),
            ("이지영", "삼성전자", "jy.lee@Samsung.com"),
            ("山田太郎", "トヨタ", "yamada@toyota.co.jp"),
            ("홍길동", "", "hong@naver.com"),
            ("최유리", "", "yuri@gmail.com"),
        ] {
            let draft = CustomerDraft {
                name: name.to_owned(),
                company: company.to_owned(),
                email: email.to_owned(),
                ..CustomerDraft::default()
            };
            store
                .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
                .unwrap();
        }
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "everyone", |h| {
        h.query_by_label("5명").is_some() && h.query_by_label("홍길동").is_some()
    });

    click(&mut harness, "B2B (회사 도메인)");
    step_until(&mut harness, "the company domains", |h| {
        h.query_by_label("samsung.com").is_some()
    });
    assert!(harness.query_by_label("toyota.co.jp").is_some());
    assert!(harness.query_by_label("naver.com").is_none());
    assert!(harness.query_by_label("gmail.com").is_none());

    click(&mut harness, "samsung.com");
    step_until(&mut harness, "samsung.com's customers", |h| {
        h.query_by_label("2명").is_some() && h.query_by_label("홍길동").is_none()
    });
    assert!(harness.query_by_label("도메인: samsung.com").is_some());
    assert!(harness.query_by_label("김민수").is_some());
    assert!(harness.query_by_label("山田太郎").is_none());

    click(&mut harness, "×");
    step_until(&mut harness, "everyone again", |h| {
        h.query_by_label("5명").is_some()
    });
}
