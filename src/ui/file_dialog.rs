//! The operating system's open and save dialogs, run off the window's
//! thread: a dialog blocks until the person chooses, and the window must
//! keep drawing meanwhile. (Windows and Linux allow a dialog off the main
//! thread; macOS, which ringdesk does not ship for, would not.)

use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;

use eframe::egui;

/// A dialog still open: its answer arrives here.
pub(super) type Pending = std_mpsc::Receiver<Option<PathBuf>>;

/// The kinds of file a sheet can be read from.
pub(super) const SHEET_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"];

/// Runs a blocking file dialog on a thread of its own and hands its answer
/// back, waking the window.
pub(super) fn on_dialog_thread(
    ctx: &egui::Context,
    dialog: impl FnOnce() -> Option<PathBuf> + Send + 'static,
) -> std::io::Result<Pending> {
    let (sender, receiver) = std_mpsc::sync_channel(1);
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name("ringdesk-file-dialog".to_owned())
        .spawn(move || {
            // A closed window no longer waits for it.
            sender.send(dialog()).ok();
            ctx.request_repaint();
        })?;
    Ok(receiver)
}

/// Opens a dialog that picks a spreadsheet or text file to read.
pub(super) fn pick_sheet(
    ctx: &egui::Context,
    title: &str,
    filter: &str,
) -> std::io::Result<Pending> {
    let (title, filter) = (title.to_owned(), filter.to_owned());
    on_dialog_thread(ctx, move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &SHEET_EXTENSIONS)
            .pick_file()
    })
}

/// Opens a dialog that names an xlsx or CSV file to write a table to,
/// offering `name`.xlsx.
pub(super) fn save_table(ctx: &egui::Context, title: &str, name: &str) -> std::io::Result<Pending> {
    let (title, name) = (title.to_owned(), format!("{name}.xlsx"));
    on_dialog_thread(ctx, move || {
        rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(name)
            .add_filter("Excel", &["xlsx"])
            .add_filter("CSV", &["csv"])
            .save_file()
    })
}

/// The path chosen in a dialog, once it has closed with one; the dialog is
/// forgotten once it has closed, with a path or without.
pub(super) fn dialog_answer(dialog: &mut Option<Pending>) -> Option<PathBuf> {
    let answer = match dialog.as_ref()?.try_recv() {
        Ok(answer) => answer,
        Err(std_mpsc::TryRecvError::Empty) => return None,
        // The dialog thread ended without an answer (it panicked).
        Err(std_mpsc::TryRecvError::Disconnected) => None,
    };
    *dialog = None;
    answer
}

/// The last part of `path`, or all of it when it has none.
pub(super) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
