//! ringdesk's window with a sheet ready for 엑셀문자발송 (`excel`) or 고객
//! 가져오기 (`import`): the file is loaded as soon as that window is opened
//! from the menu, as if picked in the file dialog — which cannot be driven
//! under Xvfb, where `scripts/screenshots.sh` takes the README's pictures.
//!
//! `cargo run --example sheet_window -- excel|import DATA_DIR FILE WIDTH HEIGHT`
#![allow(missing_docs, clippy::unwrap_used)]
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;
use ringdesk::backend::Backend;
use ringdesk::config::Settings;
use ringdesk::store::Store;
use ringdesk::ui::{RingdeskApp, StartInfo, fonts};

struct Shot {
    app: RingdeskApp,
    import: bool,
    file: Option<PathBuf>,
}

impl eframe::App for Shot {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.app.logic(ctx, frame);
    }
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
        if self.import {
            if let Some(window) = self.app.customer_import()
                && let Some(file) = self.file.take()
            {
                window.open_file(file);
            }
        } else if let Some(window) = self.app.excel_sms()
            && let Some(file) = self.file.take()
        {
            window.open_file(file);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let import = match args[1].as_str() {
        "excel" => false,
        "import" => true,
        other => panic!("excel or import, not {other}"),
    };
    let dir = PathBuf::from(&args[2]);
    let file = PathBuf::from(&args[3]);
    let w: f32 = args[4].parse().unwrap();
    let h: f32 = args[5].parse().unwrap();
    let mut store = Store::open(&dir.join("ringdesk.sqlite3")).unwrap();
    // The screenshot is of the main view's windows: start signed in.
    let user = if let Some(user) = store.user_by_login("screenshot").unwrap() {
        user
    } else {
        let id = store
            .create_user(&ringdesk::domain::NewUser {
                login: "screenshot".to_owned(),
                display_name: "관리자".to_owned(),
                role: ringdesk::domain::Role::Admin,
                extension: None,
            })
            .unwrap();
        store.user(id).unwrap()
    };
    let settings_file = dir.join("settings.toml");
    let settings = Settings::load_or_create(&settings_file).unwrap();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([w, h]),
        ..eframe::NativeOptions::default()
    };
    let database = store.path().to_owned();
    eframe::run_native(
        "ringdesk",
        options,
        Box::new(move |creation| {
            fonts::install_cjk(&creation.egui_ctx, settings.ui.language);
            creation.egui_ctx.set_theme(egui::Theme::Light);
            let ctx = creation.egui_ctx.clone();
            let backend = Backend::spawn_signed_in(
                store,
                settings.clone(),
                settings_file,
                Arc::new(move || ctx.request_repaint()),
                user.clone(),
            )?;
            Ok(Box::new(Shot {
                app: RingdeskApp::new(StartInfo {
                    backend,
                    database,
                    settings,
                    signed_in: Some(user),
                }),
                import,
                file: Some(file),
            }))
        }),
    )
    .unwrap();
}
