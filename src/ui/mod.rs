//! The desktop window (eframe/egui). Nothing below `backend` may use this module.

pub mod app;
pub mod fonts;

pub use app::{RingdeskApp, StartInfo};

use eframe::egui;

/// Opens the window and returns when it is closed.
///
/// # Errors
/// When no window can be created (no display, no OpenGL).
pub fn run(info: StartInfo) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ringdesk")
            .with_inner_size([1024.0, 700.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "ringdesk",
        options,
        Box::new(move |creation| {
            if let Some(face) = fonts::find_cjk_font() {
                fonts::install(&creation.egui_ctx, face);
            } else {
                tracing::warn!("no Korean/Japanese font found; install fonts-noto-cjk");
            }
            Ok(Box::new(RingdeskApp::new(info)))
        }),
    )
}
