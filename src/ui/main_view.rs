//! The parts of the main window: the search box, the group tree, and the
//! centre with today's calls (or the search results) above the selected
//! customer's card.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::{SearchState, Shown, thousands};
use super::format::{direction_text, local_time};
use super::format::{local_date_time, message_state_colour, message_state_text};
use super::i18n::Texts;
use crate::backend::{CustomerCard, Group};
use crate::domain::{CustomerId, GroupId, Region};

/// Height of one table row.
pub const ROW_HEIGHT: f32 = 22.0;

/// What was picked in the centre this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// Show this customer's card.
    Customer(CustomerId),
    /// Open this customer's form.
    Edit(CustomerId),
    /// Write a message to this number of this customer.
    Sms {
        /// The number as shown.
        number: String,
        /// Whose number it is.
        customer: CustomerId,
    },
    /// Click-to-call this number of the customer named.
    Dial {
        /// The number as shown.
        number: String,
        /// The customer's name, shown on the agent's phone.
        name: String,
    },
    /// Ask for more search results.
    MoreResults,
}

/// The search box; true when its text changed.
pub fn search_box(
    ui: &mut egui::Ui,
    texts: &Texts,
    search: &mut SearchState,
    focus: &mut bool,
) -> bool {
    ui.add_space(4.0);
    let changed = ui
        .horizontal(|ui| {
            let label = ui.label(texts.get("search.label"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut search.text)
                        .hint_text(texts.get("search.hint"))
                        .desired_width(360.0),
                )
                .labelled_by(label.id);
            if std::mem::take(focus) {
                response.request_focus();
            }
            response.changed()
        })
        .inner;
    ui.add_space(2.0);
    changed
}

/// An entry of the group tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupPick {
    /// 전체 고객
    All,
    /// One group.
    Group(GroupId),
}

impl GroupPick {
    /// The group to filter on, if any.
    #[must_use]
    pub fn group(self) -> Option<GroupId> {
        match self {
            Self::All => None,
            Self::Group(id) => Some(id),
        }
    }
}

/// The group tree; the entry clicked, if one was.
pub fn group_tree(
    ui: &mut egui::Ui,
    texts: &Texts,
    groups: &[Group],
    customers: Option<u64>,
) -> Option<GroupPick> {
    let mut clicked = None;
    ui.add_space(4.0);
    ui.strong(texts.get("groups.title"));
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        let all = texts.fmt(
            "groups.count",
            &[
                ("name", &texts.get("groups.all")),
                (
                    "count",
                    &customers.map_or_else(|| "…".to_owned(), thousands),
                ),
            ],
        );
        if ui.selectable_label(false, all).clicked() {
            clicked = Some(GroupPick::All);
        }
        group_children(ui, texts, groups, None, &mut clicked);
    });
    clicked
}

fn group_children(
    ui: &mut egui::Ui,
    texts: &Texts,
    groups: &[Group],
    parent: Option<GroupId>,
    clicked: &mut Option<GroupPick>,
) {
    for group in groups.iter().filter(|group| group.parent_id == parent) {
        let label = texts.fmt(
            "groups.count",
            &[("name", &group.name), ("count", &thousands(group.members))],
        );
        let has_children = groups.iter().any(|child| child.parent_id == Some(group.id));
        if has_children {
            let header = egui::CollapsingHeader::new(label)
                .id_salt(("group", group.id.0))
                .default_open(true)
                .show(ui, |ui| {
                    group_children(ui, texts, groups, Some(group.id), clicked);
                });
            if header.header_response.double_clicked() {
                *clicked = Some(GroupPick::Group(group.id));
            }
        } else {
            ui.indent(("group", group.id.0), |ui| {
                if ui.selectable_label(false, label).clicked() {
                    *clicked = Some(GroupPick::Group(group.id));
                }
            });
        }
    }
}

/// Today's calls or the search results, and the selected card below.
pub fn centre(ui: &mut egui::Ui, texts: &Texts, shown: &Shown, region: Region) -> Option<Pick> {
    let mut pick = None;
    let height = (ui.available_height() * 0.45).max(160.0);
    ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
        if shown.search.text.trim().is_empty() {
            today_calls(ui, texts, shown, region, &mut pick);
        } else {
            search_results(ui, texts, &shown.search, &mut pick);
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("card")
        .show(ui, |ui| match &shown.card {
            Some(card) => card_view(ui, texts, card, &mut pick),
            None => {
                ui.weak(texts.get("card.none"));
            }
        });
    pick
}

fn today_calls(
    ui: &mut egui::Ui,
    texts: &Texts,
    shown: &Shown,
    region: Region,
    pick: &mut Option<Pick>,
) {
    ui.strong(texts.get("calls.today"));
    if shown.today_calls.is_empty() {
        ui.weak(texts.get("calls.none"));
        return;
    }
    TableBuilder::new(ui)
        .id_salt("today_calls")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(70.0))
        .column(Column::exact(50.0))
        .column(Column::initial(140.0).resizable(true))
        .column(Column::initial(140.0).resizable(true))
        .column(Column::remainder())
        .header(ROW_HEIGHT, |mut header| {
            for key in [
                "calls.time",
                "calls.direction",
                "calls.number",
                "calls.customer",
                "calls.line",
            ] {
                header.col(|ui| {
                    ui.strong(texts.get(key));
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, shown.today_calls.len(), |mut row| {
                let Some(call) = shown.today_calls.get(row.index()) else {
                    return;
                };
                row.set_selected(
                    call.customer_id.is_some()
                        && call.customer_id == shown.card.as_ref().map(|card| card.customer.id),
                );
                row.col(|ui| {
                    cell(ui, local_time(call.started_at));
                });
                row.col(|ui| {
                    cell(ui, direction_text(texts, call.direction));
                });
                row.col(|ui| {
                    cell(ui, call.number_display(region));
                });
                row.col(|ui| {
                    cell(
                        ui,
                        call.customer_name
                            .as_deref()
                            .unwrap_or(texts.get("calls.unknown")),
                    );
                });
                row.col(|ui| {
                    cell(ui, &call.line);
                });
                if row.response().clicked()
                    && let Some(id) = call.customer_id
                {
                    *pick = Some(Pick::Customer(id));
                }
            });
        });
}

fn search_results(ui: &mut egui::Ui, texts: &Texts, search: &SearchState, pick: &mut Option<Pick>) {
    if search.hits.is_empty() {
        ui.weak(texts.get(if search.answered {
            "search.none"
        } else {
            "search.searching"
        }));
        return;
    }
    if search.answered {
        let count = if search.has_more {
            format!("{}+", search.hits.len())
        } else {
            search.hits.len().to_string()
        };
        ui.strong(texts.fmt("search.results", &[("count", &count)]));
    } else {
        // The rows below are the previous answer until the new one arrives.
        ui.weak(texts.get("search.searching"));
    }
    let rows = search.hits.len() + usize::from(search.has_more);
    TableBuilder::new(ui)
        .id_salt("search_results")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::initial(140.0).resizable(true))
        .column(Column::initial(150.0).resizable(true))
        .column(Column::remainder())
        .header(ROW_HEIGHT, |mut header| {
            for key in ["column.name", "column.phone", "column.company"] {
                header.col(|ui| {
                    ui.strong(texts.get(key));
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows, |mut row| {
                let Some(hit) = search.hits.get(row.index()) else {
                    row.col(|ui| {
                        if ui.link(texts.get("search.more")).clicked() {
                            *pick = Some(Pick::MoreResults);
                        }
                    });
                    return;
                };
                row.col(|ui| {
                    cell(ui, &hit.name);
                });
                row.col(|ui| {
                    cell(ui, hit.phone.as_deref().unwrap_or("-"));
                });
                row.col(|ui| {
                    cell(ui, &hit.company);
                });
                let response = row.response();
                if response.double_clicked() {
                    *pick = Some(Pick::Edit(hit.id));
                } else if response.clicked() {
                    *pick = Some(Pick::Customer(hit.id));
                }
            });
        });
}

fn card_view(ui: &mut egui::Ui, texts: &Texts, card: &CustomerCard, pick: &mut Option<Pick>) {
    let customer = &card.customer;
    ui.horizontal(|ui| {
        ui.heading(&customer.name);
        if !customer.company.is_empty() {
            ui.label(&customer.company);
        }
        if let Some(status) = &customer.status {
            ui.label(egui::RichText::new(status).strong());
        }
        if ui.button(texts.get("card.edit")).clicked() {
            *pick = Some(Pick::Edit(customer.id));
        }
    });
    egui::Grid::new("card_numbers")
        .num_columns(4)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for phone in &customer.phones {
                ui.label(&phone.label);
                ui.label(&phone.display);
                if ui.button(texts.get("card.dial")).clicked() {
                    *pick = Some(Pick::Dial {
                        number: phone.display.clone(),
                        name: customer.name.clone(),
                    });
                }
                if ui.button(texts.get("card.sms")).clicked() {
                    *pick = Some(Pick::Sms {
                        number: phone.display.clone(),
                        customer: customer.id,
                    });
                }
                ui.end_row();
            }
            if let Some(email) = &customer.email {
                ui.label(texts.get("customer.email"));
                ui.label(email);
                ui.end_row();
            }
        });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong(texts.get("card.last_call"));
        match card.calls.first() {
            Some(call) => ui.label(format!(
                "{} · {} · {}",
                super::format::local_date_time(call.started_at),
                direction_text(texts, call.direction),
                call.number_raw
            )),
            None => ui.weak(texts.get("card.no_calls")),
        };
    });
    if !customer.groups.is_empty() || !customer.tags.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for group in &customer.groups {
                ui.label(egui::RichText::new(group).strong());
            }
            for tag in &customer.tags {
                ui.label(format!("#{tag}"));
            }
        });
    }
    let popup_fields: Vec<_> = customer.fields.iter().collect();
    if !popup_fields.is_empty() {
        egui::Grid::new("card_fields")
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for field in popup_fields {
                    ui.weak(&field.label);
                    ui.label(super::format::field_value(texts, &field.value));
                    ui.end_row();
                }
            });
    }
    if !customer.memo.is_empty() {
        ui.add_space(4.0);
        ui.strong(texts.get("card.memo"));
        ui.label(&customer.memo);
    }
    recent_messages(ui, texts, card, pick);
}

/// The customer's latest messages with their state, and 문자 to write one
/// more to their first number.
fn recent_messages(ui: &mut egui::Ui, texts: &Texts, card: &CustomerCard, pick: &mut Option<Pick>) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong(texts.get("messages.recent"));
        if let Some(phone) = card.customer.phones.first()
            && ui.small_button(texts.get("card.sms")).clicked()
        {
            *pick = Some(Pick::Sms {
                number: phone.display.clone(),
                customer: card.customer.id,
            });
        }
    });
    if card.messages.is_empty() {
        ui.weak(texts.get("messages.no_messages"));
        return;
    }
    egui::Grid::new("card_messages")
        .num_columns(4)
        .spacing([10.0, 2.0])
        .striped(true)
        .show(ui, |ui| {
            // The card carries the latest few; the message log has the rest.
            for message in card.messages.iter().take(5) {
                ui.label(local_date_time(message.created_at));
                ui.label(&message.to_raw);
                ui.colored_label(
                    message_state_colour(ui.visuals(), message.state),
                    message_state_text(texts, message.state),
                );
                let first = message.body.lines().next().unwrap_or_default();
                ui.add(egui::Label::new(first).truncate())
                    .on_hover_text(&message.body);
                ui.end_row();
            }
        });
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}
