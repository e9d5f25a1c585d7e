//! 전화걸기 through egui_kittest on a real backend: a `tel:` link handed
//! over the window's real local socket (as a second `ringdesk dial` start
//! does) opens the dialog with the number read and its customer; its
//! button rings the agent's phone through the test AMI server.

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::backend::Event;
use ringdesk::config::DataDirs;
use ringdesk::instance::{self, Listener, Request};
use ringdesk::ui::{RingdeskApp, StartInfo, fonts};

use crate::popup::{Window, connected, set_up};
use crate::support::DataDir;
use crate::support::ami_server::{BackgroundServer, OriginateScript, ServerConfig};
use crate::ui::{add_customers, click, signed_in_backend, step_until};

/// The window as `ringdesk` starts it, listening for later starts.
fn listening_window(dir: &DataDir) -> Window {
    let database = dir.database();
    let (backend, settings, user) = signed_in_backend(dir);
    backend
        .serve_links(Listener::bind(&DataDirs::inside(dir.path())).unwrap())
        .unwrap();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |creation| {
            let face =
                fonts::find_cjk_font().expect("no Korean font: apt-get install fonts-noto-cjk");
            fonts::install(&creation.egui_ctx, face);
            RingdeskApp::new(StartInfo {
                backend,
                database,
                settings,
                signed_in: Some(user),
            })
        })
}

fn dialog_open(harness: &Harness<'_, RingdeskApp>) -> bool {
    harness
        .query_by_role_and_label(Role::Window, "전화걸기")
        .is_some()
}

#[test]
fn a_tel_link_handed_over_opens_dial_and_rings_my_phone_then_the_customer() {
    let dir = DataDir::new();
    add_customers(&dir, &[("한빛상사", "02-1234-5678", "")]);
    let pbx = BackgroundServer::start(ServerConfig {
        channels: Vec::new(),
        originate: OriginateScript::Fixture("outbound_click_to_call"),
        ..ServerConfig::default()
    });
    set_up(&dir, &pbx, "crm-secret", |_| {});
    let mut harness = listening_window(&dir);
    connected(&mut harness);

    let handed = instance::hand_over(
        &DataDirs::inside(dir.path()),
        &Request::Dial("+82-2-1234-5678".to_owned()),
    )
    .unwrap();
    assert!(handed, "the window took the link");
    step_until(&mut harness, "전화걸기 with its customer", |h| {
        dialog_open(h) && h.query_by_label("한빛상사").is_some()
    });
    assert!(harness.query_by_label("02-1234-5678").is_some());
    assert!(harness.query_by_label("+82212345678").is_some());

    harness
        .get_by_role_and_label(Role::Button, "전화걸기")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the Originate", |_| {
        pbx.action_names(0)
            .iter()
            .any(|action| action == "Originate")
    });
    let originate = pbx
        .actions(0)
        .into_iter()
        .find(|action| action.action() == Some("Originate"))
        .unwrap();
    assert_eq!(originate.get("Channel"), Some("PJSIP/1001"));
    assert_eq!(originate.get("Exten"), Some("0212345678"));
    assert!(
        originate.value("CallerID").contains("한빛상사"),
        "{originate:?}"
    );
    assert!(!dialog_open(&harness), "the dialog closes once dialled");
}

#[test]
fn esc_closes_dial_and_a_link_without_a_number_is_refused_by_name() {
    let dir = DataDir::new();
    let mut harness = crate::ui::window(&dir);
    harness.run_ok();
    let ctx = harness.ctx.clone();
    harness.state_mut().receive(
        Event::HandedOver {
            dial: Some("callto:%2B82%2010%209999%208888".to_owned()),
        },
        &ctx,
    );
    step_until(&mut harness, "no customer has it", |h| {
        h.query_by_label("등록된 고객이 없는 번호입니다.").is_some()
    });
    assert_eq!(
        harness
            .state()
            .dial_dialog()
            .unwrap()
            .number()
            .unwrap()
            .key(),
        "+821099998888"
    );
    harness.key_press(egui::Key::Escape);
    harness.run_ok();
    assert!(!dialog_open(&harness));
    assert!(harness.state().dial_dialog().is_none());

    harness.state_mut().open_dial("tel:");
    harness.run_ok();
    assert!(
        harness
            .query_by_label("번호: 'tel:'에는 걸 수 있는 전화번호가 없습니다.")
            .is_some()
    );
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "전화걸기")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut harness, "닫기");
    assert!(!dialog_open(&harness));
}
