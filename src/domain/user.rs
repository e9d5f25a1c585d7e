//! The people who use ringdesk (agents, managers, admins): their role, login
//! and PBX extension, and the rules a new or changed user must meet.
//!
//! Passwords and sign-in rules are in `password.rs`.

use serde::Serialize;

use super::ids::UserId;
use super::input::{self, stored_enum};
use super::invalid::{Invalid, Problem};
use super::time::Timestamp;

/// Most characters in a login.
pub const LOGIN_MAX_CHARS: usize = 64;
/// Most characters in a display name.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;
/// Fewest digits in a PBX extension.
pub const EXTENSION_MIN_DIGITS: usize = 2;
/// Most digits in a PBX extension.
pub const EXTENSION_MAX_DIGITS: usize = 10;

stored_enum! {
    /// What a user may do.
    pub enum Role {
        /// Takes and makes calls, works on customers.
        Agent => "agent",
        /// An agent who also sees the team's calls and sends bulk messages.
        Manager => "manager",
        /// Manages users, statuses, sender numbers and settings.
        Admin => "admin",
    }
}

/// A user to be created. The store calls [`NewUser::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// What the user signs in with: 1 to 64 characters, no spaces, unique
    /// regardless of upper or lower case.
    pub login: String,
    /// Shown in lists and on call logs; required.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The user's PBX extension: 2 to 10 digits, or `None` (spaces only count as none).
    pub extension: Option<String>,
}

impl NewUser {
    /// The user trimmed and checked, with an extension of only spaces made `None`.
    ///
    /// # Errors
    /// The first field that breaks its rule: `login`, `display_name` or `extension`.
    pub fn check(&self) -> Result<Self, Invalid> {
        let login = input::required("login", &self.login, LOGIN_MAX_CHARS)?;
        if login.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new(
                "login",
                Problem::Malformed {
                    value: login,
                    reason: "a login cannot contain spaces".to_owned(),
                },
            ));
        }
        let details = UserUpdate {
            display_name: self.display_name.clone(),
            role: self.role,
            extension: self.extension.clone(),
        }
        .check()?;
        Ok(Self {
            login,
            display_name: details.display_name,
            role: details.role,
            extension: details.extension,
        })
    }
}

/// What can be changed about a user after it is created (the login stays).
/// The store calls [`UserUpdate::check`] before writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpdate {
    /// As [`NewUser::display_name`].
    pub display_name: String,
    /// As [`NewUser::role`].
    pub role: Role,
    /// As [`NewUser::extension`].
    pub extension: Option<String>,
}

impl UserUpdate {
    /// The changes trimmed and checked, with an extension of only spaces made `None`.
    ///
    /// # Errors
    /// An empty or too long `display_name`, or an `extension` that is not 2 to 10 digits.
    pub fn check(&self) -> Result<Self, Invalid> {
        let extension = match self.extension.as_deref() {
            None => None,
            Some(typed) => extension(typed)?,
        };
        Ok(Self {
            display_name: input::required(
                "display_name",
                &self.display_name,
                DISPLAY_NAME_MAX_CHARS,
            )?,
            role: self.role,
            extension,
        })
    }
}

/// An extension as typed: `None` when only spaces, otherwise 2 to 10 digits.
///
/// # Errors
/// [`Invalid`] on field `extension` for anything else.
pub fn extension(typed: &str) -> Result<Option<String>, Invalid> {
    match typed.trim() {
        "" => Ok(None),
        extension => check_extension(extension).map(Some),
    }
}

fn check_extension(extension: &str) -> Result<String, Invalid> {
    let digits = extension.len();
    if !extension.bytes().all(|b| b.is_ascii_digit())
        || !(EXTENSION_MIN_DIGITS..=EXTENSION_MAX_DIGITS).contains(&digits)
    {
        return Err(Invalid::new(
            "extension",
            Problem::Malformed {
                value: extension.to_owned(),
                reason: format!(
                    "an extension is {EXTENSION_MIN_DIGITS} to {EXTENSION_MAX_DIGITS} digits, like 1001"
                ),
            },
        ));
    }
    Ok(extension.to_owned())
}

/// A user as stored (never with a password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Row id.
    pub id: UserId,
    /// Login.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// PBX extension, if any.
    pub extension: Option<String>,
    /// False when an admin has switched the account off.
    pub enabled: bool,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn user(login: &str, display_name: &str, extension: Option<&str>) -> NewUser {
        NewUser {
            login: login.to_owned(),
            display_name: display_name.to_owned(),
            role: Role::Agent,
            extension: extension.map(str::to_owned),
        }
    }

    #[test]
    fn a_good_user_is_trimmed() {
        let checked = user(" kim.minsu ", " 김민수 ", Some(" 1001 "))
            .check()
            .unwrap();
        assert_eq!(checked.login, "kim.minsu");
        assert_eq!(checked.display_name, "김민수");
        assert_eq!(checked.extension.as_deref(), Some("1001"));
        let no_extension = user("kim", "김", Some("  ")).check().unwrap();
        assert_eq!(no_extension.extension, None);
    }

    #[rstest]
    #[case(user("", "김", None), "login")]
    #[case(user("kim minsu", "김", None), "login")]
    #[case(user(&"k".repeat(65), "김", None), "login")]
    #[case(user("kim", " ", None), "display_name")]
    #[case(user("kim", "김", Some("1")), "extension")]
    #[case(user("kim", "김", Some("12345678901")), "extension")]
    #[case(user("kim", "김", Some("10-01")), "extension")]
    fn each_bad_field_is_named(#[case] user: NewUser, #[case] field: &str) {
        assert_eq!(user.check().unwrap_err().field, field);
    }

    #[test]
    fn sixty_four_characters_are_enough() {
        assert!(user(&"k".repeat(64), "김", None).check().is_ok());
        assert!(user("김민수", "김", Some("10")).check().is_ok());
    }
}
