//! The advertising law for text messages (정보통신망법 §50), as the composer
//! enforces it before Send is enabled:
//!
//! * the text begins with exactly "(광고)" — nothing, not even a space, before it;
//! * it names the sender ([`AdRules::sender_name`]) and gives a contact
//!   ([`AdRules::sender_contact`], the sender number as a rule);
//! * its last line is the free opt-out line, "무료수신거부 080-…" with the
//!   number from the preferences;
//! * it is not sent between 21:00 and 08:00 local time unless the recipient
//!   agreed to night-time advertising (§50③);
//! * it is never sent to a recipient who opted out.
//!
//! [`check_ad`] says what is wrong; [`fix_ad`] writes the text that passes,
//! so the composer can offer "fix it". Nothing here reads a clock: the caller
//! passes the local time.

use jiff::civil::Time;

use super::Field;
use crate::config::SmsSettings;

/// The mark an advertisement begins with.
pub const AD_MARK: &str = "(광고)";
/// The words the opt-out line begins with ("free unsubscribe").
pub const OPT_OUT_WORDS: &str = "무료수신거부";
/// When the night without advertising begins, local time.
pub const NIGHT_STARTS: Time = Time::constant(21, 0, 0, 0);
/// When the night without advertising ends, local time.
pub const NIGHT_ENDS: Time = Time::constant(8, 0, 0, 0);

/// What an advertisement must carry, from the preferences and the composer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdRules {
    /// The sender's name as the text must give it (`sms.sender_name`).
    pub sender_name: String,
    /// The contact the text must give: the sender number chosen in the
    /// composer, as a rule. Matched by its digits, so any dashes will do.
    pub sender_contact: String,
    /// The free opt-out number (`sms.optout_number`, 080-…).
    pub optout_number: String,
}

impl AdRules {
    /// The rules from the `[sms]` settings, with the contact the message
    /// gives (usually the sender number it goes out from).
    #[must_use]
    pub fn from_settings(settings: &SmsSettings, sender_contact: &str) -> Self {
        Self {
            sender_name: settings.sender_name.trim().to_owned(),
            sender_contact: sender_contact.trim().to_owned(),
            optout_number: settings.optout_number.trim().to_owned(),
        }
    }

    /// "무료수신거부 080-123-4567".
    #[must_use]
    pub fn optout_line(&self) -> String {
        format!("{OPT_OUT_WORDS} {}", self.optout_number.trim())
    }
}

/// Why an advertisement may not be sent (yet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdProblem {
    /// The text does not begin with exactly "(광고)".
    #[error("an advertisement must begin with exactly \"(광고)\", with nothing before it")]
    MissingMark,
    /// The preferences name no sender.
    #[error(
        "set the sender's name (sms.sender_name) in the preferences before sending advertising"
    )]
    NoSenderName,
    /// The text does not give the sender's name.
    #[error("an advertisement must name its sender: \"{name}\" is not in the text")]
    MissingSenderName {
        /// The name it must give.
        name: String,
    },
    /// No contact is known (no sender number chosen).
    #[error("choose a sender number: an advertisement must give the sender's contact")]
    NoSenderContact,
    /// The text does not give the sender's contact.
    #[error("an advertisement must give the sender's contact: {contact} is not in the text")]
    MissingSenderContact {
        /// The contact it must give.
        contact: String,
    },
    /// The preferences give no opt-out number.
    #[error(
        "set the free opt-out number (sms.optout_number, 080-…) in the preferences before sending advertising"
    )]
    NoOptOutNumber,
    /// The last line is not the opt-out line.
    #[error("an advertisement must end with the free opt-out line \"{line}\"")]
    MissingOptOut {
        /// The line it must end with.
        line: String,
    },
    /// The opt-out line gives another number.
    #[error("the opt-out line gives \"{found}\"; the opt-out number is {expected}")]
    WrongOptOutNumber {
        /// What the line gives after "무료수신거부".
        found: String,
        /// The number from the preferences.
        expected: String,
    },
    /// Night time, and the recipient did not agree to advertising at night.
    #[error(
        "advertising is not sent between 21:00 and 08:00 (it is {:02}:{:02}) unless the recipient agreed to it at night",
        .at.hour(),
        .at.minute()
    )]
    NightTime {
        /// The local time it would have gone out.
        at: Time,
    },
    /// The recipient opted out of advertising.
    #[error("the recipient opted out of advertising")]
    OptedOut,
    /// The text is marked as an advertisement but is not sent as one, so
    /// none of the rules above would be checked.
    #[error(
        "the text begins with an advertising mark; send it as an advertisement (--ad, 광고) so the advertising rules apply, or remove the mark"
    )]
    NotSentAsAd,
}

impl AdProblem {
    /// The field to point at.
    #[must_use]
    pub fn field(&self) -> Field {
        match self {
            Self::NoSenderContact => Field::From,
            Self::NightTime { .. } => Field::SendAt,
            Self::OptedOut => Field::To,
            _ => Field::Body,
        }
    }
}

/// Everything the advertising law finds in a message: for an advertisement,
/// [`check_ad`] on its text and [`check_ad_recipient`] on its recipient at
/// local time `at`; for any other message, only whether its text carries an
/// advertising mark, which would make it an advertisement sent without the
/// rules.
#[must_use]
pub fn check_advertising(
    text: &str,
    advertising: bool,
    rules: &AdRules,
    opted_out: bool,
    night_consent: bool,
    at: Time,
) -> Vec<AdProblem> {
    if !advertising {
        return if has_ad_mark(text) {
            vec![AdProblem::NotSentAsAd]
        } else {
            Vec::new()
        };
    }
    let mut problems = check_ad(text, rules);
    problems.extend(check_ad_recipient(opted_out, night_consent, at));
    problems
}

/// Whether `text` begins with an advertising mark in any brackets and
/// spacing (`(광고)`, `[광고]`, ` ( 광고 ) `).
#[must_use]
pub fn has_ad_mark(text: &str) -> bool {
    let start = text.trim_start();
    strip_mark(start).len() != start.len()
}

/// What keeps `text` from being a lawful advertisement, in the order the
/// text reads: the mark, the sender, the opt-out line. Empty when it passes.
#[must_use]
pub fn check_ad(text: &str, rules: &AdRules) -> Vec<AdProblem> {
    let mut problems = Vec::new();
    if !text.starts_with(AD_MARK) {
        problems.push(AdProblem::MissingMark);
    }
    let name = rules.sender_name.trim();
    if name.is_empty() {
        problems.push(AdProblem::NoSenderName);
    } else if !text.contains(name) {
        problems.push(AdProblem::MissingSenderName {
            name: name.to_owned(),
        });
    }
    let contact = rules.sender_contact.trim();
    if digits(contact).is_empty() {
        problems.push(AdProblem::NoSenderContact);
    } else if !has_number(text, contact) {
        problems.push(AdProblem::MissingSenderContact {
            contact: contact.to_owned(),
        });
    }
    let optout = rules.optout_number.trim();
    if digits(optout).is_empty() {
        problems.push(AdProblem::NoOptOutNumber);
    } else {
        let last = text.trim_end().rsplit('\n').next().unwrap_or("").trim();
        match last.strip_prefix(OPT_OUT_WORDS) {
            Some(found) if digits(found) == digits(optout) => {}
            Some(found) => problems.push(AdProblem::WrongOptOutNumber {
                found: found
                    .trim_matches(|c: char| c.is_whitespace() || c == ':')
                    .to_owned(),
                expected: optout.to_owned(),
            }),
            None => problems.push(AdProblem::MissingOptOut {
                line: rules.optout_line(),
            }),
        }
    }
    problems
}

/// `text` made a lawful advertisement: a mark near the start (`[광고]`,
/// `( 광고 )`) becomes exactly "(광고)" at the very start; the sender's name
/// and contact go right after it when the text lacks them; trailing opt-out
/// lines are replaced by the one from the preferences. The rest is kept as
/// typed, and fixing a fixed text changes nothing.
///
/// What the preferences leave empty cannot be added; [`check_ad`] still
/// reports it.
#[must_use]
pub fn fix_ad(text: &str, rules: &AdRules) -> String {
    let mut body = strip_mark(text.trim_start()).trim_start();
    body = strip_optout_lines(body);

    let name = rules.sender_name.trim();
    let contact = rules.sender_contact.trim();
    let mut header = String::new();
    if !name.is_empty() && !body.contains(name) {
        header.push_str(name);
    }
    if !digits(contact).is_empty() && !has_number(body, contact) {
        if !header.is_empty() {
            header.push(' ');
        }
        header.push_str(contact);
    }

    let mut fixed = String::with_capacity(text.len() + header.len() + 64);
    fixed.push_str(AD_MARK);
    fixed.push_str(&header);
    if !header.is_empty() && !body.is_empty() {
        fixed.push('\n');
    }
    fixed.push_str(body);
    if !digits(&rules.optout_number).is_empty() {
        fixed.push('\n');
        fixed.push_str(&rules.optout_line());
    }
    fixed
}

/// Whether advertising may go out at local time `at`: not from 21:00 to
/// 08:00 unless the recipient agreed to night-time advertising.
///
/// # Errors
/// [`AdProblem::NightTime`].
pub fn ad_allowed_at(at: Time, night_consent: bool) -> Result<(), AdProblem> {
    let night = at >= NIGHT_STARTS || at < NIGHT_ENDS;
    if night && !night_consent {
        return Err(AdProblem::NightTime { at });
    }
    Ok(())
}

/// What keeps an advertisement from going to one recipient at local time
/// `at`: an opt-out, or the night without their consent. Empty when it may go.
#[must_use]
pub fn check_ad_recipient(opted_out: bool, night_consent: bool, at: Time) -> Vec<AdProblem> {
    let mut problems = Vec::new();
    if opted_out {
        problems.push(AdProblem::OptedOut);
    }
    if let Err(problem) = ad_allowed_at(at, night_consent) {
        problems.push(problem);
    }
    problems
}

/// The ASCII digits in `text`.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Whether `text` gives the number `number` in any layout: a run of digits
/// with dashes, dots, parentheses or spaces between them whose digits hold
/// the number's.
fn has_number(text: &str, number: &str) -> bool {
    let wanted = digits(number);
    if wanted.is_empty() {
        return false;
    }
    let mut run = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            run.push(ch);
        } else if !run.is_empty() && !matches!(ch, '-' | '.' | ' ' | '(' | ')') {
            // Only a finished run is searched: building the searcher per
            // character would cost more than the whole count.
            if run.contains(&wanted) {
                return true;
            }
            run.clear();
        }
    }
    run.contains(&wanted)
}

/// `text` without an advertising mark at its start, in whatever brackets
/// and spacing it was typed.
fn strip_mark(text: &str) -> &str {
    let mut chars = text.chars();
    if chars
        .next()
        .is_some_and(|ch| matches!(ch, '(' | '[' | '<' | '（' | '［' | '【' | '〔' | '〈'))
    {
        let inner = chars.as_str().trim_start();
        if let Some(after) = inner.strip_prefix("광고") {
            let after = after.trim_start();
            let mut chars = after.chars();
            if chars
                .next()
                .is_some_and(|ch| matches!(ch, ')' | ']' | '>' | '）' | '］' | '】' | '〕' | '〉'))
            {
                return chars.as_str();
            }
        }
    }
    text
}

/// `text` without the opt-out lines at its end (right or wrong), and
/// without the blank lines before them.
fn strip_optout_lines(text: &str) -> &str {
    let mut text = text.trim_end();
    loop {
        let (before, last) = text.rsplit_once('\n').unwrap_or(("", text));
        let last = last.trim();
        let words: String = last.chars().filter(|ch| !ch.is_whitespace()).collect();
        if words.starts_with(OPT_OUT_WORDS) || words.starts_with("수신거부") {
            text = before.trim_end();
            if text.is_empty() {
                return text;
            }
        } else {
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;

    const GOOD: &str =
        "(광고)링데스크 02-2299-7123\n겨울 할인 안내: 전 품목 20%\n무료수신거부 080-123-4567";

    fn rules() -> AdRules {
        AdRules {
            sender_name: "링데스크".to_owned(),
            sender_contact: "02-2299-7123".to_owned(),
            optout_number: "080-123-4567".to_owned(),
        }
    }

    fn at(hour: i8, minute: i8) -> Time {
        Time::constant(hour, minute, 0, 0)
    }

    #[rstest]
    #[case::as_written(GOOD)]
    #[case::trailing_line_break(&format!("{GOOD}\n"))]
    #[case::contact_without_dashes("(광고)링데스크 0222997123\n안내\n무료수신거부 080-123-4567")]
    #[case::contact_in_the_body("(광고)링데스크\n문의 02) 2299 7123\n무료수신거부 0801234567")]
    #[case::optout_with_colon("(광고)링데스크 02-2299-7123\n안내\n무료수신거부: 080-123-4567")]
    fn a_lawful_advertisement_passes(#[case] text: &str) {
        assert_eq!(check_ad(text, &rules()), []);
    }

    #[rstest]
    #[case::no_mark(
        "링데스크 02-2299-7123\n안내\n무료수신거부 080-123-4567",
        AdProblem::MissingMark
    )]
    #[case::space_before_mark(
        " (광고)링데스크 02-2299-7123\n무료수신거부 080-123-4567",
        AdProblem::MissingMark
    )]
    #[case::other_brackets(
        "[광고]링데스크 02-2299-7123\n무료수신거부 080-123-4567",
        AdProblem::MissingMark
    )]
    #[case::no_name("(광고)02-2299-7123\n안내\n무료수신거부 080-123-4567", AdProblem::MissingSenderName { name: "링데스크".to_owned() })]
    #[case::no_contact("(광고)링데스크\n안내\n무료수신거부 080-123-4567", AdProblem::MissingSenderContact { contact: "02-2299-7123".to_owned() })]
    #[case::other_contact("(광고)링데스크 02-2299-7124\n무료수신거부 080-123-4567", AdProblem::MissingSenderContact { contact: "02-2299-7123".to_owned() })]
    #[case::no_optout("(광고)링데스크 02-2299-7123\n안내", AdProblem::MissingOptOut { line: "무료수신거부 080-123-4567".to_owned() })]
    #[case::optout_not_last("(광고)링데스크 02-2299-7123\n무료수신거부 080-123-4567\n감사합니다", AdProblem::MissingOptOut { line: "무료수신거부 080-123-4567".to_owned() })]
    #[case::optout_not_free("(광고)링데스크 02-2299-7123\n수신거부 080-123-4567", AdProblem::MissingOptOut { line: "무료수신거부 080-123-4567".to_owned() })]
    #[case::wrong_optout("(광고)링데스크 02-2299-7123\n무료수신거부 080-999-0000", AdProblem::WrongOptOutNumber { found: "080-999-0000".to_owned(), expected: "080-123-4567".to_owned() })]
    fn each_problem_is_named(#[case] text: &str, #[case] problem: AdProblem) {
        assert_eq!(check_ad(text, &rules()), [problem]);
    }

    #[test]
    fn problems_come_in_reading_order_and_point_at_their_field() {
        let problems = check_ad("겨울 할인 안내", &rules());
        assert_eq!(
            problems,
            [
                AdProblem::MissingMark,
                AdProblem::MissingSenderName {
                    name: "링데스크".to_owned()
                },
                AdProblem::MissingSenderContact {
                    contact: "02-2299-7123".to_owned()
                },
                AdProblem::MissingOptOut {
                    line: "무료수신거부 080-123-4567".to_owned()
                },
            ]
        );
        assert!(
            problems
                .iter()
                .all(|problem| problem.field() == Field::Body)
        );
        assert_eq!(
            problems[0].to_string(),
            "an advertisement must begin with exactly \"(광고)\", with nothing before it"
        );
        assert_eq!(
            problems[3].to_string(),
            "an advertisement must end with the free opt-out line \"무료수신거부 080-123-4567\""
        );
    }

    #[test]
    fn empty_preferences_are_reported_not_guessed() {
        assert_eq!(
            check_ad("(광고)안내", &AdRules::default()),
            [
                AdProblem::NoSenderName,
                AdProblem::NoSenderContact,
                AdProblem::NoOptOutNumber
            ]
        );
        assert_eq!(AdProblem::NoSenderContact.field(), Field::From);
        assert!(
            AdProblem::NoOptOutNumber
                .to_string()
                .contains("sms.optout_number")
        );
        // Fixing adds only the mark, as nothing else is known.
        assert_eq!(fix_ad(" 안내", &AdRules::default()), "(광고)안내");
    }

    #[rstest]
    #[case::plain(
        "겨울 할인 안내",
        "(광고)링데스크 02-2299-7123\n겨울 할인 안내\n무료수신거부 080-123-4567"
    )]
    #[case::name_already_there(
        "링데스크 겨울 할인",
        "(광고)02-2299-7123\n링데스크 겨울 할인\n무료수신거부 080-123-4567"
    )]
    #[case::loose_mark_and_old_optout(
        "  [ 광고 ] 링데스크 겨울 할인 02-2299-7123\n\n수신거부 080-000-0000\n",
        "(광고)링데스크 겨울 할인 02-2299-7123\n무료수신거부 080-123-4567"
    )]
    #[case::wrong_optout_number(
        "(광고)링데스크 02-2299-7123\n안내\n무료수신거부 080-999-0000",
        "(광고)링데스크 02-2299-7123\n안내\n무료수신거부 080-123-4567"
    )]
    #[case::already_lawful(GOOD, GOOD)]
    #[case::empty("", "(광고)링데스크 02-2299-7123\n무료수신거부 080-123-4567")]
    fn fix_ad_writes_a_lawful_text(#[case] text: &str, #[case] fixed: &str) {
        assert_eq!(fix_ad(text, &rules()), fixed);
        assert_eq!(check_ad(fixed, &rules()), []);
    }

    proptest! {
        #[test]
        fn whatever_was_typed_fix_ad_passes_check_ad_and_is_stable(text in "\\PC*|[(광고)\\[\\] 0-9\\-\n무료수신거부링데스크]*") {
            let fixed = fix_ad(&text, &rules());
            prop_assert_eq!(check_ad(&fixed, &rules()), vec![]);
            prop_assert_eq!(fix_ad(&fixed, &rules()), fixed);
        }
    }

    #[rstest]
    #[case::before_night(at(20, 59), true)]
    #[case::night_begins(at(21, 0), false)]
    #[case::midnight(at(0, 0), false)]
    #[case::night_ends_soon(at(7, 59), false)]
    #[case::morning(at(8, 0), true)]
    #[case::noon(at(12, 0), true)]
    fn quiet_hours_are_21_to_8(#[case] time: Time, #[case] allowed: bool) {
        assert_eq!(ad_allowed_at(time, false).is_ok(), allowed, "{time}");
        // With night-time consent, any time will do.
        assert_eq!(ad_allowed_at(time, true), Ok(()));
    }

    #[test]
    fn the_night_problem_says_the_time() {
        let problem = ad_allowed_at(Time::constant(23, 5, 30, 0), false).unwrap_err();
        assert_eq!(
            problem,
            AdProblem::NightTime {
                at: Time::constant(23, 5, 30, 0)
            }
        );
        assert_eq!(problem.field(), Field::SendAt);
        assert_eq!(
            problem.to_string(),
            "advertising is not sent between 21:00 and 08:00 (it is 23:05) unless the recipient agreed to it at night"
        );
    }

    #[test]
    fn opted_out_recipients_never_get_advertising() {
        assert_eq!(
            check_ad_recipient(true, true, at(12, 0)),
            [AdProblem::OptedOut]
        );
        assert_eq!(AdProblem::OptedOut.field(), Field::To);
        assert_eq!(
            check_ad_recipient(true, false, at(22, 0)),
            [AdProblem::OptedOut, AdProblem::NightTime { at: at(22, 0) }]
        );
        assert_eq!(check_ad_recipient(false, false, at(12, 0)), []);
    }

    #[test]
    fn rules_come_from_the_settings_and_the_sender_number() {
        let settings = SmsSettings {
            sender_name: " 링데스크 ".to_owned(),
            optout_number: "080-123-4567".to_owned(),
            ..SmsSettings::default()
        };
        assert_eq!(AdRules::from_settings(&settings, "02-2299-7123 "), rules());
    }
}
