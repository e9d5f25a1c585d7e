//! What each column of a customer sheet holds, read from its header in
//! Korean, Japanese or English: 이름 / 氏名 / Name is the name, 휴대폰 /
//! 携帯 / Mobile a phone number, 번호 / No a row number that is not customer
//! data, and a header nothing here knows a user-defined field of its own.
//!
//! Headers are compared without case, spaces or marks, first by the whole
//! header (번호 is a row number, 휴대폰번호 a phone), then by the words they
//! contain, in an order that settles the overlaps: 회사전화 is a phone before
//! it is a company, メールアドレス an e-mail before an address, and
//! "Company name" a company before a name.

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRole {
    /// The customer's name.
    Name,
    /// A phone number; the header is its label (휴대폰, 전화번호…).
    Phone {
        /// The header as written, the number's label.
        label: String,
        /// A mobile column: its number comes first on the card.
        mobile: bool,
    },
    /// E-mail.
    Email,
    /// Company.
    Company,
    /// Postal address.
    Address,
    /// Group names (several split by `,` or `;`).
    Group,
    /// Tags (several split by `,` or `;`).
    Tag,
    /// The customer memo.
    Memo,
    /// How the customer found the company (인지경로).
    Source,
    /// The customer's country (KR, JP…).
    Country,
    /// Advertising consent (광고수신동의): yes/no, or the day it was given.
    AdConsent,
    /// The day of the advertising consent (수신동의일).
    AdConsentDate,
    /// How the consent was given (동의경로: 전화, 문자, 웹, 서면, 기타).
    AdConsentChannel,
    /// Consent to advertising at night (야간수신동의): yes/no.
    NightConsent,
    /// Refuses advertising (수신거부): yes/no.
    AdOptOut,
    /// A row number or code of the sheet's own: not customer data.
    Skip,
    /// A user-defined field, by the header as written.
    Field(String),
}

impl ColumnRole {
    /// The role as a saved mapping keeps it: `name`, `mobile`, `phone`,
    /// `email`…, `skip`, or `field:` and the field's key or name.
    #[must_use]
    pub fn code(&self) -> String {
        let code = match self {
            Self::Name => "name",
            Self::Phone { mobile: true, .. } => "mobile",
            Self::Phone { mobile: false, .. } => "phone",
            Self::Email => "email",
            Self::Company => "company",
            Self::Address => "address",
            Self::Group => "group",
            Self::Tag => "tag",
            Self::Memo => "memo",
            Self::Source => "source",
            Self::Country => "country",
            Self::AdConsent => "ad_consent",
            Self::AdConsentDate => "ad_consent_date",
            Self::AdConsentChannel => "ad_consent_channel",
            Self::NightConsent => "night_consent",
            Self::AdOptOut => "ad_opt_out",
            Self::Skip => "skip",
            Self::Field(name) => return format!("field:{name}"),
        };
        code.to_owned()
    }

    /// The role `code` names for a column headed `header` (a phone
    /// number's label is its header); None for a code nothing knows.
    #[must_use]
    pub fn from_code(code: &str, header: &str) -> Option<Self> {
        let phone = |mobile| Self::Phone {
            label: header.trim().to_owned(),
            mobile,
        };
        Some(match code {
            "name" => Self::Name,
            "mobile" => phone(true),
            "phone" => phone(false),
            "email" => Self::Email,
            "company" => Self::Company,
            "address" => Self::Address,
            "group" => Self::Group,
            "tag" => Self::Tag,
            "memo" => Self::Memo,
            "source" => Self::Source,
            "country" => Self::Country,
            "ad_consent" => Self::AdConsent,
            "ad_consent_date" => Self::AdConsentDate,
            "ad_consent_channel" => Self::AdConsentChannel,
            "night_consent" => Self::NightConsent,
            "ad_opt_out" => Self::AdOptOut,
            "skip" => Self::Skip,
            _ => Self::Field(code.strip_prefix("field:")?.to_owned()),
        })
    }
}

/// Whole headers that number the rows rather than describe the customer.
const ROW_NUMBERS: [&str; 14] = [
    "번호",
    "순번",
    "연번",
    "no",
    "#",
    "고객코드",
    "고객번호",
    "코드",
    "code",
    "id",
    "seq",
    "連番",
    "番号",
    "num",
];

/// Words that name a role, checked in this order (first match wins).
const WORDS: [(Word, &[&str]); 17] = [
    (
        Word::Field,
        &["フリガナ", "ふりがな", "カナ", "kana", "furigana"],
    ),
    (
        Word::AdOptOut,
        &["수신거부", "optout", "unsubscribe", "配信停止", "受信拒否"],
    ),
    (Word::NightConsent, &["야간", "night", "夜間"]),
    (
        Word::AdConsentDate,
        &["동의일", "동의날짜", "consentdate", "consentedon", "同意日"],
    ),
    (
        Word::AdConsentChannel,
        &[
            "동의경로",
            "동의방법",
            "동의채널",
            "consentchannel",
            "consentsource",
            "同意経路",
            "同意方法",
        ],
    ),
    (
        Word::AdConsent,
        &[
            "수신동의",
            "광고동의",
            "마케팅동의",
            "consent",
            "広告受信",
            "広告同意",
            "同意",
        ],
    ),
    (Word::Email, &["메일", "mail", "メール"]),
    (
        Word::Mobile,
        &["휴대", "핸드폰", "모바일", "mobile", "cell", "携帯"],
    ),
    (Word::Phone, &["전화", "연락처", "phone", "tel", "電話"]),
    (
        Word::Company,
        &[
            "회사",
            "상호",
            "업체",
            "거래처",
            "company",
            "organi",
            "会社",
            "企業",
            "勤務先",
        ],
    ),
    (
        Word::Name,
        &[
            "이름",
            "성명",
            "성함",
            "고객명",
            "name",
            "氏名",
            "名前",
            "顧客名",
        ],
    ),
    (Word::Address, &["주소", "address", "住所", "所在地"]),
    (
        Word::Group,
        &["그룹", "구분", "분류", "group", "グループ", "区分"],
    ),
    (Word::Tag, &["태그", "tag", "タグ"]),
    (
        Word::Memo,
        &["메모", "비고", "memo", "note", "remark", "メモ", "備考"],
    ),
    (Word::Source, &["인지경로", "유입경로", "source", "流入"]),
    (Word::Country, &["국가", "country", "国"]),
];

/// A role before it knows its header.
#[derive(Debug, Clone, Copy)]
enum Word {
    Field,
    Email,
    Mobile,
    Phone,
    Company,
    Name,
    Address,
    Group,
    Tag,
    Memo,
    Source,
    Country,
    AdOptOut,
    NightConsent,
    AdConsentDate,
    AdConsentChannel,
    AdConsent,
}

/// The role of a column headed `header`.
#[must_use]
pub fn role_of(header: &str) -> ColumnRole {
    let written = header.trim();
    let plain: String = written
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '#')
        .flat_map(char::to_lowercase)
        .collect();
    if ROW_NUMBERS.contains(&plain.as_str()) {
        return ColumnRole::Skip;
    }
    let word = WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|word| plain.contains(word)))
        .map(|(word, _)| *word);
    match word {
        Some(Word::Email) => ColumnRole::Email,
        Some(Word::Mobile) => ColumnRole::Phone {
            label: written.to_owned(),
            mobile: true,
        },
        Some(Word::Phone) => ColumnRole::Phone {
            label: written.to_owned(),
            mobile: false,
        },
        Some(Word::Company) => ColumnRole::Company,
        Some(Word::Name) => ColumnRole::Name,
        Some(Word::Address) => ColumnRole::Address,
        Some(Word::Group) => ColumnRole::Group,
        Some(Word::Tag) => ColumnRole::Tag,
        Some(Word::Memo) => ColumnRole::Memo,
        Some(Word::Source) => ColumnRole::Source,
        Some(Word::Country) => ColumnRole::Country,
        Some(Word::AdOptOut) => ColumnRole::AdOptOut,
        Some(Word::NightConsent) => ColumnRole::NightConsent,
        Some(Word::AdConsentDate) => ColumnRole::AdConsentDate,
        Some(Word::AdConsentChannel) => ColumnRole::AdConsentChannel,
        Some(Word::AdConsent) => ColumnRole::AdConsent,
        Some(Word::Field) | None => ColumnRole::Field(written.to_owned()),
    }
}

/// The roles of a header row; a second column of a role that takes one
/// value (a second 이름) becomes a field of its own, so nothing is lost.
#[must_use]
pub fn roles_of(headers: &[String]) -> Vec<ColumnRole> {
    let mut roles: Vec<ColumnRole> = Vec::with_capacity(headers.len());
    for header in headers {
        let role = match role_of(header) {
            single @ (ColumnRole::Name
            | ColumnRole::Email
            | ColumnRole::Company
            | ColumnRole::Address
            | ColumnRole::Memo
            | ColumnRole::Source
            | ColumnRole::Country
            | ColumnRole::AdConsent
            | ColumnRole::AdConsentDate
            | ColumnRole::AdConsentChannel
            | ColumnRole::NightConsent
            | ColumnRole::AdOptOut)
                if roles.contains(&single) =>
            {
                ColumnRole::Field(header.trim().to_owned())
            }
            role => role,
        };
        roles.push(role);
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_code() {
        let roles = [
            ColumnRole::Name,
            ColumnRole::Phone {
                label: "핸드폰".to_owned(),
                mobile: true,
            },
            ColumnRole::Phone {
                label: "핸드폰".to_owned(),
                mobile: false,
            },
            ColumnRole::Email,
            ColumnRole::AdConsentChannel,
            ColumnRole::Skip,
            ColumnRole::Field("vip_level".to_owned()),
        ];
        for role in roles {
            assert_eq!(
                ColumnRole::from_code(&role.code(), " 핸드폰 "),
                Some(role.clone())
            );
        }
        assert_eq!(ColumnRole::from_code("nonsense", "x"), None);
    }

    fn phone(label: &str, mobile: bool) -> ColumnRole {
        ColumnRole::Phone {
            label: label.to_owned(),
            mobile,
        }
    }

    #[test]
    fn korean_japanese_and_english_headers_are_recognised() {
        assert_eq!(role_of("이름"), ColumnRole::Name);
        assert_eq!(role_of("고객명"), ColumnRole::Name);
        assert_eq!(role_of("氏名"), ColumnRole::Name);
        assert_eq!(role_of("Full Name"), ColumnRole::Name);
        assert_eq!(role_of("휴대폰"), phone("휴대폰", true));
        assert_eq!(role_of("휴대폰번호"), phone("휴대폰번호", true));
        assert_eq!(role_of("휴대전화"), phone("휴대전화", true));
        assert_eq!(role_of("연락처"), phone("연락처", false));
        assert_eq!(role_of("전화번호"), phone("전화번호", false));
        assert_eq!(role_of("회사전화"), phone("회사전화", false));
        assert_eq!(role_of("電話番号"), phone("電話番号", false));
        assert_eq!(role_of("Mobile Phone"), phone("Mobile Phone", true));
        assert_eq!(role_of("E-mail"), ColumnRole::Email);
        assert_eq!(role_of("メールアドレス"), ColumnRole::Email);
        assert_eq!(role_of("상호"), ColumnRole::Company);
        assert_eq!(role_of("Company name"), ColumnRole::Company);
        assert_eq!(role_of("会社名"), ColumnRole::Company);
        assert_eq!(role_of("住所"), ColumnRole::Address);
        assert_eq!(role_of("구분"), ColumnRole::Group);
        assert_eq!(role_of("비고"), ColumnRole::Memo);
        assert_eq!(role_of("인지경로"), ColumnRole::Source);
        assert_eq!(role_of("광고수신동의"), ColumnRole::AdConsent);
        assert_eq!(role_of("수신동의일"), ColumnRole::AdConsentDate);
        assert_eq!(role_of("광고 수신동의일"), ColumnRole::AdConsentDate);
        assert_eq!(role_of("동의경로"), ColumnRole::AdConsentChannel);
        assert_eq!(role_of("야간수신동의"), ColumnRole::NightConsent);
        assert_eq!(role_of("야간 광고 수신동의"), ColumnRole::NightConsent);
        assert_eq!(role_of("수신거부"), ColumnRole::AdOptOut);
        assert_eq!(role_of("광고 수신거부"), ColumnRole::AdOptOut);
        assert_eq!(role_of("広告受信同意"), ColumnRole::AdConsent);
        assert_eq!(role_of("同意日"), ColumnRole::AdConsentDate);
        assert_eq!(role_of("同意経路"), ColumnRole::AdConsentChannel);
        assert_eq!(role_of("夜間配信同意"), ColumnRole::NightConsent);
        assert_eq!(role_of("配信停止"), ColumnRole::AdOptOut);
        assert_eq!(role_of("Ad consent"), ColumnRole::AdConsent);
        assert_eq!(role_of("Consent date"), ColumnRole::AdConsentDate);
        assert_eq!(role_of("Consent channel"), ColumnRole::AdConsentChannel);
        assert_eq!(role_of("Night consent"), ColumnRole::NightConsent);
        assert_eq!(role_of("Opt-out"), ColumnRole::AdOptOut);
        assert_eq!(role_of("번호"), ColumnRole::Skip);
        assert_eq!(role_of("No."), ColumnRole::Skip);
        assert_eq!(role_of("고객코드"), ColumnRole::Skip);
        assert_eq!(
            role_of("フリガナ"),
            ColumnRole::Field("フリガナ".to_owned())
        );
        assert_eq!(
            role_of("가입일자"),
            ColumnRole::Field("가입일자".to_owned())
        );
    }

    #[test]
    fn a_second_name_column_is_kept_as_a_field() {
        let headers = ["이름", "휴대폰", "전화번호", "이름(영문)"].map(str::to_owned);
        assert_eq!(
            roles_of(&headers),
            [
                ColumnRole::Name,
                phone("휴대폰", true),
                phone("전화번호", false),
                ColumnRole::Field("이름(영문)".to_owned()),
            ]
        );
    }
}
