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
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    CJK_FAMILIES.iter().find_map(|family| {
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

/// The font built into ringdesk.
#[must_use]
pub fn bundled_cjk_font() -> FontFace {
    FontFace {
        family: "Noto Sans CJK KR (ringdesk)".to_owned(),
        data: BUNDLED.to_vec(),
        index: 0,
    }
}

/// Installs the system's CJK font, or the bundled one when there is none.
pub fn install_cjk(ctx: &egui::Context) {
    let face = find_cjk_font().unwrap_or_else(|| {
        tracing::info!("no system Korean/Japanese font found; using the built-in one");
        bundled_cjk_font()
    });
    tracing::debug!(family = %face.family, "CJK font");
    install(ctx, face);
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
