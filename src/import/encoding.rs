//! Which encoding a text file is in.
//!
//! The files people bring are few kinds: UTF-8 (with a BOM from Excel's
//! "CSV UTF-8", without from everything else), UTF-16 with a BOM (Excel's
//! "Unicode text"), CP949 from Korean Excel's plain "CSV" and CP932
//! (Shift_JIS as Windows writes it) from Japanese Excel. A BOM decides;
//! text that is valid UTF-8 is UTF-8; otherwise chardetng (Firefox's
//! detector) tells Korean from Japanese. `encoding_rs`'s `EUC-KR` and
//! `Shift_JIS` are the Windows supersets (CP949 / UHC and CP932), so the
//! syllables only CP949 has and the NEC and IBM extension characters decode.

use encoding_rs::{EUC_KR, Encoding, SHIFT_JIS, UTF_8};

/// How much of a file is looked at: enough for any real sheet's header and
/// first rows, little enough to stay instant on a 100 MB file.
const SAMPLE_BYTES: usize = 1 << 20;

/// The encoding `bytes` (a whole file, or its start) are in.
#[must_use]
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let whole = sample.len() == bytes.len();
    match std::str::from_utf8(sample) {
        Ok(_) => return UTF_8,
        // Cut off in the middle of a character at the sample's end.
        Err(error) if !whole && error.error_len().is_none() => return UTF_8,
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, whole);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == EUC_KR || guess == SHIFT_JIS {
        return guess;
    }
    // Something else by its statistics (a short or odd file): whichever of
    // the two reads without errors, Korean first.
    [EUC_KR, SHIFT_JIS]
        .into_iter()
        .find(|encoding| {
            encoding
                .decode_without_bom_handling_and_without_replacement(sample)
                .is_some()
        })
        .unwrap_or(EUC_KR)
}

/// `bytes` decoded with `encoding` (a BOM of it skipped), and whether some
/// bytes were not valid in it (they become U+FFFD).
#[must_use]
pub fn decode(bytes: &[u8], encoding: &'static Encoding) -> (String, bool) {
    let (text, _, had_errors) = encoding.decode(bytes);
    (text.into_owned(), had_errors)
}

/// The encoding a person named: `utf-8`, `cp949`, `euc-kr`, `shift_jis`,
/// `cp932`, `utf-16le`… (any WHATWG label), or None for an unknown name.
#[must_use]
pub fn by_name(name: &str) -> Option<&'static Encoding> {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        "cp949" | "uhc" | "ms949" => Some(EUC_KR),
        "cp932" | "ms932" | "sjis" => Some(SHIFT_JIS),
        _ => Encoding::for_label(name.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use encoding_rs::{UTF_16BE, UTF_16LE};

    use super::*;

    #[test]
    fn a_bom_decides() {
        assert_eq!(detect(b"\xEF\xBB\xBFname"), UTF_8);
        assert_eq!(detect(b"\xFF\xFEn\0a\0"), UTF_16LE);
        assert_eq!(detect(b"\xFE\xFF\0n\0a"), UTF_16BE);
    }

    #[test]
    fn korean_and_japanese_text_is_told_apart() {
        let korean = "이름,휴대폰,회사\r\n홍길동,010-1234-5678,한빛상사\r\n김민준,010-2222-3333,똠얌꿍하우스\r\n";
        let (bytes, _, _) = EUC_KR.encode(korean);
        assert_eq!(detect(&bytes), EUC_KR);
        assert_eq!(decode(&bytes, detect(&bytes)).0, korean);
        let japanese = "氏名,電話番号,会社名\r\n山田太郎,090-1234-5678,株式会社髙橋\r\n佐藤花子,03-1234-5678,ｶﾌﾞｼｷｶﾞｲｼｬ\r\n";
        let (bytes, _, _) = SHIFT_JIS.encode(japanese);
        assert_eq!(detect(&bytes), SHIFT_JIS);
        assert_eq!(decode(&bytes, detect(&bytes)).0, japanese);
        assert_eq!(detect("이름,전화".as_bytes()), UTF_8);
    }

    #[test]
    fn names_people_use_are_understood() {
        assert_eq!(by_name("CP949"), Some(EUC_KR));
        assert_eq!(by_name("euc-kr"), Some(EUC_KR));
        assert_eq!(by_name("Shift_JIS"), Some(SHIFT_JIS));
        assert_eq!(by_name("utf-16le"), Some(UTF_16LE));
        assert_eq!(by_name("klingon"), None);
    }
}
