//! Click-to-call over AMI, without I/O: the `Originate` action and how the
//! PBX's answers map to an [`OriginateOutcome`].
//!
//! ringdesk originates with `Async: true`, so Asterisk answers at once with
//! "Originate successfully queued" (or an error such as "Permission denied")
//! and reports the outcome later in an `OriginateResponse` event carrying the
//! same `ActionID` (`tests/data/ami/outbound_click_to_call*.txt`).
//!
//! The first leg is the agent's own phone; the number is dialled only after
//! the agent answers. So `OriginateResponse` only ever tells how the agent's
//! phone did. Its `Reason` is the last control frame Asterisk saw on that
//! leg (`enum ast_control_frame_type`):
//!
//! | Reason | Asterisk meaning | outcome |
//! |---|---|---|
//! | 4 (with `Response: Success`) | answered | [`OriginateOutcome::Dialling`] |
//! | 0 | no frame: the channel could not be made or was refused (Asterisk 22 gives 0 for a phone answering 486 Busy Here) | [`OriginateOutcome::AgentDidNotAnswer`] |
//! | 1 | hung up / rejected before answering | [`OriginateOutcome::AgentDidNotAnswer`] |
//! | 3 | rang until `Timeout` | [`OriginateOutcome::AgentDidNotAnswer`] |
//! | 5 | busy | [`OriginateOutcome::AgentDidNotAnswer`] |
//! | 8 | congestion: the PBX could not place the leg at all | [`OriginateOutcome::Failed`] |
//! | other | — | [`OriginateOutcome::Failed`] |
//!
//! A number that cannot be routed is not distinguishable here: it fails on
//! the second leg, after `OriginateResponse` said Success, and shows as that
//! leg's `DialEnd`/`Hangup` (the tracker's to report). So this module never
//! answers [`OriginateOutcome::NumberInvalid`].

use super::message::Message;
use super::settings::AmiSettings;
use crate::pbx::feed::{OriginateOutcome, OriginateRequest};

/// The `Originate` action for `request`: ring `<tech>/<extension>`, then run
/// `number` in the originate context, with the customer's name shown on the
/// agent's phone while it rings.
#[must_use]
pub fn action(settings: &AmiSettings, request: &OriginateRequest, action_id: &str) -> Message {
    let channel = format!("{}/{}", settings.channel_tech, request.extension);
    // A quote or angle bracket in a name would end the name early in
    // Asterisk's caller ID parser.
    let name: String = request
        .caller_id_name
        .chars()
        .filter(|c| !matches!(c, '"' | '<' | '>'))
        .collect();
    let caller_id = format!("\"{}\" <{}>", name.trim(), request.number);
    let timeout_ms = settings.originate_timeout.as_millis().to_string();
    Message::from_pairs([
        ("Action", "Originate"),
        ("ActionID", action_id),
        ("Channel", channel.as_str()),
        ("Exten", request.number.as_str()),
        ("Context", settings.originate_context.as_str()),
        ("Priority", "1"),
        ("CallerID", caller_id.as_str()),
        ("Timeout", timeout_ms.as_str()),
        ("Async", "true"),
    ])
}

/// The outcome of a `Response: Error` to `Originate`, in the PBX's words.
#[must_use]
pub fn outcome_of_error(response: &Message) -> OriginateOutcome {
    let message = response.value("Message");
    let lower = message.to_ascii_lowercase();
    // "Permission denied" when the manager user lacks the `originate` right;
    // "…requires the additional System privilege" for some applications.
    if lower.contains("permission denied") || lower.contains("privilege") {
        OriginateOutcome::NotPermitted(message.to_owned())
    } else if message.is_empty() {
        OriginateOutcome::Failed("Originate failed".to_owned())
    } else {
        OriginateOutcome::Failed(message.to_owned())
    }
}

/// The outcome an `OriginateResponse` event reports (see the module doc for
/// the `Reason` table).
#[must_use]
pub fn outcome_of_event(event: &Message) -> OriginateOutcome {
    if event.value("Response").eq_ignore_ascii_case("Success") {
        return OriginateOutcome::Dialling;
    }
    match event.value("Reason").trim().parse::<u32>() {
        Ok(0 | 1 | 3 | 5) => OriginateOutcome::AgentDidNotAnswer,
        Ok(8) => OriginateOutcome::Failed(
            "Congestion: the PBX could not place the call to the agent's phone (Reason 8)"
                .to_owned(),
        ),
        Ok(reason) => OriginateOutcome::Failed(format!("Originate failed (Reason {reason})")),
        Err(_) => OriginateOutcome::Failed(format!(
            "Originate failed (Reason '{}')",
            event.value("Reason")
        )),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[test]
    fn the_action_matches_the_recorded_one() {
        let settings = AmiSettings::new("pbx", 5038, "crm", "x");
        let request = OriginateRequest {
            id: 7,
            extension: "1001".to_owned(),
            number: "0212345678".to_owned(),
            caller_id_name: "Click-to-call".to_owned(),
        };
        let bytes = action(&settings, &request, "c2c-0001").to_bytes();
        // The frame the recording client sent (outbound_click_to_call.timing.tsv).
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "Action: Originate\r\nActionID: c2c-0001\r\nChannel: PJSIP/1001\r\nExten: 0212345678\r\n\
             Context: from-internal\r\nPriority: 1\r\nCallerID: \"Click-to-call\" <0212345678>\r\n\
             Timeout: 30000\r\nAsync: true\r\n\r\n"
        );
    }

    #[test]
    fn names_cannot_break_the_caller_id() {
        let settings = AmiSettings::new("pbx", 5038, "crm", "x");
        let request = OriginateRequest {
            id: 1,
            extension: "1001".to_owned(),
            number: "01012345678".to_owned(),
            caller_id_name: "홍\"길동\" <VIP>".to_owned(),
        };
        let message = action(&settings, &request, "a");
        assert_eq!(
            message.get("CallerID"),
            Some("\"홍길동 VIP\" <01012345678>")
        );
    }

    #[rstest]
    #[case("Success", "4", OriginateOutcome::Dialling)]
    #[case("Failure", "0", OriginateOutcome::AgentDidNotAnswer)]
    #[case("Failure", "1", OriginateOutcome::AgentDidNotAnswer)]
    #[case("Failure", "3", OriginateOutcome::AgentDidNotAnswer)]
    #[case("Failure", "5", OriginateOutcome::AgentDidNotAnswer)]
    #[case(
        "Failure",
        "8",
        OriginateOutcome::Failed(
            "Congestion: the PBX could not place the call to the agent's phone (Reason 8)".to_owned()
        )
    )]
    #[case("Failure", "2", OriginateOutcome::Failed("Originate failed (Reason 2)".to_owned()))]
    fn reasons_map_to_outcomes(
        #[case] response: &str,
        #[case] reason: &str,
        #[case] expected: OriginateOutcome,
    ) {
        let event = Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("Response", response),
            ("Reason", reason),
        ]);
        assert_eq!(outcome_of_event(&event), expected);
    }

    #[rstest]
    #[case("Permission denied", OriginateOutcome::NotPermitted("Permission denied".to_owned()))]
    #[case("Originate failed", OriginateOutcome::Failed("Originate failed".to_owned()))]
    #[case("Channel not specified", OriginateOutcome::Failed("Channel not specified".to_owned()))]
    fn errors_keep_the_pbx_words(#[case] text: &str, #[case] expected: OriginateOutcome) {
        let response = Message::from_pairs([("Response", "Error"), ("Message", text)]);
        assert_eq!(outcome_of_error(&response), expected);
    }
}
