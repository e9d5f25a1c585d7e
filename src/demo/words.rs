//! Word lists for generated customers: Korean and Japanese names, companies,
//! addresses and memos, with surnames weighted as they occur (김 about one in
//! five Koreans).

/// Korean surnames with their weight in percent-tenths (김 21.5%, 이 14.7%…).
pub const KOREAN_SURNAMES: &[(&str, u32)] = &[
    ("김", 215),
    ("이", 147),
    ("박", 84),
    ("최", 47),
    ("정", 43),
    ("강", 23),
    ("조", 21),
    ("윤", 20),
    ("장", 20),
    ("임", 17),
    ("한", 15),
    ("오", 15),
    ("서", 15),
    ("신", 14),
    ("권", 14),
    ("황", 14),
    ("안", 13),
    ("송", 13),
    ("류", 12),
    ("전", 11),
    ("홍", 11),
    ("고", 9),
    ("문", 9),
    ("양", 9),
    ("손", 9),
    ("배", 8),
    ("백", 8),
    ("허", 7),
    ("유", 6),
    ("남", 6),
    ("심", 5),
    ("노", 5),
    ("하", 5),
    ("곽", 4),
    ("성", 4),
    ("차", 4),
    ("주", 4),
    ("우", 4),
    ("구", 4),
    ("민", 3),
    ("진", 3),
    ("나", 3),
    ("지", 3),
    ("엄", 3),
    ("채", 3),
    ("원", 3),
    ("천", 3),
    ("방", 3),
    ("공", 2),
    ("현", 2),
    ("남궁", 1),
    ("황보", 1),
    ("제갈", 1),
];

/// First syllables of Korean given names.
pub const KOREAN_GIVEN_FIRST: &[&str] = &[
    "민", "서", "지", "도", "하", "예", "주", "시", "수", "유", "은", "현", "준", "태", "승", "재",
    "영", "정", "혜", "동", "상", "성", "우", "진", "경", "미", "소", "채", "건", "나",
];

/// Second syllables of Korean given names.
pub const KOREAN_GIVEN_SECOND: &[&str] = &[
    "준", "윤", "우", "호", "연", "진", "아", "린", "빈", "원", "현", "훈", "민", "희", "영", "수",
    "석", "혁", "은", "서", "지", "율", "온", "솔", "경", "숙", "철", "식", "하", "람",
];

/// Japanese surnames.
pub const JAPANESE_SURNAMES: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "髙橋",
    "山下",
    "中島",
    "小川",
];

/// Japanese given names.
pub const JAPANESE_GIVEN: &[&str] = &[
    "太郎",
    "花子",
    "翔太",
    "陽菜",
    "大輝",
    "美咲",
    "蓮",
    "結衣",
    "悠斗",
    "さくら",
    "健太",
    "彩",
    "拓海",
    "愛",
    "直樹",
    "由美",
    "あかり",
    "ゆうき",
    "ひなた",
    "めぐみ",
];

/// Korean company name stems.
pub const KOREAN_COMPANY_STEMS: &[&str] = &[
    "한빛", "새롬", "대한", "미래", "하나", "푸른", "동방", "신성", "우리", "다온", "가온", "한솔",
    "누리", "보람", "청솔", "세진", "태양", "금강", "백두", "한결",
];

/// Korean company kinds.
pub const KOREAN_COMPANY_KINDS: &[&str] = &[
    "소프트",
    "전자",
    "물산",
    "건설",
    "식품",
    "테크",
    "상사",
    "디자인",
    "의원",
    "약국",
    "부동산",
    "카페",
    "인테리어",
    "여행사",
    "치과",
    "학원",
    "마트",
    "유통",
    "정밀",
    "통상",
];

/// Japanese company name stems.
pub const JAPANESE_COMPANY_STEMS: &[&str] = &[
    "東京", "大阪", "日本", "富士", "桜", "北海", "中央", "丸山", "青葉", "新星",
];

/// Japanese company kinds.
pub const JAPANESE_COMPANY_KINDS: &[&str] = &[
    "商事",
    "電機",
    "物産",
    "建設",
    "食品",
    "システム",
    "工業",
    "不動産",
    "薬局",
    "運輸",
];

/// Korean addresses: city and district.
pub const KOREAN_PLACES: &[&str] = &[
    "서울특별시 강남구",
    "서울특별시 마포구",
    "서울특별시 송파구",
    "서울특별시 종로구",
    "부산광역시 해운대구",
    "대구광역시 수성구",
    "인천광역시 연수구",
    "광주광역시 서구",
    "대전광역시 유성구",
    "경기도 성남시 분당구",
    "경기도 수원시 영통구",
    "경기도 고양시 일산동구",
    "제주특별자치도 제주시",
    "강원특별자치도 춘천시",
];

/// Korean street names.
pub const KOREAN_STREETS: &[&str] = &[
    "테헤란로",
    "양화로",
    "올림픽로",
    "세종대로",
    "해운대로",
    "달구벌대로",
    "컨벤시아대로",
    "상무대로",
    "대학로",
    "판교역로",
    "광교중앙로",
    "중앙로",
];

/// Japanese addresses.
pub const JAPANESE_PLACES: &[&str] = &[
    "東京都千代田区丸の内",
    "東京都新宿区西新宿",
    "大阪府大阪市北区梅田",
    "神奈川県横浜市西区",
    "愛知県名古屋市中村区",
    "福岡県福岡市博多区",
    "北海道札幌市中央区",
];

/// Memo sentences an agent writes.
pub const KOREAN_MEMOS: &[&str] = &[
    "오전 통화 선호, 점심시간 피할 것",
    "지난달 견적 요청, 재연락 필요",
    "배송지 변경 요청 있었음",
    "VIP 할인 적용 고객",
    "불만 접수 후 해결 완료, 친절 응대 요망",
    "사장님과 직접 통화해야 함",
    "카카오톡 문의 선호",
    "매월 말 정기 주문",
];

/// Japanese memo sentences.
pub const JAPANESE_MEMOS: &[&str] = &[
    "午前中の連絡を希望",
    "見積もり依頼あり、来週再連絡",
    "担当者不在の場合は折り返し",
    "請求書は郵送で送付",
];

/// E-mail domains of Korean customers.
pub const KOREAN_MAIL_DOMAINS: &[&str] = &[
    "naver.com",
    "daum.net",
    "gmail.com",
    "kakao.com",
    "hanmail.net",
    "nate.com",
];

/// E-mail domains of Japanese customers.
pub const JAPANESE_MAIL_DOMAINS: &[&str] = &[
    "docomo.ne.jp",
    "yahoo.co.jp",
    "gmail.com",
    "ezweb.ne.jp",
    "softbank.ne.jp",
];

/// Syllables for e-mail local parts.
pub const MAIL_SYLLABLES: &[&str] = &[
    "kim", "lee", "park", "choi", "jung", "min", "seo", "ji", "ho", "jun", "yu", "na", "sato",
    "tanaka", "yuki", "ken", "hana", "sol", "woo", "jin",
];

/// Groups demo customers are put in.
pub const GROUPS: &[&str] = &[
    "VIP",
    "신규고객",
    "휴면고객",
    "도매",
    "소매",
    "협력사",
    "관심고객",
];

/// Tags demo customers carry.
pub const TAGS: &[&str] = &[
    "재구매",
    "이벤트참여",
    "소개고객",
    "불만접수",
    "뉴스레터",
    "법인",
];

/// Values of the demo's 인지경로 (how the customer found us) field.
pub const SOURCES: &[&str] = &["검색", "지인소개", "블로그", "전단지", "방문", "SNS"];

/// Values of the demo's 등급 (tier) field.
pub const TIERS: &[&str] = &["일반", "실버", "골드", "VIP"];

/// Notes agents leave after a call.
pub const NOTES: &[&str] = &[
    "상품 문의 전화, 카탈로그 발송함",
    "배송 지연 문의, 내일 도착 안내",
    "환불 요청 접수",
    "재주문 의사 확인",
    "부재중, 문자 남김",
    "見積書を送付済み",
];
