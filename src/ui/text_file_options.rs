//! A text file's encoding and separator as 엑셀문자발송 and 고객 가져오기
//! show them: what was detected, what the person chose over it, and the two
//! drop-downs that choose.

use eframe::egui;

use super::i18n::Texts;
use crate::backend::{Encoding, ReadOptions, encoding_by_name};

/// The encodings offered for a text file, by the names
/// [`encoding_by_name`] knows, with the names shown.
const ENCODINGS: [(&str, &str); 5] = [
    ("utf-8", "UTF-8"),
    ("cp949", "CP949/EUC-KR"),
    ("shift_jis", "Shift_JIS"),
    ("utf-16le", "UTF-16LE"),
    ("utf-16be", "UTF-16BE"),
];

/// The separators offered for a text file, with their text keys.
const DELIMITERS: [(u8, &str); 3] = [
    (b',', "excel.comma"),
    (b';', "excel.semicolon"),
    (b'\t', "excel.tab"),
];

/// What a text file was read as, and the choices made over it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TextOptions {
    /// What was detected when the file was last read without overrides.
    detected_encoding: Option<&'static Encoding>,
    detected_delimiter: Option<u8>,
    /// The overrides (None: as detected).
    chosen_encoding: Option<&'static Encoding>,
    chosen_delimiter: Option<u8>,
}

impl TextOptions {
    /// The options once a file has been read as `encoding` and `delimiter`
    /// (None for a workbook); `before` is what the same file was shown with
    /// until then. A choice stays, and so does what was detected under it,
    /// since reading with the choice detects nothing.
    pub(super) fn after_read(
        before: Option<&Self>,
        encoding: Option<&'static Encoding>,
        delimiter: Option<u8>,
    ) -> Self {
        let before = before.copied().unwrap_or_default();
        Self {
            detected_encoding: if before.chosen_encoding.is_some() {
                before.detected_encoding
            } else {
                encoding
            },
            detected_delimiter: if before.chosen_delimiter.is_some() {
                before.detected_delimiter
            } else {
                delimiter
            },
            ..before
        }
    }

    /// Drops the choices: a new file starts from what is detected in it.
    pub(super) fn forget_choices(&mut self) {
        self.chosen_encoding = None;
        self.chosen_delimiter = None;
    }

    /// The encoding and separator to read the file with.
    pub(super) fn read_options(&self) -> ReadOptions {
        ReadOptions {
            encoding: self.chosen_encoding,
            delimiter: self.chosen_delimiter,
        }
    }

    /// The two drop-downs, as two rows of a grid (`salt` tells this
    /// window's apart); the options to read the file again with when one
    /// was changed.
    pub(super) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        salt: &str,
    ) -> Option<ReadOptions> {
        let mut changed = false;
        let label = ui.label(texts.get("excel.encoding"));
        let auto = auto_detected(
            texts,
            &self
                .detected_encoding
                .map_or_else(String::new, encoding_label),
        );
        let mut chosen = self.chosen_encoding;
        egui::ComboBox::from_id_salt((salt, "encoding"))
            .selected_text(chosen.map_or_else(|| auto.clone(), encoding_label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, auto.as_str());
                for (name, shown) in ENCODINGS {
                    if let Some(encoding) = encoding_by_name(name) {
                        ui.selectable_value(&mut chosen, Some(encoding), shown);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != self.chosen_encoding {
            self.chosen_encoding = chosen;
            changed = true;
        }
        ui.end_row();

        let label = ui.label(texts.get("excel.delimiter"));
        let auto = auto_detected(
            texts,
            &self
                .detected_delimiter
                .map_or_else(String::new, |d| delimiter_label(texts, d)),
        );
        let mut chosen = self.chosen_delimiter;
        egui::ComboBox::from_id_salt((salt, "delimiter"))
            .selected_text(chosen.map_or_else(|| auto.clone(), |d| delimiter_label(texts, d)))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, auto.as_str());
                for (delimiter, key) in DELIMITERS {
                    ui.selectable_value(&mut chosen, Some(delimiter), texts.get(key));
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != self.chosen_delimiter {
            self.chosen_delimiter = chosen;
            changed = true;
        }
        ui.end_row();
        changed.then(|| self.read_options())
    }
}

/// "Detected: `name`".
fn auto_detected(texts: &Texts, name: &str) -> String {
    texts.fmt("excel.auto_detected", &[("name", &name)])
}

/// An encoding by the name people know it by.
pub(super) fn encoding_label(encoding: &'static Encoding) -> String {
    ENCODINGS
        .iter()
        .find(|(name, _)| encoding_by_name(name) == Some(encoding))
        .map_or_else(
            || encoding.name().to_owned(),
            |(_, shown)| (*shown).to_owned(),
        )
}

/// A separator in words.
fn delimiter_label(texts: &Texts, delimiter: u8) -> String {
    DELIMITERS
        .iter()
        .find(|(known, _)| *known == delimiter)
        .map_or_else(
            || char::from(delimiter).to_string(),
            |(_, key)| texts.get(key).to_owned(),
        )
}
