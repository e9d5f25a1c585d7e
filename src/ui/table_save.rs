//! A table (rows left out, an import's report) being written to a file by
//! the backend: which request it is, where it goes, and how it went, shown
//! in words under the window's buttons.

use std::path::PathBuf;

use eframe::egui;

use super::app::thousands;
use super::i18n::Texts;
use crate::backend::QueryId;

/// A table asked to be written, and what became of it.
pub(super) struct TableSave {
    request: Option<QueryId>,
    path: PathBuf,
    result: Option<Result<u64, String>>,
}

impl TableSave {
    /// A table to write to `path` (as xlsx when it names no kind of file)
    /// with request `next_request + 1`; returns it with the path to give
    /// the backend.
    pub(super) fn start(path: PathBuf, next_request: &mut u64) -> (Self, QueryId, PathBuf) {
        let path = if path.extension().is_none() {
            path.with_extension("xlsx")
        } else {
            path
        };
        *next_request += 1;
        let request = QueryId(*next_request);
        let save = Self {
            request: Some(request),
            path: path.clone(),
            result: None,
        };
        (save, request, path)
    }

    /// Still being written.
    pub(super) fn running(&self) -> bool {
        self.request.is_some()
    }

    /// Takes the backend's answer; true when it was this save's.
    pub(super) fn answered(&mut self, request: QueryId, result: Result<u64, String>) -> bool {
        if self.request != Some(request) {
            return false;
        }
        self.request = None;
        self.result = Some(result);
        true
    }

    /// Saving…, how many rows were saved where, or why not.
    pub(super) fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        match &self.result {
            None => {
                ui.spinner();
                ui.label(texts.get("excel.saving"));
            }
            Some(Ok(count)) => {
                ui.label(texts.fmt(
                    "excel.saved",
                    &[
                        ("count", &thousands(*count)),
                        ("file", &self.path.display()),
                    ],
                ));
            }
            Some(Err(reason)) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    texts.fmt("excel.save_failed", &[("reason", reason)]),
                );
            }
        }
    }
}
