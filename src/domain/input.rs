//! Building blocks the input types of this folder share: checks for typed
//! text (required, length limits) and the enums the store keeps by name.
//!
//! Lengths meant for people (titles, logins) are counted in characters, so a
//! Korean title gets as many letters as an English one; lengths meant for the
//! wire (message bodies) are counted in UTF-8 bytes.

use super::invalid::{Invalid, Problem};

/// `text` trimmed; refused when empty or longer than `max_chars` characters.
pub(crate) fn required(field: &str, text: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::new(field, Problem::Empty));
    }
    at_most_chars(field, text, max_chars)?;
    Ok(text.to_owned())
}

/// `text` trimmed (possibly empty); refused when longer than `max_chars` characters.
pub(crate) fn optional(field: &str, text: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = text.trim();
    at_most_chars(field, text, max_chars)?;
    Ok(text.to_owned())
}

/// Refuses `text` when it has more than `max_chars` characters.
pub(crate) fn at_most_chars(field: &str, text: &str, max_chars: usize) -> Result<(), Invalid> {
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(Invalid::new(
            field,
            Problem::Malformed {
                value: text.to_owned(),
                reason: format!("it has {chars} characters; at most {max_chars} are allowed"),
            },
        ));
    }
    Ok(())
}

/// Refuses `text` when it is only spaces or longer than `max_bytes` in UTF-8.
/// The text itself is kept as typed: in a message body, spaces and line
/// breaks are part of what is sent.
pub(crate) fn body(field: &str, text: &str, max_bytes: usize) -> Result<(), Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::new(field, Problem::Empty));
    }
    if text.len() > max_bytes {
        return Err(Invalid::new(
            field,
            Problem::TooLong {
                bytes: text.len(),
                max: max_bytes,
            },
        ));
    }
    Ok(())
}

/// Declares an enum that the store keeps as text (`'no_answer'`), with
/// `ALL`, `as_str`, `Display`, `FromStr` (refusing with
/// [`Problem::WrongType`]) and serde under the same names.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The name stored in the database and used on the command line.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::Problem;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| $crate::domain::Problem::WrongType {
                        value: text.to_owned(),
                        expected: format!(
                            "one of: {}",
                            Self::ALL
                                .iter()
                                .map(|value| value.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })
            }
        }
    };
}

pub(crate) use stored_enum;

#[cfg(test)]
mod tests {
    use super::*;

    stored_enum! {
        /// A test enum.
        pub enum Colour {
            /// Red.
            Red => "red",
            /// Dark blue.
            DarkBlue => "dark_blue",
        }
    }

    #[test]
    fn stored_enums_round_trip_by_name() {
        for colour in Colour::ALL {
            assert_eq!(colour.as_str().parse::<Colour>(), Ok(*colour));
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        let err = "green".parse::<Colour>().unwrap_err();
        assert_eq!(err.to_string(), "'green' is not one of: red, dark_blue");
    }

    #[test]
    fn text_rules() {
        assert_eq!(required("title", "  안녕  ", 2).unwrap(), "안녕");
        assert_eq!(required("title", " ", 2).unwrap_err().field, "title");
        assert_eq!(required("title", "안녕하", 2).unwrap_err().field, "title");
        assert_eq!(optional("subject", "  ", 2).unwrap(), "");
        assert!(optional("subject", "abc", 2).is_err());
        assert!(body("body", " 본문\n", 8).is_ok());
        assert!(body("body", " \n ", 8).is_err());
        // Three bytes per Hangul syllable.
        assert!(body("body", "가나다", 8).is_err());
    }
}
