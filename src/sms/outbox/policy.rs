//! The outbox's decisions, pure: given where a message stands, what just
//! happened (the gateway's answer, or finding it half-sent) and the time,
//! what happens to it next. No store, no clock, no gateway: the worker
//! feeds these functions and carries out their [`Step`].
//!
//! The crash policy lives here (see the parent module's doc): a message
//! whose hand-over may or may not have reached the gateway is handed over
//! again only to a gateway that recognises a repeat; otherwise it waits for
//! a delivery report and, when none comes, fails with a reason that tells
//! the agent to check before resending. Never sent twice by ringdesk itself.

use std::time::Duration;

use crate::domain::{MessageState, Timestamp};
use crate::sms::gateway::{Accepted, GatewayError};

/// How long a message waits before each retry after a passing failure:
/// first retry after 10 s, the last after 30 min.
pub const RETRY_DELAYS: [Duration; 5] = [
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_mins(2),
    Duration::from_mins(10),
    Duration::from_mins(30),
];

/// Hand-overs in all before a message that keeps failing for passing
/// reasons fails for good: the first and one per retry delay.
#[expect(
    clippy::cast_possible_truncation,
    reason = "five delays; the array length is a small constant"
)]
pub const MAX_ATTEMPTS: u32 = RETRY_DELAYS.len() as u32 + 1;

/// How long a message that may have reached the gateway waits for its
/// delivery report, counted from its last hand-over.
pub const REPORT_GRACE: Duration = Duration::from_mins(10);

/// The longest the worker waits for the gateway's answer to one hand-over;
/// a gateway gives up on its own connection well before this. Also how long
/// a message in `sending` is left alone at start, in case another ringdesk
/// on the same database is still waiting for that answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_mins(2);

/// How long a message whose hand-over got no answer (the exchange broke
/// off) waits before it is handed over again, at the least: time for the
/// gateway's report to say it took the message after all. Kannel reports a
/// message it has as soon as it hands it to the carrier (or buffers it
/// there), within seconds when it runs, so two minutes is ample.
pub const UNANSWERED_GRACE: Duration = Duration::from_mins(2);

/// How a message left half handed over is described.
macro_rules! interrupted {
    () => {
        "ringdesk stopped while handing this message over"
    };
}

/// The end of every reason of a message that may or may not have been sent.
macro_rules! check_first {
    () => {
        "it may or may not have been sent — check before resending"
    };
}

/// Why a message that may or may not have been sent failed: shown in the
/// log, beside the resend button.
pub const UNKNOWN_OUTCOME: &str = concat!(interrupted!(), "; ", check_first!());

/// The outbox's waits. ringdesk runs with [`Timing::default`]: the
/// constants above. Tests against a real gateway, whose clock cannot be
/// paused, shorten them with [`Timing::scaled`]; the decisions stay the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// [`RETRY_DELAYS`]: one wait per retry, so there are
    /// [`MAX_ATTEMPTS`] hand-overs whatever the waits.
    pub retry_delays: [Duration; RETRY_DELAYS.len()],
    /// [`ANSWER_TIMEOUT`].
    pub answer_timeout: Duration,
    /// [`REPORT_GRACE`].
    pub report_grace: Duration,
    /// [`UNANSWERED_GRACE`].
    pub unanswered_grace: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            retry_delays: RETRY_DELAYS,
            answer_timeout: ANSWER_TIMEOUT,
            report_grace: REPORT_GRACE,
            unanswered_grace: UNANSWERED_GRACE,
        }
    }
}

impl Timing {
    /// Every wait of [`Timing::default`] divided by `divisor` (600 turns the
    /// ten-minute grace into one second and the first retry into 16 ms), for
    /// tests.
    #[must_use]
    pub fn scaled(divisor: u32) -> Self {
        let divisor = divisor.max(1);
        let default = Self::default();
        Self {
            retry_delays: default.retry_delays.map(|delay| delay / divisor),
            answer_timeout: default.answer_timeout / divisor,
            report_grace: default.report_grace / divisor,
            unanswered_grace: default.unanswered_grace / divisor,
        }
    }
}

/// What the gateway said to one hand-over, as the worker saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It took the message.
    Accepted(Accepted),
    /// It did not.
    Error(GatewayError),
    /// No answer within [`ANSWER_TIMEOUT`]: it may or may not have taken it.
    Timeout,
}

/// What the gateway in use promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// [`crate::sms::gateway::SmsGateway::deduplicates`].
    pub deduplicates: bool,
    /// [`crate::sms::gateway::SmsGateway::reports_delivery`].
    pub reports_delivery: bool,
    /// [`crate::sms::gateway::SmsGateway::reports_taken_by_uid`].
    pub reports_taken_by_uid: bool,
}

/// What happens to a message next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The gateway took it: record that (and its id for it).
    Accepted {
        /// The gateway's id for it.
        gateway_ref: Option<String>,
    },
    /// Back to the outbox until `at`.
    Retry {
        /// When to try again.
        at: Timestamp,
        /// Why this attempt failed.
        reason: String,
    },
    /// Give up on it.
    Fail {
        /// Why, for the log.
        reason: String,
    },
    /// Back to the outbox now: the gateway recognises a repeat.
    Requeue,
    /// Leave it in `sending` and decide again at `until` (with
    /// [`after_interruption`]) unless a delivery report settles it first.
    Wait {
        /// When to decide again.
        until: Timestamp,
    },
    /// Nothing to do: something else already settled it.
    Keep,
}

/// What follows the gateway's answer to hand-over number `attempts` of a
/// message now in `state`.
#[must_use]
pub fn after_answer(
    state: MessageState,
    attempts: u32,
    attempted_at: Option<Timestamp>,
    answer: Answer,
    capabilities: Capabilities,
    timing: &Timing,
    now: Timestamp,
) -> Step {
    match (state, answer) {
        // Taken; or a report beat the answer and only the gateway's id is new.
        (
            MessageState::Sending | MessageState::Delivered | MessageState::Failed,
            Answer::Accepted(accepted),
        ) => Step::Accepted {
            gateway_ref: accepted.gateway_ref,
        },
        (MessageState::Sending, Answer::Error(GatewayError::Refused(reason))) => {
            Step::Fail { reason }
        }
        (MessageState::Sending, Answer::Error(GatewayError::Transient(reason))) => {
            match retry_delay(attempts, timing) {
                Some(delay) => Step::Retry {
                    at: later(now, delay),
                    reason,
                },
                None => Step::Fail {
                    reason: format!("gave up after {attempts} attempts: {reason}"),
                },
            }
        }
        (MessageState::Sending, Answer::Error(GatewayError::Unanswered(reason))) => {
            after_unanswered(attempts, attempted_at, reason, capabilities, timing, now)
        }
        (MessageState::Sending, Answer::Timeout) => {
            after_interruption(attempted_at, capabilities, timing, now)
        }
        // A report settled it, or another worker on this database took it
        // over: the answer changes nothing.
        _ => Step::Keep,
    }
}

/// What follows a hand-over whose exchange broke off after the message went
/// out: the gateway may have taken it. A gateway that recognises a repeat
/// gets it again like after any passing failure. One that reports every
/// taken message by its uid gets it again only after
/// [`Timing::unanswered_grace`] — a report of a message it did take arrives
/// first and settles it (see [`MessageState::after_report`]), so it is not
/// sent twice. Any other cannot be asked: that is the crash case,
/// [`after_interruption`].
fn after_unanswered(
    attempts: u32,
    attempted_at: Option<Timestamp>,
    reason: String,
    capabilities: Capabilities,
    timing: &Timing,
    now: Timestamp,
) -> Step {
    if !capabilities.deduplicates && !capabilities.reports_taken_by_uid {
        return after_interruption(attempted_at, capabilities, timing, now);
    }
    match retry_delay(attempts, timing) {
        Some(delay) if capabilities.deduplicates => Step::Retry {
            at: later(now, delay),
            reason,
        },
        Some(delay) => Step::Retry {
            at: later(now, delay.max(timing.unanswered_grace)),
            reason: format!("{reason} (sent again unless the gateway reports it first)"),
        },
        None => Step::Fail {
            reason: format!(
                concat!("gave up after {} attempts: {}; ", check_first!()),
                attempts, reason
            ),
        },
    }
}

/// What follows finding a message in `sending` that this worker is not
/// handing over (found at start, or timed out), last handed over at
/// `attempted_at`.
#[must_use]
pub fn after_interruption(
    attempted_at: Option<Timestamp>,
    capabilities: Capabilities,
    timing: &Timing,
    now: Timestamp,
) -> Step {
    let attempted_at = attempted_at.unwrap_or(Timestamp(0));
    // Another ringdesk on this database may still be waiting for the answer.
    let answer_due = later(attempted_at, timing.answer_timeout);
    if now < answer_due {
        return Step::Wait { until: answer_due };
    }
    if capabilities.deduplicates {
        return Step::Requeue;
    }
    let report_due = later(attempted_at, timing.report_grace);
    // A gateway that reports every message it took (Kannel) keeps trying
    // to deliver that report while ringdesk is away (smsbox's
    // http-request-retry, set to cover the report grace): within it, a
    // message not reported after the unanswered grace was not taken, and
    // goes again rather than be lost. Later, a report may have been given
    // up on, and the message may have gone: ask the person.
    if capabilities.reports_taken_by_uid && now < report_due {
        return Step::Retry {
            at: later(now, timing.unanswered_grace),
            reason: concat!(
                interrupted!(),
                " (sent again unless the gateway reports it first)"
            )
            .to_owned(),
        };
    }
    if capabilities.reports_delivery && now < report_due {
        return Step::Wait { until: report_due };
    }
    Step::Fail {
        reason: UNKNOWN_OUTCOME.to_owned(),
    }
}

/// The wait before the retry that follows hand-over number `attempts`, or
/// None when that was the last one allowed.
#[must_use]
pub fn retry_delay(attempts: u32, timing: &Timing) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    timing.retry_delays.get(index).copied()
}

fn later(at: Timestamp, delay: Duration) -> Timestamp {
    Timestamp(
        at.as_millis()
            .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
    )
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    const NOW: Timestamp = Timestamp(1_700_000_000_000);
    const REPORTS: Capabilities = Capabilities {
        deduplicates: false,
        reports_delivery: true,
        reports_taken_by_uid: false,
    };
    /// Kannel.
    const PUSHES: Capabilities = Capabilities {
        deduplicates: false,
        reports_delivery: true,
        reports_taken_by_uid: true,
    };
    const DEDUP: Capabilities = Capabilities {
        deduplicates: true,
        reports_delivery: true,
        reports_taken_by_uid: false,
    };
    const SILENT: Capabilities = Capabilities {
        deduplicates: false,
        reports_delivery: false,
        reports_taken_by_uid: false,
    };

    const DEFAULT: Timing = Timing {
        retry_delays: RETRY_DELAYS,
        answer_timeout: ANSWER_TIMEOUT,
        report_grace: REPORT_GRACE,
        unanswered_grace: UNANSWERED_GRACE,
    };

    fn ago(secs: i64) -> Timestamp {
        Timestamp(NOW.0 - secs * 1000)
    }

    fn transient() -> Answer {
        Answer::Error(GatewayError::Transient("connection refused".to_owned()))
    }

    #[rstest]
    #[case(1, 10)]
    #[case(2, 30)]
    #[case(3, 120)]
    #[case(4, 600)]
    #[case(5, 1800)]
    fn passing_failures_back_off(#[case] attempts: u32, #[case] secs: i64) {
        assert_eq!(
            after_answer(
                MessageState::Sending,
                attempts,
                Some(NOW),
                transient(),
                REPORTS,
                &DEFAULT,
                NOW
            ),
            Step::Retry {
                at: Timestamp(NOW.0 + secs * 1000),
                reason: "connection refused".to_owned()
            }
        );
    }

    fn unanswered() -> Answer {
        Answer::Error(GatewayError::Unanswered(
            "connection closed before message completed".to_owned(),
        ))
    }

    #[test]
    fn an_unanswered_message_waits_for_a_report_before_it_goes_again() {
        // Kannel reports a message it took: the wait lets that report
        // settle it (back in the outbox, see MessageState::after_report).
        let Step::Retry { at, reason } = after_answer(
            MessageState::Sending,
            1,
            Some(NOW),
            unanswered(),
            PUSHES,
            &DEFAULT,
            NOW,
        ) else {
            panic!("expected a retry");
        };
        assert_eq!(at, Timestamp(NOW.0 + 120_000), "the grace, not 10 s");
        assert!(reason.contains("unless the gateway reports it first"));
        // A later, longer retry delay is kept.
        assert!(matches!(
            after_answer(MessageState::Sending, 4, Some(NOW), unanswered(), PUSHES, &DEFAULT, NOW),
            Step::Retry { at, .. } if at == Timestamp(NOW.0 + 600_000)
        ));
        // A gateway that recognises a repeat gets it again as usual.
        assert!(matches!(
            after_answer(MessageState::Sending, 1, Some(NOW), unanswered(), DEDUP, &DEFAULT, NOW),
            Step::Retry { at, .. } if at == Timestamp(NOW.0 + 10_000)
        ));
        // One that can tell nothing: as after a crash.
        assert_eq!(
            after_answer(
                MessageState::Sending,
                1,
                Some(ago(600)),
                unanswered(),
                SILENT,
                &DEFAULT,
                NOW
            ),
            Step::Fail {
                reason: UNKNOWN_OUTCOME.to_owned()
            }
        );
        // The last attempt fails, saying to check first.
        let Step::Fail { reason } = after_answer(
            MessageState::Sending,
            MAX_ATTEMPTS,
            Some(NOW),
            unanswered(),
            PUSHES,
            &DEFAULT,
            NOW,
        ) else {
            panic!("expected a failure");
        };
        assert!(reason.starts_with("gave up after 6 attempts: connection closed"));
        assert!(reason.ends_with("check before resending"));
    }

    #[test]
    fn passing_failures_give_up_after_the_last_retry() {
        let Step::Fail { reason } = after_answer(
            MessageState::Sending,
            MAX_ATTEMPTS,
            Some(NOW),
            transient(),
            REPORTS,
            &DEFAULT,
            NOW,
        ) else {
            panic!("expected a failure");
        };
        assert_eq!(reason, "gave up after 6 attempts: connection refused");
        assert_eq!(retry_delay(0, &DEFAULT), None);
    }

    #[test]
    fn a_refusal_fails_at_once() {
        let refused = Answer::Error(GatewayError::Refused("invalid sender".to_owned()));
        assert_eq!(
            after_answer(
                MessageState::Sending,
                1,
                Some(NOW),
                refused,
                REPORTS,
                &DEFAULT,
                NOW
            ),
            Step::Fail {
                reason: "invalid sender".to_owned()
            }
        );
    }

    #[test]
    fn an_answer_after_the_report_only_adds_the_gateway_id() {
        let accepted = Answer::Accepted(Accepted {
            gateway_ref: Some("gw-1".to_owned()),
        });
        for state in [
            MessageState::Sending,
            MessageState::Delivered,
            MessageState::Failed,
        ] {
            assert_eq!(
                after_answer(
                    state,
                    1,
                    Some(NOW),
                    accepted.clone(),
                    REPORTS,
                    &DEFAULT,
                    NOW
                ),
                Step::Accepted {
                    gateway_ref: Some("gw-1".to_owned())
                }
            );
        }
        assert_eq!(
            after_answer(
                MessageState::Delivered,
                1,
                Some(NOW),
                transient(),
                REPORTS,
                &DEFAULT,
                NOW
            ),
            Step::Keep
        );
        assert_eq!(
            after_answer(
                MessageState::Queued,
                1,
                Some(NOW),
                accepted,
                REPORTS,
                &DEFAULT,
                NOW
            ),
            Step::Keep
        );
    }

    #[rstest]
    // Just handed over: perhaps by another ringdesk still waiting for its answer.
    #[case(DEDUP, 30, Step::Wait { until: Timestamp(NOW.0 + 90_000) })]
    #[case(DEDUP, 300, Step::Requeue)]
    #[case(REPORTS, 300, Step::Wait { until: Timestamp(NOW.0 + 300_000) })]
    #[case(REPORTS, 600, Step::Fail { reason: UNKNOWN_OUTCOME.to_owned() })]
    #[case(SILENT, 300, Step::Fail { reason: UNKNOWN_OUTCOME.to_owned() })]
    // Kannel: its report comes within the grace, or it never took it.
    #[case(PUSHES, 300, Step::Retry {
        at: Timestamp(NOW.0 + 120_000),
        reason: concat!(interrupted!(), " (sent again unless the gateway reports it first)")
            .to_owned(),
    })]
    // Away longer than Kannel keeps a report for ringdesk: ask.
    #[case(PUSHES, 600, Step::Fail { reason: UNKNOWN_OUTCOME.to_owned() })]
    fn a_half_sent_message_is_never_sent_twice_unless_the_gateway_drops_repeats(
        #[case] capabilities: Capabilities,
        #[case] secs_ago: i64,
        #[case] step: Step,
    ) {
        assert_eq!(
            after_interruption(Some(ago(secs_ago)), capabilities, &DEFAULT, NOW),
            step
        );
    }

    #[test]
    fn a_timed_out_answer_is_an_interruption() {
        assert_eq!(
            after_answer(
                MessageState::Sending,
                1,
                Some(ago(120)),
                Answer::Timeout,
                REPORTS,
                &DEFAULT,
                NOW
            ),
            Step::Wait {
                until: Timestamp(NOW.0 + 480_000)
            }
        );
        assert_eq!(
            after_answer(
                MessageState::Sending,
                1,
                Some(ago(120)),
                Answer::Timeout,
                DEDUP,
                &DEFAULT,
                NOW
            ),
            Step::Requeue
        );
    }

    #[test]
    fn scaled_timing_keeps_the_schedule_shape() {
        let quick = Timing::scaled(600);
        assert_eq!(quick.report_grace, Duration::from_secs(1));
        assert_eq!(quick.answer_timeout, Duration::from_millis(200));
        assert_eq!(quick.retry_delays[4], Duration::from_secs(3));
        assert_eq!(Timing::scaled(0), Timing::default());
    }
}
