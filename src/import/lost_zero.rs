//! Excel's lost leading 0: a mobile number typed into a cell without
//! quotes is stored as a number, 1012345678 for 010-1234-5678, and Korean
//! Excel writes it so into CSV too.

use crate::domain::Region;

/// `phone` with the 0 Excel dropped put back: 9 or 10 bare digits that are
/// a Korean mobile number without its leading 0 (1012345678).
#[must_use]
pub fn with_lost_zero(phone: &str, region: Region) -> String {
    let lost = region == Region::KOREA
        && matches!(phone.len(), 9 | 10)
        && phone.bytes().all(|byte| byte.is_ascii_digit())
        && phone.starts_with('1')
        && matches!(phone.as_bytes()[1], b'0' | b'1' | b'6' | b'7' | b'8' | b'9');
    if lost {
        format!("0{phone}")
    } else {
        phone.to_owned()
    }
}
