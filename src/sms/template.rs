//! Placeholders in SMS texts (SMS문구): `#{이름}`, `#{회사}` or a
//! user-defined field's label or key, filled in from the customer a message
//! goes to.
//!
//! Pure: the caller passes the names it knows (built-in ones and the
//! company's fields), so a template is checked the same way in the composer,
//! the template list and the command line.

use std::ops::Range;

use crate::domain::{Customer, FieldDef};

/// The built-in placeholders, in Korean as the users write them, each with
/// the customer detail it stands for.
pub const BUILT_IN: &[(&str, Detail)] = &[
    ("이름", Detail::Name),
    ("회사", Detail::Company),
    ("이메일", Detail::Email),
    ("주소", Detail::Address),
    ("전화번호", Detail::Phone),
];

/// A built-in customer detail a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The name.
    Name,
    /// The company.
    Company,
    /// The e-mail address.
    Email,
    /// The address.
    Address,
    /// The first number, formatted.
    Phone,
}

/// One `#{…}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name between the braces, trimmed.
    pub name: String,
    /// Where `#{…}` stands, in bytes of the text.
    pub span: Range<usize>,
}

/// The placeholders of `text`, in order. A `#{` without its `}` is none.
#[must_use]
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("#{").map(|at| from + at) {
        let Some(end) = text[start + 2..].find('}').map(|at| start + 2 + at) else {
            break;
        };
        found.push(Placeholder {
            name: text[start + 2..end].trim().to_owned(),
            span: start..end + 1,
        });
        from = end + 1;
    }
    found
}

/// Whether `name` is a placeholder ringdesk can fill: a built-in one, or a
/// user-defined field's label or key.
#[must_use]
pub fn is_known(name: &str, fields: &[FieldDef]) -> bool {
    BUILT_IN.iter().any(|(built_in, _)| *built_in == name)
        || fields
            .iter()
            .any(|field| field.label == name || field.key == name)
}

/// The placeholders of `text` that ringdesk cannot fill, to be pointed at
/// while typing and refused on saving.
#[must_use]
pub fn unknown(text: &str, fields: &[FieldDef]) -> Vec<Placeholder> {
    placeholders(text)
        .into_iter()
        .filter(|placeholder| !is_known(&placeholder.name, fields))
        .collect()
}

/// `text` with its placeholders filled in for `customer`; a detail the
/// customer lacks becomes empty, and an unknown placeholder stays as written.
/// The names of the known but empty ones come back too, so a sender can
/// refuse a message with a hole in it.
#[must_use]
pub fn fill(text: &str, customer: &Customer, fields: &[FieldDef]) -> (String, Vec<String>) {
    fill_with(text, |name| value(name, customer, fields))
}

/// `text` with each placeholder replaced by what `value_of` gives for its
/// name — a customer's details, or the columns of a spreadsheet row for
/// 엑셀문자발송. A name it does not know (None) stays as written; the names
/// it knows but has empty come back, as with [`fill`].
pub fn fill_with(
    text: &str,
    mut value_of: impl FnMut(&str) -> Option<String>,
) -> (String, Vec<String>) {
    let mut filled = String::with_capacity(text.len());
    let mut empty = Vec::new();
    let mut last = 0;
    for placeholder in placeholders(text) {
        filled.push_str(&text[last..placeholder.span.start]);
        last = placeholder.span.end;
        match value_of(&placeholder.name) {
            Some(value) if !value.is_empty() => filled.push_str(&value),
            Some(_) => empty.push(placeholder.name),
            None => filled.push_str(&text[placeholder.span.clone()]),
        }
    }
    filled.push_str(&text[last..]);
    (filled, empty)
}

/// `text` with the placeholders named after `columns` (a sheet row's
/// values by column name) filled in, the others left as written for the
/// customer check that follows; a bulk send's text is filled this way for
/// each recipient before it is checked, and the window previews it the same
/// way.
#[must_use]
pub fn fill_columns(text: &str, columns: &[(String, String)]) -> String {
    if columns.is_empty() {
        return text.to_owned();
    }
    fill_with(text, |name| {
        columns
            .iter()
            .find(|(column, _)| column == name)
            .map(|(_, value)| value.clone())
    })
    .0
}

/// The customer's value for `name`, or None when `name` is no placeholder.
fn value(name: &str, customer: &Customer, fields: &[FieldDef]) -> Option<String> {
    if let Some((_, detail)) = BUILT_IN.iter().find(|(built_in, _)| *built_in == name) {
        return Some(match detail {
            Detail::Name => customer.name.clone(),
            Detail::Company => customer.company.clone(),
            Detail::Email => customer.email.clone().unwrap_or_default(),
            Detail::Address => customer.address.clone(),
            Detail::Phone => customer
                .phones
                .first()
                .map(|phone| phone.display.clone())
                .unwrap_or_default(),
        });
    }
    let field = fields
        .iter()
        .find(|field| field.label == name || field.key == name)?;
    Some(
        customer
            .fields
            .iter()
            .find(|value| value.key == field.key)
            .map(|value| value.value.to_string())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spreadsheet_rows_values_fill_its_columns_placeholders() {
        let row = [
            ("이름", "홍경희 원장"),
            ("방문일", "2024-05-14"),
            ("쿠폰코드", ""),
        ];
        let value_of = |name: &str| {
            row.iter()
                .find(|(column, _)| *column == name)
                .map(|(_, value)| (*value).to_owned())
        };
        assert_eq!(
            fill_with(
                "#{이름}님, #{방문일} 방문 감사합니다. 쿠폰 #{쿠폰코드} #{모름}",
                value_of
            ),
            (
                "홍경희 원장님, 2024-05-14 방문 감사합니다. 쿠폰  #{모름}".to_owned(),
                vec!["쿠폰코드".to_owned()]
            )
        );
    }
    use crate::domain::{CustomerDraft, FieldKind, NewFieldDef, PhoneDraft, Region};
    use crate::store::Store;

    fn names(found: &[Placeholder]) -> Vec<&str> {
        found
            .iter()
            .map(|placeholder| placeholder.name.as_str())
            .collect()
    }

    #[test]
    fn placeholders_are_found_in_order_with_their_places() {
        let text = "#{이름}님, #{ 회사 } 담당자께 #{인지경로} 안내. #{끝없음";
        let found = placeholders(text);
        assert_eq!(names(&found), ["이름", "회사", "인지경로"]);
        assert_eq!(&text[found[0].span.clone()], "#{이름}");
        assert!(placeholders("보통 문장 #이름 {회사}").is_empty());
    }

    #[test]
    fn fields_fill_by_label_or_key_and_unknown_ones_are_named() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .create_field(&NewFieldDef::new("source", "인지경로", FieldKind::Text).unwrap())
            .unwrap();
        let fields = store.field_defs().unwrap();
        let draft = CustomerDraft {
            name: "홍길동".to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: "010-1234-5678".to_owned(),
            }],
            fields: vec![("source".to_owned(), "검색".to_owned())],
            ..CustomerDraft::default()
        };
        let id = store
            .create_customer(&draft.check(Region::KOREA, &fields).unwrap())
            .unwrap();
        let customer = store.customer(id).unwrap();

        let text = "#{이름}님(#{전화번호}), #{인지경로}/#{source} 고객, #{회사} #{등급}";
        assert_eq!(names(&unknown(text, &fields)), ["등급"]);
        let (filled, empty) = fill(text, &customer, &fields);
        assert_eq!(filled, "홍길동님(010-1234-5678), 검색/검색 고객,  #{등급}");
        assert_eq!(empty, ["회사"]);
    }
}
