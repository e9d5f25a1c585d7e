//! The composer's picture (사진 첨부): the attach button, the file dialog,
//! a file dropped on the window, and the attached picture's name and size
//! with a button to remove it.
//!
//! The window reads no file itself. The native file dialog runs on a thread
//! of its own (it blocks until the agent chooses) and hands the path back
//! over a channel, waking the window; a chosen or dropped file goes to the
//! backend as [`Command::LoadPicture`], which reads it off this thread and
//! answers with the bytes or a refusal naming the file.

use std::path::{Path, PathBuf};

use eframe::egui;

use super::file_dialog::{self, dialog_answer, file_name};
use super::i18n::Texts;
use crate::backend::{Command, ImageProblem, PictureFileError, QueryId};
use crate::domain::Picture;

/// The picture part of one composer window.
#[derive(Default)]
pub struct PictureSlot {
    /// The attached picture's file name, for the agent to recognise it.
    name: String,
    /// The [`Command::LoadPicture`] whose answer is awaited.
    asked: Option<QueryId>,
    /// Why the last file chosen could not be attached.
    refused: Option<PictureFileError>,
    /// The open file dialog's answer: a path, or None when it was cancelled.
    dialog: Option<file_dialog::Pending>,
}

impl PictureSlot {
    /// Asks the backend to read `path` for this window.
    pub fn attach_file(
        &mut self,
        path: PathBuf,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        *next_request += 1;
        let request = QueryId(*next_request);
        self.asked = Some(request);
        self.refused = None;
        commands.push(Command::LoadPicture { request, path });
    }

    /// The backend read a picture; true when this window asked for it, which
    /// then attaches it to `image`.
    pub fn loaded(
        &mut self,
        request: QueryId,
        path: &Path,
        picture: &Picture,
        image: &mut Option<Picture>,
    ) -> bool {
        if self.asked != Some(request) {
            return false;
        }
        self.asked = None;
        self.name = file_name(path);
        *image = Some(picture.clone());
        true
    }

    /// The backend refused a file; true when this window asked for it.
    pub fn refused(&mut self, request: QueryId, error: &PictureFileError) -> bool {
        if self.asked != Some(request) {
            return false;
        }
        self.asked = None;
        self.refused = Some(error.clone());
        true
    }

    /// Takes the picture off the message.
    pub fn clear(&mut self, image: &mut Option<Picture>) {
        *image = None;
        self.name.clear();
        self.refused = None;
        self.asked = None;
    }

    /// Draws the picture row's right-hand side: the attached picture or the
    /// attach button, then why a chosen file could not be attached.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        image: &mut Option<Picture>,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        if let Some(path) = dialog_answer(&mut self.dialog) {
            self.attach_file(path, next_request, commands);
        }
        let error_colour = ui.visuals().error_fg_color;
        ui.horizontal(|ui| {
            if let Some(picture) = image.as_ref() {
                ui.label(texts.fmt(
                    "composer.picture_size",
                    &[
                        ("name", &self.name),
                        ("kb", &kilobytes(picture.size_bytes())),
                    ],
                ));
                // "×", not "✕" or an emoji: only it is in the fonts ringdesk
                // loads (egui's emoji fonts are not built in).
                if ui
                    .small_button(texts.get("composer.remove_picture"))
                    .on_hover_text(texts.get("composer.remove_picture_hint"))
                    .clicked()
                {
                    self.clear(image);
                }
            } else if self.asked.is_some() {
                ui.spinner();
                ui.weak(texts.get("composer.loading_picture"));
            } else {
                let button = ui
                    .add_enabled(
                        self.dialog.is_none(),
                        egui::Button::new(texts.get("composer.attach_picture")),
                    )
                    .on_hover_text(texts.get("composer.attach_hint"));
                if button.clicked() {
                    self.open_dialog(ui.ctx(), texts);
                }
            }
        });
        if let Some(error) = &self.refused {
            ui.colored_label(error_colour, refusal_text(texts, error));
        }
    }

    /// Opens the native file dialog (off the window's thread: see
    /// [`file_dialog`]).
    fn open_dialog(&mut self, ctx: &egui::Context, texts: &Texts) {
        let title = texts.get("composer.pick_title").to_owned();
        let filter = texts.get("composer.jpeg_filter").to_owned();
        let spawned = file_dialog::on_dialog_thread(ctx, move || {
            rfd::FileDialog::new()
                .set_title(title)
                .add_filter(filter, &["jpg", "jpeg", "JPG", "JPEG"])
                .pick_file()
        });
        match spawned {
            Ok(receiver) => self.dialog = Some(receiver),
            Err(error) => {
                self.refused = Some(PictureFileError::Unreadable {
                    path: PathBuf::new(),
                    reason: error.to_string(),
                });
            }
        }
    }
}

/// Whether `path` is named like a JPEG (.jpg or .jpeg, in any case): a
/// window that takes other files too (엑셀문자발송's sheets) attaches such
/// a file as the picture.
pub fn looks_like_jpeg(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("jpg") || extension.eq_ignore_ascii_case("jpeg")
        })
}

/// Kilobytes as carriers count them (1,000 bytes), rounded up so that a
/// picture just over the limit never shows as "300 KB".
fn kilobytes(bytes: u64) -> u64 {
    bytes.div_ceil(1000)
}

/// A refused file in the window's language, naming the file.
pub(super) fn refusal_text(texts: &Texts, error: &PictureFileError) -> String {
    let file = file_name(error.path());
    match error {
        PictureFileError::Unreadable { reason, .. } => texts.fmt(
            "composer.picture_unreadable",
            &[("file", &file), ("reason", reason)],
        ),
        PictureFileError::Refused {
            problem: ImageProblem::NotJpeg,
            ..
        } => texts.fmt("composer.picture_not_jpeg", &[("file", &file)]),
        PictureFileError::Refused {
            problem: ImageProblem::TooLarge { bytes, .. },
            ..
        } => texts.fmt(
            "composer.picture_too_large",
            &[("file", &file), ("kb", &kilobytes(*bytes))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_and_refusals_name_the_file() {
        assert_eq!(kilobytes(286), 1);
        assert_eq!(kilobytes(300_000), 300);
        assert_eq!(kilobytes(300_001), 301);
        let texts = Texts::new(crate::config::Language::En);
        let error = PictureFileError::Refused {
            path: PathBuf::from("/home/agent/사진/logo.png"),
            problem: ImageProblem::NotJpeg,
        };
        let text = refusal_text(&texts, &error);
        assert!(text.starts_with("logo.png: "), "{text}");
        assert!(looks_like_jpeg(Path::new("/사진/봄 행사.JPG")));
        assert!(looks_like_jpeg(Path::new("a.jpeg")));
        assert!(!looks_like_jpeg(Path::new("명단.xlsx")));
        assert!(!looks_like_jpeg(Path::new("jpg")));
    }

    #[test]
    fn only_the_answer_asked_for_attaches() {
        let mut slot = PictureSlot::default();
        let mut image = None;
        let mut next = 0;
        let mut commands = Vec::new();
        slot.attach_file(PathBuf::from("a.jpg"), &mut next, &mut commands);
        assert!(matches!(
            commands.as_slice(),
            [Command::LoadPicture {
                request: QueryId(1),
                ..
            }]
        ));
        let picture = Picture::new(vec![0xFF, 0xD8, 0xFF]);
        assert!(!slot.loaded(QueryId(9), Path::new("b.jpg"), &picture, &mut image));
        assert!(slot.loaded(QueryId(1), Path::new("/x/a.jpg"), &picture, &mut image));
        assert_eq!(slot.name, "a.jpg");
        assert!(image.is_some());
        slot.clear(&mut image);
        assert!(image.is_none() && slot.name.is_empty());
    }
}
