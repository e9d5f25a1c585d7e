//! Fonts that can show Korean and Japanese. egui's own fonts have no Hangul
//! or kana, so a CJK font is added behind them as a fallback: the system's
//! when one is installed (it matches the desktop and covers every rare
//! character), otherwise the subset of Noto Sans CJK KR built into ringdesk
//! (`assets/fonts`, SIL Open Font License), so no text is ever empty boxes.

use std::sync::Arc;

use eframe::egui;

/// System font families that cover Hangul, kana and common kanji, best first:
/// Windows ships Malgun Gothic and Yu Gothic / Meiryo; Linux desktops Noto
/// Sans CJK (Debian: fonts-noto-cjk) or Nanum; macOS Apple SD Gothic Neo.
const CJK_FAMILIES: &[&str] = &[
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "NanumGothic",
    "Noto Sans CJK JP",
    "Yu Gothic",
    "Meiryo",
];

/// Hangul, kana, the ideographs of KS X 1001 and JIS X 0208, Latin and
/// common symbols from Noto Sans CJK KR (2.9 MB instead of 19 MB).
const BUNDLED: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKkr-subset.otf");

/// A font file's bytes and the face inside it.
pub struct FontFace {
    /// Family name as found.
    pub family: String,
    /// The whole file (a .ttc holds several faces).
    pub data: Vec<u8>,
    /// Which face of the file.
    pub index: u32,
}

/// The first installed CJK font family of the known ones, if any.
#[must_use]
pub fn find_cjk_font() -> Option<FontFace> {
    find_family(CJK_FAMILIES)
}

/// The font built into ringdesk.
#[must_use]
pub fn bundled_cjk_font() -> FontFace {
    FontFace {
        family: "Noto Sans CJK KR (ringdesk)".to_owned(),
        data: BUNDLED.to_vec(),
        index: 0,
    }
}

/// Japanese faces, best first: kanji shared with Korean are drawn the
/// Japanese way in these.
const JAPANESE_FAMILIES: &[&str] = &["Noto Sans CJK JP", "Yu Gothic", "Meiryo", "Noto Sans JP"];

/// The CJK faces found at start: Korean-first and Japanese-first. Read once
/// and kept for the program's life, so switching the language reorders
/// fonts without touching the disk.
struct Faces {
    korean: (&'static str, &'static [u8], u32),
    japanese: Option<(&'static str, &'static [u8], u32)>,
}

static FACES: std::sync::OnceLock<Faces> = std::sync::OnceLock::new();

fn faces() -> &'static Faces {
    FACES.get_or_init(|| {
        let korean = find_cjk_font().unwrap_or_else(|| {
            tracing::info!("no system Korean/Japanese font found; using the built-in one");
            bundled_cjk_font()
        });
        let japanese = find_family(JAPANESE_FAMILIES);
        tracing::debug!(korean = %korean.family, japanese = ?japanese.as_ref().map(|f| &f.family), "CJK fonts");
        let korean = leak(korean);
        // Noto Sans CJK is one .ttc with both faces: keep its bytes once.
        let japanese = japanese.map(|face| {
            if face.data == korean.1 {
                let family: &'static str = Box::leak(face.family.into_boxed_str());
                (family, korean.1, face.index)
            } else {
                leak(face)
            }
        });
        Faces { korean, japanese }
    })
}

/// A face kept for the program's life (one .ttc holds both faces: no copy twice).
fn leak(face: FontFace) -> (&'static str, &'static [u8], u32) {
    let family: &'static str = Box::leak(face.family.into_boxed_str());
    (family, Box::leak(face.data.into_boxed_slice()), face.index)
}

fn find_family(families: &[&str]) -> Option<FontFace> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    families.iter().find_map(|family| {
        let query = fontdb::Query {
            families: &[fontdb::Family::Name(family)],
            ..fontdb::Query::default()
        };
        let id = db.query(&query)?;
        let (data, index) = db.with_face_data(id, |data, index| (data.to_vec(), index))?;
        Some(FontFace {
            family: (*family).to_owned(),
            data,
            index,
        })
    })
}

/// Installs CJK fonts for `language`: the Japanese face first for Japanese
/// (where the system has one), the Korean face first otherwise.
pub fn install_cjk(ctx: &egui::Context, language: crate::config::Language) {
    let faces = faces();
    let mut order = vec![faces.korean];
    if let Some(japanese) = faces.japanese {
        if language == crate::config::Language::Ja {
            order.insert(0, japanese);
        } else {
            order.push(japanese);
        }
    }
    let mut fonts = egui::FontDefinitions::default();
    for (family, data, index) in order {
        let mut font = egui::FontData::from_static(data);
        font.index = index;
        fonts.font_data.insert(family.to_owned(), Arc::new(font));
        for egui_family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts
                .families
                .entry(egui_family)
                .or_default()
                .push(family.to_owned());
        }
    }
    ctx.set_fonts(fonts);
}

/// Adds `face` as the fallback of both egui font families.
pub fn install(ctx: &egui::Context, face: FontFace) {
    let mut fonts = egui::FontDefinitions::default();
    let mut data = egui::FontData::from_owned(face.data);
    data.index = face.index;
    fonts.font_data.insert(face.family.clone(), Arc::new(data));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push(face.family.clone());
    }
    ctx.set_fonts(fonts);
}
