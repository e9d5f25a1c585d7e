//! The main window. Until the customer screens land it shows what the store
//! holds and where, and what this window will hold.

use std::path::PathBuf;

use eframe::egui;

/// What the window shows at start, read before it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartInfo {
    /// Live customers in the store.
    pub customers: u64,
    /// The database file.
    pub database: PathBuf,
}

/// The eframe application.
pub struct RingdeskApp {
    info: StartInfo,
}

impl RingdeskApp {
    /// An app showing `info`.
    #[must_use]
    pub fn new(info: StartInfo) -> Self {
        Self { info }
    }
}

impl eframe::App for RingdeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("ringdesk");
            ui.add_space(8.0);
            ui.label(format!("고객 {}명", thousands(self.info.customers)));
            ui.label(format!("데이터: {}", self.info.database.display()));
            ui.add_space(16.0);
            ui.label(
                "고객목록, 고객카드, 수신 팝업, 문자 발송 화면이 이 창에 들어옵니다. \
                 지금은 명령줄로 고객을 등록하고 찾을 수 있습니다: ringdesk --help",
            );
        });
    }
}

/// 1234567 → "1,234,567", as Korean, Japanese and English all write counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
