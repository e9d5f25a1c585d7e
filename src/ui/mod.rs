//! The desktop window (eframe/egui). Nothing below `backend` may use this module.

mod accounts;
pub mod app;
mod audit_log;
mod batch_pace;
mod batch_recipients;
mod batch_results;
mod bulk_message;
mod bulk_sms;
mod call_log;
mod call_popup;
mod customer_filter;
mod customer_form;
mod customer_import;
mod customer_list;
mod customer_merge;
mod date_picker;
mod dial_dialog;
mod duplicate_finder;
mod excel_sms;
mod field_settings;
mod file_dialog;
pub mod fonts;
mod format;
mod free_sms;
mod group_manager;
pub mod i18n;
mod later;
mod list_manager;
mod main_view;
mod menu;
mod message_log;
mod preferences;
mod problem_text;
mod sender_numbers;
mod sign_in;
mod sms_composer;
mod sms_form;
mod sms_picture;
mod sms_templates;
mod source_manager;
mod status_bar;
mod status_manager;
mod table_save;
mod text_file_options;
mod timeline;
mod widgets;

pub use app::{RingdeskApp, StartInfo};
pub use customer_import::CustomerImport;
pub use customer_list::CustomerList;
pub use dial_dialog::DialDialog;
pub use excel_sms::ExcelSms;

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use crate::backend::{Backend, Waker};
use crate::config::Settings;
use crate::store::Store;

/// The store's page cache while the window runs (KiB).
pub const WINDOW_CACHE_KIB: u32 = 32 * 1024;

/// When the program started, for the "first frame" figure in the log.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Notes the moment the program started; the window logs how long after it
/// its first frame was drawn.
pub fn mark_start() {
    STARTED.get_or_init(std::time::Instant::now);
}

/// Time since [`mark_start`], if it was called.
fn since_start() -> Option<std::time::Duration> {
    STARTED.get().map(std::time::Instant::elapsed)
}

/// How the window starts besides its store and settings.
#[derive(Default)]
pub struct Launch {
    /// Where later starts of ringdesk hand over (`ringdesk dial tel:…`);
    /// none when another window already listens.
    pub links: Option<crate::instance::Listener>,
    /// Open 전화걸기 on this link (`tel:…`, `callto:…`, a number) at once.
    pub dial: Option<String>,
}

/// Opens the window on `store` and returns when it is closed.
///
/// # Errors
/// When no window can be created (no display, no OpenGL).
pub fn run(
    store: Store,
    settings: Settings,
    settings_file: PathBuf,
    launch: Launch,
) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ringdesk")
            .with_inner_size([1024.0, 700.0])
            .with_min_inner_size([640.0, 400.0])
            // A JPEG dropped on a composer is attached to its message.
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    let database = store.path().to_owned();
    // Reads need less cache than bulk writes; the window has 200 MB in all.
    if let Err(error) = store.set_cache_kib(WINDOW_CACHE_KIB) {
        tracing::warn!("cannot set the page cache: {error}");
    }
    eframe::run_native(
        "ringdesk",
        options,
        Box::new(move |creation| {
            fonts::install_cjk(&creation.egui_ctx, settings.ui.language);
            // A desktop business program: light, like the Windows programs beside it.
            creation.egui_ctx.set_theme(egui::Theme::Light);
            let ctx = creation.egui_ctx.clone();
            let waker: Waker = Arc::new(move || ctx.request_repaint());
            let backend = Backend::spawn(store, settings.clone(), settings_file, waker)?;
            if let Some(links) = launch.links {
                backend.serve_links(links)?;
            }
            let mut app = RingdeskApp::new(StartInfo {
                backend,
                database,
                settings,
                signed_in: None,
            });
            if let Some(link) = &launch.dial {
                app.open_dial(link);
            }
            Ok(Box::new(app))
        }),
    )
}
