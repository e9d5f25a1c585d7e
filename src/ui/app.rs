//! The main window. Until the customer screens land it shows how many
//! customers the store holds, where it is, and a search box with results as
//! you type; everything it shows comes from the backend as events.

use std::path::PathBuf;

use eframe::egui;

use crate::backend::{Backend, Command, Event, QueryId};
use crate::domain::CustomerSummary;

/// Rows of search results asked for at a time.
const RESULTS_PAGE: u32 = 50;

/// What the window needs to start.
pub struct StartInfo {
    /// The backend, already running.
    pub backend: Backend,
    /// The database file, shown in the window.
    pub database: PathBuf,
}

/// The eframe application.
pub struct RingdeskApp {
    backend: Backend,
    database: PathBuf,
    customers: Option<u64>,
    search_text: String,
    query: QueryId,
    hits: Vec<CustomerSummary>,
    has_more: bool,
    error: Option<String>,
}

impl RingdeskApp {
    /// An app talking to `info.backend`; asks for the customer count at once.
    #[must_use]
    pub fn new(info: StartInfo) -> Self {
        let app = Self {
            backend: info.backend,
            database: info.database,
            customers: None,
            search_text: String::new(),
            query: QueryId(0),
            hits: Vec::new(),
            has_more: false,
            error: None,
        };
        app.send(Command::CountCustomers);
        app
    }

    fn send(&self, command: Command) {
        if let Err(error) = self.backend.send(command) {
            tracing::warn!("{error}");
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::CustomerCount(count) => self.customers = Some(count),
            Event::SearchResults {
                query_id,
                hits,
                has_more,
            } if query_id == self.query => {
                self.hits = hits;
                self.has_more = has_more;
            }
            // An answer to a search that has since been retyped.
            Event::SearchResults { .. } | Event::Customer(_) => {}
            Event::Failed { action, message } => self.error = Some(format!("{action}: {message}")),
        }
    }

    fn search_changed(&mut self) {
        self.query = QueryId(self.query.0 + 1);
        if self.search_text.trim().is_empty() {
            self.hits.clear();
            self.has_more = false;
            return;
        }
        self.send(Command::SearchCustomers {
            query_id: self.query,
            text: self.search_text.clone(),
            offset: 0,
            limit: RESULTS_PAGE,
        });
    }
}

impl eframe::App for RingdeskApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Drained here, not in `ui`: `logic` runs while the window is hidden too.
        while let Some(event) = self.backend.try_event() {
            self.handle(event);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("ringdesk");
            ui.add_space(8.0);
            match self.customers {
                Some(count) => ui.label(format!("고객 {}명", thousands(count))),
                None => ui.label("고객 수를 세는 중…"),
            };
            ui.label(format!("데이터: {}", self.database.display()));
            ui.add_space(8.0);
            ui.label(
                "고객목록, 고객카드, 수신 팝업, 문자 발송 화면이 이 창에 들어옵니다. \
                 지금은 명령줄로도 고객을 등록하고 찾을 수 있습니다: ringdesk --help",
            );
            ui.add_space(12.0);
            let changed = ui
                .horizontal(|ui| {
                    let label = ui.label("검색");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.search_text)
                            .hint_text("이름, 회사, 전화번호 일부")
                            .desired_width(320.0),
                    )
                    .labelled_by(label.id)
                    .changed()
                })
                .inner;
            if changed {
                self.search_changed();
            }
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.add_space(4.0);
            egui::ScrollArea::vertical().show_rows(ui, 18.0, self.hits.len(), |ui, rows| {
                for hit in self.hits.get(rows).unwrap_or_default() {
                    ui.label(format!(
                        "{}   {}   {}",
                        hit.name,
                        hit.phone.as_deref().unwrap_or("-"),
                        hit.company
                    ));
                }
                if self.has_more {
                    ui.label("…");
                }
            });
        });
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.backend.shutdown(std::time::Duration::from_secs(2));
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
