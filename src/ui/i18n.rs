//! Every string the window shows, in Korean, Japanese and English.
//!
//! The texts live in `assets/i18n/{ko,ja,en}.toml` and are built into the
//! program, so a language switch is immediate and a missing file cannot
//! leave the window blank. Tables nest for readability; a text is found by
//! its dotted key (`menu.file`). Values may hold `{name}` placeholders,
//! filled by [`Texts::fmt`].

use std::collections::HashMap;
use std::fmt::Display;

use crate::config::Language;

const KO: &str = include_str!("../../assets/i18n/ko.toml");
const JA: &str = include_str!("../../assets/i18n/ja.toml");
const EN: &str = include_str!("../../assets/i18n/en.toml");

/// The window's texts in one language.
#[derive(Debug, Clone)]
pub struct Texts {
    language: Language,
    map: HashMap<String, String>,
}

impl Texts {
    /// The texts of `language`.
    #[must_use]
    pub fn new(language: Language) -> Self {
        let map = flatten(source(language)).unwrap_or_else(|error| {
            // The files are built in and tested; this only trips while editing them.
            tracing::error!("assets/i18n for {language:?} is not valid TOML: {error}");
            HashMap::new()
        });
        Self { language, map }
    }

    /// The language these texts are in.
    #[must_use]
    pub fn language(&self) -> Language {
        self.language
    }

    /// The text for `key`; the key itself when there is none, so a gap is
    /// visible rather than blank.
    #[must_use]
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// The text for `key` with each `{name}` replaced by its value.
    #[must_use]
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.get(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }
}

/// The name of each language in itself, for the language chooser.
#[must_use]
pub fn native_name(language: Language) -> &'static str {
    match language {
        Language::Ko => "한국어",
        Language::Ja => "日本語",
        Language::En => "English",
    }
}

fn source(language: Language) -> &'static str {
    match language {
        Language::Ko => KO,
        Language::Ja => JA,
        Language::En => EN,
    }
}

/// `[menu] file = "파일"` → `menu.file = "파일"`.
fn flatten(text: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => walk(&path, inner, out),
                toml::Value::String(text) => {
                    out.insert(path, text.clone());
                }
                other => {
                    out.insert(path, other.to_string());
                }
            }
        }
    }
    let table: toml::Table = toml::from_str(text)?;
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const ALL: [Language; 3] = [Language::Ko, Language::Ja, Language::En];

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_language_parses() {
        for language in ALL {
            let map = flatten(source(language)).unwrap();
            assert!(!map.is_empty(), "{language:?}");
            for (key, value) in &map {
                assert!(!value.trim().is_empty(), "{language:?} {key} is empty");
            }
        }
    }

    /// Every key the window's code names literally (`texts.get("…")`,
    /// `texts.fmt("…", …)`, and the `("menu.…", "later.…")` pairs) exists:
    /// a missing one would show the key itself on screen.
    #[test]
    fn every_key_the_window_uses_exists() {
        let korean = flatten(KO).unwrap();
        let mut folders = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui")];
        let mut files = Vec::new();
        // Views may keep their parts in a folder of their own (preferences/).
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut missing = BTreeSet::new();
        for path in files {
            let code = std::fs::read_to_string(&path).unwrap();
            for quoted in code.split('"').skip(1).step_by(2) {
                let Some((section, key)) = quoted.split_once('.') else {
                    continue;
                };
                let looks_like_key = !section.is_empty()
                    && !key.is_empty()
                    && quoted
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c));
                if looks_like_key
                    && korean
                        .keys()
                        .any(|known| known.starts_with(&format!("{section}.")))
                    && !korean.contains_key(quoted)
                {
                    missing.insert(format!("{}: {quoted}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from ko.toml: {missing:?}");
    }

    #[test]
    fn every_language_has_the_same_keys_and_placeholders() {
        let korean = flatten(KO).unwrap();
        for language in [Language::Ja, Language::En] {
            let other = flatten(source(language)).unwrap();
            let missing: BTreeSet<_> = korean.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: BTreeSet<_> = other.keys().filter(|k| !korean.contains_key(*k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{language:?}: missing {missing:?}, not in ko {extra:?}"
            );
            for (key, text) in &korean {
                assert_eq!(
                    placeholders(text),
                    placeholders(&other[key]),
                    "{language:?} {key}: placeholders differ"
                );
            }
        }
    }

    #[test]
    fn fills_placeholders_and_shows_unknown_keys() {
        let texts = Texts::new(Language::En);
        assert_eq!(texts.get("no.such.key"), "no.such.key");
        assert_eq!(
            texts.fmt("status.customers", &[("count", &"1,234")]),
            "1,234 customers"
        );
    }
}
