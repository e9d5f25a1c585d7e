//! Passwords: the rule a new one must meet, its Argon2id hash, and how long
//! wrong ones lock an account.
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with
//! a random salt of their own, made by the `argon2` crate with the
//! parameters OWASP's Password Storage Cheat Sheet recommends for Argon2id:
//! 19 MiB of memory, 2 passes, 1 lane. Verifying reads the parameters from
//! the stored string, so hashes made with other parameters still verify.
//!
//! Hashing takes tens of milliseconds on purpose: callers run it off the
//! window's thread.

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

use super::invalid::{Invalid, Problem};
use super::time::Timestamp;

/// Fewest characters in a password unless the settings say otherwise.
pub const DEFAULT_MIN_CHARS: usize = 8;
/// Most characters in a password: enough for any passphrase, and a bound on
/// the work one sign-in can ask for.
pub const MAX_CHARS: usize = 1024;
/// Argon2id memory in KiB (OWASP: 19 MiB).
pub const MEMORY_KIB: u32 = 19_456;
/// Argon2id passes over the memory (OWASP: 2).
pub const PASSES: u32 = 2;
/// Argon2id lanes (OWASP: 1).
pub const LANES: u32 = 1;

/// Wrong passwords in a row that lock the account.
pub const FREE_ATTEMPTS: u32 = 5;
/// How long the first lock lasts; each wrong password after it doubles it.
pub const FIRST_LOCK_MS: i64 = 60_000;
/// The longest lock (a day): a forgotten password never locks for ever.
pub const LONGEST_LOCK_MS: i64 = 24 * 60 * 60 * 1000;

/// A password as typed, checked against the minimum length. Its `Debug`
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks `text` (not trimmed: spaces count) against `min_chars`.
    ///
    /// # Errors
    /// Field `password`: empty or only spaces, fewer than `min_chars`
    /// characters, or more than [`MAX_CHARS`].
    pub fn new(text: &str, min_chars: usize) -> Result<Self, Invalid> {
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(Invalid::new("password", Problem::Empty));
        }
        if chars < min_chars {
            return Err(Invalid::new(
                "password",
                Problem::TooShort {
                    chars,
                    min: min_chars,
                },
            ));
        }
        if chars > MAX_CHARS {
            return Err(Invalid::new(
                "password",
                Problem::TooLong {
                    bytes: text.len(),
                    max: MAX_CHARS,
                },
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The password as typed.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A password on its way to be checked (typed into a window, passed in a
/// command): its `Debug` never shows it, so a logged command does not
/// either.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

/// Hashing failed (the system's random source, in practice).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// The hasher with OWASP's parameters.
fn argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|error| HashError(error.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password` with a new random salt.
///
/// # Errors
/// When the system's random source fails.
pub fn hash(password: &Password) -> Result<String, HashError> {
    argon2()?
        .hash_password(password.as_str().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `text` is the password `phc` was made from. A string that is not
/// a PHC hash matches nothing.
#[must_use]
pub fn verify(text: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(text.as_bytes(), phc)
        .is_ok()
}

/// Spends the time a verification takes, so a login that does not exist
/// answers no faster than a wrong password.
pub fn verify_nothing(text: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        Password::new("not anybody's password", 1)
            .ok()
            .and_then(|password| hash(&password).ok())
    });
    if let Some(dummy) = dummy {
        // Only the time spent matters.
        std::hint::black_box(verify(text, dummy));
    }
}

/// How long the account is locked after `failed` wrong passwords in a row
/// (this one included): none for the first four, a minute at the fifth,
/// then twice as long at each further one, up to a day.
#[must_use]
pub fn lock_after(failed: u32) -> Option<i64> {
    let beyond = failed.checked_sub(FREE_ATTEMPTS)?;
    let lock = FIRST_LOCK_MS.saturating_mul(1_i64 << beyond.min(32));
    Some(lock.min(LONGEST_LOCK_MS))
}

/// Where an account stands with wrong passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    /// Wrong passwords in a row since the last sign-in.
    pub failed: u32,
    /// Until when sign-in is refused without checking the password.
    pub locked_until: Option<Timestamp>,
}

impl Attempts {
    /// Whether sign-in is refused at `now`.
    #[must_use]
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| until.0 > now.0)
    }

    /// After one more wrong password at `now`.
    #[must_use]
    pub fn after_failure(self, now: Timestamp) -> Self {
        let failed = self.failed.saturating_add(1);
        Self {
            failed,
            locked_until: lock_after(failed).map(|lock| Timestamp(now.0 + lock)),
        }
    }
}

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefusal {
    /// No such login, or not its password (which one is not said).
    #[error("wrong login or password")]
    WrongPassword {
        /// Wrong passwords left before the account locks (0 when unknown).
        left: u32,
    },
    /// Too many wrong passwords: try again after `until`.
    #[error("too many wrong passwords; the account is locked until {until:?}")]
    Locked {
        /// When sign-in is allowed again.
        until: Timestamp,
    },
    /// An admin has switched the account off.
    #[error("this account is disabled; ask an admin to enable it")]
    Disabled,
    /// The account has no password yet.
    #[error("this account has no password yet; ask an admin to set one")]
    NoPassword,
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn password(text: &str) -> Password {
        Password::new(text, DEFAULT_MIN_CHARS).unwrap()
    }

    #[test]
    fn a_hash_is_an_argon2id_phc_string_with_owasp_parameters_and_its_own_salt() {
        let first = hash(&password("correct horse")).unwrap();
        let second = hash(&password("correct horse")).unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        let parts: Vec<&str> = first.split('$').collect();
        assert_eq!(parts.len(), 6, "{first}");
        assert!(parts[4].len() >= 16, "salt {}", parts[4]);
        assert_ne!(first, second, "each hash has its own salt");
        assert!(!first.contains("correct horse"));
    }

    #[test]
    fn only_the_same_password_verifies() {
        let phc = hash(&password("비밀번호1234")).unwrap();
        assert!(verify("비밀번호1234", &phc));
        assert!(!verify("비밀번호123", &phc));
        assert!(!verify("", &phc));
        assert!(!verify("비밀번호1234", "not a hash"));
        assert!(!verify("비밀번호1234", ""));
    }

    #[rstest]
    #[case("", 8)]
    #[case("   ", 1)]
    fn an_empty_password_is_refused(#[case] text: &str, #[case] min: usize) {
        let refused = Password::new(text, min).unwrap_err();
        assert_eq!(refused.field, "password");
        assert_eq!(refused.problem, Problem::Empty);
    }

    #[test]
    fn a_short_password_is_refused_with_the_minimum() {
        let refused = Password::new("짧은암호", 8).unwrap_err();
        assert_eq!(refused.field, "password");
        assert_eq!(refused.problem, Problem::TooShort { chars: 4, min: 8 });
        assert!(refused.to_string().contains("at least 8"), "{refused}");
        assert!(Password::new("여덟글자비밀번호", 8).is_ok());
        assert!(Password::new("short", 5).is_ok());
        assert!(Password::new(&"x".repeat(MAX_CHARS + 1), 8).is_err());
    }

    #[test]
    fn debug_does_not_show_the_password() {
        assert_eq!(format!("{:?}", password("secret123")), "Password(***)");
    }

    #[rstest]
    #[case(1, None)]
    #[case(4, None)]
    #[case(5, Some(60_000))]
    #[case(6, Some(120_000))]
    #[case(7, Some(240_000))]
    #[case(15, Some(60_000 * 1024))]
    #[case(16, Some(LONGEST_LOCK_MS))]
    #[case(u32::MAX, Some(LONGEST_LOCK_MS))]
    fn five_wrong_passwords_lock_for_a_minute_then_twice_as_long_each_time(
        #[case] failed: u32,
        #[case] lock: Option<i64>,
    ) {
        assert_eq!(lock_after(failed), lock);
    }

    #[test]
    fn a_lock_holds_until_its_time_and_no_longer() {
        let start = Timestamp(1_000_000);
        let mut attempts = Attempts::default();
        for _ in 0..4 {
            attempts = attempts.after_failure(start);
            assert_eq!(attempts.locked_at(start), None);
        }
        attempts = attempts.after_failure(start);
        let until = Timestamp(start.0 + 60_000);
        assert_eq!(attempts.locked_at(start), Some(until));
        assert_eq!(attempts.locked_at(Timestamp(until.0 - 1)), Some(until));
        assert_eq!(attempts.locked_at(until), None);
        // The next wrong password after the lock locks for twice as long.
        attempts = attempts.after_failure(until);
        assert_eq!(
            attempts.locked_at(until),
            Some(Timestamp(until.0 + 120_000))
        );
    }
}
