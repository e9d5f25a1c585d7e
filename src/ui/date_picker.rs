//! A calendar button beside a date field: picks a day into `YYYY-MM-DD`
//! text. Weekday names come from the window's texts (`egui_extras`' own
//! picker speaks only English).

use eframe::egui;
use jiff::civil::Date;

use super::i18n::Texts;

/// The calendar button and its month popup; writes the chosen day into `text`.
pub fn button(ui: &mut egui::Ui, texts: &Texts, id: egui::Id, text: &mut String) {
    let response = ui.button(texts.get("date.calendar"));
    let response = response.on_hover_text(texts.get("date.pick"));
    let month_id = id.with("month");
    if response.clicked() {
        let start = text
            .trim()
            .parse::<Date>()
            .unwrap_or_else(|_| jiff::Zoned::now().date());
        ui.data_mut(|data| data.insert_temp(month_id, first_of_month(start)));
    }
    egui::Popup::menu(&response)
        .id(id.with("popup"))
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show(|ui| {
            let mut month = ui
                .data(|data| data.get_temp::<Date>(month_id))
                .unwrap_or_else(|| first_of_month(jiff::Zoned::now().date()));
            ui.horizontal(|ui| {
                if ui.button("◀").clicked() {
                    month = month
                        .checked_sub(jiff::Span::new().months(1))
                        .unwrap_or(month);
                }
                ui.label(format!("{:04}-{:02}", month.year(), month.month()));
                if ui.button("▶").clicked() {
                    month = month
                        .checked_add(jiff::Span::new().months(1))
                        .unwrap_or(month);
                }
            });
            egui::Grid::new(id.with("days")).show(ui, |ui| {
                for key in [
                    "date.mon", "date.tue", "date.wed", "date.thu", "date.fri", "date.sat",
                    "date.sun",
                ] {
                    ui.label(texts.get(key));
                }
                ui.end_row();
                let lead = month.weekday().to_monday_zero_offset();
                for _ in 0..lead {
                    ui.label("");
                }
                let mut column = lead;
                for day in 1..=month.days_in_month() {
                    let Ok(date) = Date::new(month.year(), month.month(), day) else {
                        continue;
                    };
                    let chosen = text.trim() == date.to_string();
                    if ui.selectable_label(chosen, day.to_string()).clicked() {
                        *text = date.to_string();
                        ui.close();
                    }
                    column += 1;
                    if column % 7 == 0 {
                        ui.end_row();
                    }
                }
            });
            ui.data_mut(|data| data.insert_temp(month_id, month));
        });
}

fn first_of_month(date: Date) -> Date {
    Date::new(date.year(), date.month(), 1).unwrap_or(date)
}
