//! The desktop window (eframe/egui). Nothing below `backend` may use this module.

pub mod app;
pub mod fonts;

pub use app::{RingdeskApp, StartInfo};

use std::sync::Arc;

use eframe::egui;

use crate::backend::{Backend, Waker};
use crate::domain::Region;
use crate::store::Store;

/// Opens the window on `store` and returns when it is closed.
///
/// # Errors
/// When no window can be created (no display, no OpenGL).
pub fn run(store: Store, region: Region) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ringdesk")
            .with_inner_size([1024.0, 700.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    };
    let database = store.path().to_owned();
    eframe::run_native(
        "ringdesk",
        options,
        Box::new(move |creation| {
            if let Some(face) = fonts::find_cjk_font() {
                fonts::install(&creation.egui_ctx, face);
            } else {
                tracing::warn!("no Korean/Japanese font found; install fonts-noto-cjk");
            }
            let ctx = creation.egui_ctx.clone();
            let waker: Waker = Arc::new(move || ctx.request_repaint());
            let backend = Backend::spawn(store, region, waker)?;
            Ok(Box::new(RingdeskApp::new(StartInfo { backend, database })))
        }),
    )
}
