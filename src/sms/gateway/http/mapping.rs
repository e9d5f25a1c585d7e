//! The pure half of the HTTP provider: the JSON a message becomes, and what
//! the provider's answers mean, read with the field names of
//! [`HttpProviderSettings`]. No sockets here, so every rule is tested on
//! plain text.
//!
//! How answers map, as the outbox needs them:
//! * 2xx: taken (unless `success_field` says otherwise), with the id found
//!   at `id_field`;
//! * 408, 429 and 5xx: [`GatewayError::Transient`] — busy or broken now,
//!   the same message may go through later;
//! * any other status: [`GatewayError::Refused`] with the provider's own
//!   words (`error_field`, else the body, else the status line).

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use crate::config::{HttpProviderSettings, NumberFormat};
use crate::domain::{PhoneNumber, Region};
use crate::sms::gateway::{
    Accepted, Balance, DeliveryOutcome, GatewayError, Outgoing, SentMessage,
};

/// Longest piece of an answer body quoted in an error: a provider that
/// answers with an HTML error page should not fill the message log.
const QUOTE_CHARS: usize = 200;

/// The JSON object posted for `message`. An MMS's picture goes
/// base64-encoded (standard alphabet, padded) in `image_field`; the caller
/// has refused a picture when that field is empty.
#[must_use]
pub fn request_body(settings: &HttpProviderSettings, message: &Outgoing) -> Value {
    let mut body = Map::new();
    let number = |number: &str| match settings.number_format {
        NumberFormat::National => national(number),
        NumberFormat::E164 => number.to_owned(),
    };
    body.insert(settings.to_field.clone(), number(&message.to).into());
    body.insert(settings.from_field.clone(), number(&message.from).into());
    body.insert(settings.text_field.clone(), message.body.clone().into());
    // An SMS has no subject; sending an empty one makes some providers
    // bill the message as an LMS.
    if !settings.subject_field.is_empty() && !message.subject.is_empty() {
        body.insert(
            settings.subject_field.clone(),
            message.subject.clone().into(),
        );
    }
    if !settings.kind_field.is_empty() {
        body.insert(
            settings.kind_field.clone(),
            message.kind.as_str().to_ascii_uppercase().into(),
        );
    }
    if !settings.reference_field.is_empty() {
        body.insert(settings.reference_field.clone(), message.uid.clone().into());
    }
    if let Some(picture) = &message.picture
        && !settings.image_field.is_empty()
    {
        body.insert(
            settings.image_field.clone(),
            BASE64.encode(picture.bytes()).into(),
        );
    }
    Value::Object(body)
}

/// A Korean number as dialled at home (`+821012345678` → `01012345678`,
/// `+8215881234` → `15881234`, which has no trunk 0); any other number as
/// given. Korean providers take only the home form.
#[must_use]
pub fn national(number: &str) -> String {
    if !number.starts_with("+82") {
        return number.to_owned();
    }
    match PhoneNumber::parse(number, Region::KOREA) {
        Ok(parsed) if parsed.is_verified() && parsed.country_code() == Some(82) => {
            parsed.digits().to_owned()
        }
        _ => number.to_owned(),
    }
}

/// The value at a dotted path (`data.msgId`, `list.0.status`); a number
/// picks an array item.
#[must_use]
pub fn field<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |value, step| match value {
        Value::Object(map) => map.get(step),
        Value::Array(items) => items.get(step.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A scalar as text: providers send ids and codes as strings or numbers.
#[must_use]
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The text at `path` in `body` when `path` is set and `body` is JSON.
fn text_at(body: Option<&Value>, path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    field(body?, path)
        .and_then(text_of)
        .filter(|text| !text.is_empty())
}

/// Whether `status` (an HTTP status code) is worth trying again later.
#[must_use]
pub fn is_transient_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}

/// The provider's own words about a failure: `error_field` of a JSON
/// answer, else the answer itself shortened, else the status line.
#[must_use]
pub fn provider_message(settings: &HttpProviderSettings, status: u16, body: &str) -> String {
    let json = serde_json::from_str::<Value>(body).ok();
    if let Some(message) = text_at(json.as_ref(), &settings.error_field) {
        return message;
    }
    let body = body.trim();
    if body.is_empty() {
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("");
        return format!("HTTP {status} {reason}").trim_end().to_owned();
    }
    let mut quoted: String = body.chars().take(QUOTE_CHARS).collect();
    if quoted.len() < body.len() {
        quoted.push('…');
    }
    quoted
}

/// What an answer to a send means.
///
/// # Errors
/// [`GatewayError::Transient`] for 408, 429 and 5xx; [`GatewayError::Refused`]
/// for any other non-2xx status, or a 2xx whose `success_field` is not one
/// of `success_values`.
pub fn send_answer(
    settings: &HttpProviderSettings,
    status: u16,
    body: &str,
) -> Result<Accepted, GatewayError> {
    if !(200..300).contains(&status) {
        return Err(failure(settings, status, body));
    }
    let json = serde_json::from_str::<Value>(body).ok();
    if !settings.success_field.is_empty() {
        let result = text_at(json.as_ref(), &settings.success_field);
        let taken = result.as_deref().is_some_and(|result| {
            settings
                .success_values
                .iter()
                .any(|value| value.trim().eq_ignore_ascii_case(result))
        });
        if !taken {
            let message = provider_message(settings, status, body);
            return Err(GatewayError::Refused(match result {
                Some(result) if !message.contains(&result) => format!("{message} ({result})"),
                _ => message,
            }));
        }
    }
    Ok(Accepted {
        gateway_ref: text_at(json.as_ref(), &settings.id_field),
    })
}

/// A non-2xx answer as an error, transient or not by its status.
#[must_use]
pub fn failure(settings: &HttpProviderSettings, status: u16, body: &str) -> GatewayError {
    let message = provider_message(settings, status, body);
    if is_transient_status(status) {
        if message.starts_with(&format!("HTTP {status}")) {
            return GatewayError::Transient(message);
        }
        return GatewayError::Transient(format!("HTTP {status}: {message}"));
    }
    if status == 401 || status == 403 {
        // The fix is on this desk, not at the provider.
        return GatewayError::Refused(format!(
            "{message} (HTTP {status}: check sms.http.auth_header and sms.http.auth_value)"
        ));
    }
    GatewayError::Refused(message)
}

/// The credit in a 2xx answer to the balance query.
///
/// # Errors
/// [`GatewayError::Refused`] when the answer has no number at `balance_field`.
pub fn balance_answer(
    settings: &HttpProviderSettings,
    body: &str,
) -> Result<Balance, GatewayError> {
    let json = serde_json::from_str::<Value>(body).ok();
    let value = json
        .as_ref()
        .and_then(|json| field(json, &settings.balance_field));
    let messages = match value {
        Some(Value::Number(number)) => number
            .as_u64()
            .or_else(|| number.as_f64().map(whole_messages)),
        Some(Value::String(text)) => {
            // Some providers format the count ("1,234").
            let digits = text.trim().replace(',', "");
            digits
                .parse::<u64>()
                .ok()
                .or_else(|| digits.parse::<f64>().ok().map(whole_messages))
        }
        _ => None,
    };
    messages
        .map(|messages| Balance { messages })
        .ok_or_else(|| {
            GatewayError::Refused(format!(
                "the balance answer has no number at '{}': {}",
                settings.balance_field,
                provider_message(settings, 200, body)
            ))
        })
}

/// A fractional or negative count as whole messages still paid for.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to 0 and floored first; credit never nears u64::MAX"
)]
fn whole_messages(count: f64) -> u64 {
    count.max(0.0).floor() as u64
}

/// What a 2xx answer to the result query says about the message.
///
/// # Errors
/// A description of the answer when it has no state at `status_field`.
pub fn status_answer(
    settings: &HttpProviderSettings,
    body: &str,
) -> Result<DeliveryOutcome, String> {
    let json = serde_json::from_str::<Value>(body).ok();
    let Some(state) = text_at(json.as_ref(), &settings.status_field) else {
        return Err(format!(
            "the result answer has no state at '{}': {}",
            settings.status_field,
            provider_message(settings, 200, body)
        ));
    };
    let matches = |values: &[String]| {
        values
            .iter()
            .any(|value| value.trim().eq_ignore_ascii_case(&state))
    };
    if matches(&settings.delivered_values) {
        Ok(DeliveryOutcome::Delivered)
    } else if matches(&settings.failed_values) {
        let reason = text_at(json.as_ref(), &settings.reason_field).unwrap_or(state);
        Ok(DeliveryOutcome::Failed(reason))
    } else {
        Ok(DeliveryOutcome::Pending)
    }
}

/// The result query's address for `sent`, or `None` when it needs the
/// provider's id and the provider gave none.
#[must_use]
pub fn status_url(settings: &HttpProviderSettings, sent: &SentMessage) -> Option<String> {
    let mut url = settings.status_url.clone();
    if url.contains("{ref}") {
        url = url.replace("{ref}", &percent_encoded(sent.gateway_ref.as_deref()?));
    }
    Some(url.replace("{uid}", &percent_encoded(&sent.uid)))
}

/// `text` safe inside a URL path or query (RFC 3986 unreserved kept).
fn percent_encoded(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            write!(encoded, "%{byte:02X}").ok();
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use rstest::rstest;
    use serde_json::json;

    use super::*;
    use crate::domain::MessageKind;

    fn settings() -> HttpProviderSettings {
        HttpProviderSettings {
            send_url: "https://api.example.co.kr/send".to_owned(),
            status_url: "https://api.example.co.kr/result/{ref}".to_owned(),
            ..HttpProviderSettings::default()
        }
    }

    fn message(kind: MessageKind, subject: &str) -> Outgoing {
        Outgoing {
            uid: "01J9ZK7Q-1".to_owned(),
            to: "+821012345678".to_owned(),
            from: "+8215881234".to_owned(),
            kind,
            subject: subject.to_owned(),
            body: "안녕하세요 홍길동님".to_owned(),
            picture: None,
        }
    }

    #[test]
    fn the_request_uses_the_configured_names() {
        let mut settings = settings();
        assert_eq!(
            request_body(&settings, &message(MessageKind::Lms, "공지")),
            json!({
                "to": "01012345678",
                "from": "15881234",
                "text": "안녕하세요 홍길동님",
                "subject": "공지",
                "type": "LMS",
                "refkey": "01J9ZK7Q-1",
            })
        );
        settings.to_field = "receiver".to_owned();
        settings.from_field = "sender".to_owned();
        settings.text_field = "msg".to_owned();
        settings.kind_field = "msg_type".to_owned();
        settings.reference_field = String::new();
        settings.number_format = NumberFormat::E164;
        assert_eq!(
            request_body(&settings, &message(MessageKind::Sms, "")),
            json!({
                "receiver": "+821012345678",
                "sender": "+8215881234",
                "msg": "안녕하세요 홍길동님",
                "msg_type": "SMS",
            })
        );
    }

    #[test]
    fn a_picture_goes_base64_in_its_field() {
        let mut settings = settings();
        let mut mms = message(MessageKind::Mms, "사진");
        mms.picture = Some(crate::domain::Picture::new(vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0x00,
        ]));
        let body = request_body(&settings, &mms);
        // No field named: nothing is sent (the provider refuses the message first).
        assert!(
            body.as_object()
                .unwrap()
                .values()
                .all(|value| value != "/9j/4AA=")
        );
        settings.image_field = "image".to_owned();
        let body = request_body(&settings, &mms);
        assert_eq!(body["image"], "/9j/4AA=");
        assert_eq!(body["type"], "MMS");
        assert_eq!(
            request_body(&settings, &message(MessageKind::Sms, "")).get("image"),
            None
        );
    }

    #[rstest]
    #[case("+821012345678", "01012345678")]
    #[case("+82222997123", "0222997123")]
    #[case("+8215881234", "15881234")]
    #[case("+81312345678", "+81312345678")]
    #[case("01012345678", "01012345678")]
    #[case("+82", "+82")]
    fn korean_numbers_go_as_dialled_at_home(#[case] given: &str, #[case] sent: &str) {
        assert_eq!(national(given), sent);
    }

    #[test]
    fn dotted_paths_reach_into_objects_and_lists() {
        let answer = json!({"data": {"msgId": 42, "list": [{"status": "4100"}]}});
        assert_eq!(field(&answer, "data.msgId"), Some(&json!(42)));
        assert_eq!(field(&answer, "data.list.0.status"), Some(&json!("4100")));
        assert_eq!(field(&answer, "data.list.1.status"), None);
        assert_eq!(field(&answer, "data.msgId.x"), None);
        assert_eq!(text_of(&json!(42)).as_deref(), Some("42"));
        assert_eq!(text_of(&json!({})), None);
    }

    #[rstest]
    #[case(200, r#"{"messageId":"M-1"}"#, Ok(Some("M-1")))]
    #[case(201, r#"{"messageId":7}"#, Ok(Some("7")))]
    #[case(200, "OK", Ok(None))]
    #[case(400, r#"{"message":"수신번호 형식 오류"}"#, Err((false, "수신번호 형식 오류")))]
    #[case(400, "  bad number \n", Err((false, "bad number")))]
    #[case(404, "", Err((false, "HTTP 404 Not Found")))]
    #[case(401, r#"{"message":"invalid api key"}"#, Err((false, "invalid api key (HTTP 401: check sms.http.auth_header and sms.http.auth_value)")))]
    #[case(429, r#"{"message":"too many requests"}"#, Err((true, "HTTP 429: too many requests")))]
    #[case(503, "", Err((true, "HTTP 503 Service Unavailable")))]
    #[case(500, "<html>oops</html>", Err((true, "HTTP 500: <html>oops</html>")))]
    #[case(408, "", Err((true, "HTTP 408 Request Timeout")))]
    fn send_answers_map_by_status(
        #[case] status: u16,
        #[case] body: &str,
        #[case] expected: Result<Option<&str>, (bool, &str)>,
    ) {
        let answer = send_answer(&settings(), status, body);
        match expected {
            Ok(id) => assert_eq!(
                answer,
                Ok(Accepted {
                    gateway_ref: id.map(str::to_owned)
                })
            ),
            Err((transient, reason)) => {
                let error = answer.unwrap_err();
                assert_eq!((error.is_transient(), error.reason()), (transient, reason));
            }
        }
    }

    #[test]
    fn a_long_error_page_is_shortened() {
        let page = "x".repeat(1000);
        let message = provider_message(&settings(), 400, &page);
        assert_eq!(message.chars().count(), QUOTE_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn a_success_field_can_refuse_a_200() {
        let settings = HttpProviderSettings {
            success_field: "result_code".to_owned(),
            success_values: vec!["1".to_owned()],
            id_field: "msg_id".to_owned(),
            ..settings()
        };
        assert_eq!(
            send_answer(&settings, 200, r#"{"result_code":1,"msg_id":"99"}"#),
            Ok(Accepted {
                gateway_ref: Some("99".to_owned())
            })
        );
        assert_eq!(
            send_answer(
                &settings,
                200,
                r#"{"result_code":-101,"message":"인증오류"}"#
            ),
            Err(GatewayError::Refused("인증오류 (-101)".to_owned()))
        );
        assert!(matches!(
            send_answer(&settings, 200, "{}"),
            Err(GatewayError::Refused(_))
        ));
    }

    #[rstest]
    #[case(r#"{"balance": 1234}"#, Some(1234))]
    #[case(r#"{"balance": "1,234"}"#, Some(1234))]
    #[case(r#"{"balance": 12.7}"#, Some(12))]
    #[case(r#"{"balance": -3}"#, Some(0))]
    #[case(r#"{"point": 5}"#, None)]
    #[case("잔여 5건", None)]
    fn balance_answers(#[case] body: &str, #[case] messages: Option<u64>) {
        let answer = balance_answer(&settings(), body);
        match messages {
            Some(messages) => assert_eq!(answer, Ok(Balance { messages })),
            None => assert!(
                matches!(answer, Err(GatewayError::Refused(_))),
                "{answer:?}"
            ),
        }
    }

    #[rstest]
    #[case(r#"{"status":"DELIVERED"}"#, Ok(DeliveryOutcome::Delivered))]
    #[case(r#"{"status":"success"}"#, Ok(DeliveryOutcome::Delivered))]
    #[case(r#"{"status":"FAILED","reason":"결번"}"#, Ok(DeliveryOutcome::Failed("결번".to_owned())))]
    #[case(r#"{"status":"FAIL"}"#, Ok(DeliveryOutcome::Failed("FAIL".to_owned())))]
    #[case(r#"{"status":"SENDING"}"#, Ok(DeliveryOutcome::Pending))]
    #[case(r#"{"result":"DELIVERED"}"#, Err(()))]
    fn status_answers(#[case] body: &str, #[case] expected: Result<DeliveryOutcome, ()>) {
        assert_eq!(status_answer(&settings(), body).map_err(|_| ()), expected);
    }

    #[test]
    fn numeric_result_codes_can_be_states() {
        let settings = HttpProviderSettings {
            status_field: "data.resultCode".to_owned(),
            reason_field: "data.resultMessage".to_owned(),
            delivered_values: vec!["4100".to_owned()],
            failed_values: vec!["4421".to_owned()],
            ..settings()
        };
        assert_eq!(
            status_answer(&settings, r#"{"data":{"resultCode":4100}}"#),
            Ok(DeliveryOutcome::Delivered)
        );
        assert_eq!(
            status_answer(
                &settings,
                r#"{"data":{"resultCode":4421,"resultMessage":"unknown subscriber"}}"#
            ),
            Ok(DeliveryOutcome::Failed("unknown subscriber".to_owned()))
        );
    }

    #[test]
    fn the_status_address_names_the_message() {
        let mut settings = settings();
        let sent = SentMessage {
            uid: "u 1/가".to_owned(),
            gateway_ref: Some("M-1".to_owned()),
        };
        assert_eq!(
            status_url(&settings, &sent).as_deref(),
            Some("https://api.example.co.kr/result/M-1")
        );
        let unnamed = SentMessage {
            gateway_ref: None,
            ..sent.clone()
        };
        assert_eq!(status_url(&settings, &unnamed), None);
        settings.status_url = "https://api.example.co.kr/result?refkey={uid}".to_owned();
        assert_eq!(
            status_url(&settings, &unnamed).as_deref(),
            Some("https://api.example.co.kr/result?refkey=u%201%2F%EA%B0%80")
        );
    }
}
