//! The customer filter as the list window edits it — status, group, tag and
//! assignee pickers, a date range (presets or two days) and the advanced
//! conditions — in one piece, so 고객목록 and 대량문자발송's 고객검색 filter
//! customers the same way.
//!
//! The editor keeps the date choice (a preset is read against today each
//! frame) apart from the [`CustomerFilter`] it yields; [`FilterEditor::filter`]
//! is always up to date after a frame's pickers have run.

use eframe::egui;

use super::i18n::Texts;
use super::widgets::optional_choice;
use crate::backend::{Group, Lookups, local_time};
use crate::domain::{
    Condition, CustomerFilter, DateField, DateFilter, DatePreset, FieldDef, FilterField, Join,
    Operator, Timestamp,
};

/// The date part of the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateChoice {
    None,
    Preset(DatePreset),
    Custom,
}

/// A customer filter being edited.
pub struct FilterEditor {
    /// Tells this editor's pickers apart from another window's.
    salt: &'static str,
    filter: CustomerFilter,
    date_on: DateField,
    date_choice: DateChoice,
    custom_from: String,
    custom_to: String,
    /// 고급 필터 is open.
    pub show_advanced: bool,
}

impl FilterEditor {
    /// An empty filter (everyone); `salt` keeps its widgets apart from
    /// another window's editor.
    #[must_use]
    pub fn new(salt: &'static str) -> Self {
        Self {
            salt,
            filter: CustomerFilter::default(),
            date_on: DateField::Created,
            date_choice: DateChoice::None,
            custom_from: String::new(),
            custom_to: String::new(),
            show_advanced: false,
        }
    }

    /// The filter as edited.
    #[must_use]
    pub fn filter(&self) -> &CustomerFilter {
        &self.filter
    }

    /// The filter, for the parts the editor does not draw (the group the
    /// tree picked, the recycle bin).
    pub fn filter_mut(&mut self) -> &mut CustomerFilter {
        &mut self.filter
    }

    /// The date range when a preset names it (it then moves with the
    /// calendar in a saved view).
    #[must_use]
    pub fn date_preset(&self) -> Option<(DateField, DatePreset)> {
        match self.date_choice {
            DateChoice::Preset(preset) => Some((self.date_on, preset)),
            DateChoice::None | DateChoice::Custom => None,
        }
    }

    /// Shows `filter`, its date range as `preset` names it or else as the
    /// days it holds.
    pub fn set_filter(&mut self, filter: CustomerFilter, preset: Option<(DateField, DatePreset)>) {
        self.date_choice = match (preset, filter.date) {
            (Some((on, preset)), _) => {
                self.date_on = on;
                DateChoice::Preset(preset)
            }
            (None, Some(date)) => {
                self.date_on = date.on;
                self.custom_from = local_day_text(date.from);
                // The range ends at the first instant after its last day.
                self.custom_to = local_day_text(Timestamp(date.to.0.saturating_sub(1)));
                DateChoice::Custom
            }
            (None, None) => DateChoice::None,
        };
        self.filter = filter;
    }

    /// Back to everyone.
    pub fn clear(&mut self) {
        self.filter = CustomerFilter::default();
        self.date_choice = DateChoice::None;
    }

    /// Conditions on fields that no longer exist are dropped; true when one was.
    pub fn fields_changed(&mut self, lookups: &Lookups) -> bool {
        let before = self.filter.conditions.len();
        self.filter
            .conditions
            .retain(|condition| match condition.field {
                FilterField::Custom(id) => lookups.fields.iter().any(|def| def.id == id),
                _ => true,
            });
        self.filter.conditions.len() != before
    }

    /// The status, group, tag and assignee pickers, in the caller's row.
    pub fn pickers_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        groups: &[Group],
    ) {
        let any = texts.get("list.any");
        optional_choice(
            ui,
            texts.get("list.status"),
            (self.salt, "status"),
            &mut self.filter.status,
            any,
            lookups.statuses.iter().map(|s| (s.id, s.name.as_str())),
        );
        // The list's sources, and the filter's own when the list lost it
        // (a saved view older than a deletion).
        let current = self.filter.source.clone();
        let mut sources: Vec<&str> = lookups.sources.iter().map(|s| s.name.as_str()).collect();
        if let Some(current) = current.as_deref()
            && !sources
                .iter()
                .any(|name| name.eq_ignore_ascii_case(current))
        {
            sources.push(current);
        }
        let mut source = current.as_deref().and_then(|current| {
            sources
                .iter()
                .copied()
                .find(|name| name.eq_ignore_ascii_case(current))
        });
        optional_choice(
            ui,
            texts.get("list.source"),
            (self.salt, "source"),
            &mut source,
            any,
            sources.iter().map(|name| (*name, *name)),
        );
        self.filter.source = source.map(str::to_owned);
        optional_choice(
            ui,
            texts.get("list.group"),
            (self.salt, "group"),
            &mut self.filter.group,
            any,
            groups.iter().map(|g| (g.id, g.name.as_str())),
        );
        optional_choice(
            ui,
            texts.get("list.tag"),
            (self.salt, "tag"),
            &mut self.filter.tag,
            any,
            lookups.tags.iter().map(|t| (t.id, t.name.as_str())),
        );
        optional_choice(
            ui,
            texts.get("list.assignee"),
            (self.salt, "assignee"),
            &mut self.filter.assignee,
            any,
            lookups
                .users
                .iter()
                .map(|u| (u.id, u.display_name.as_str())),
        );
    }

    /// Which date, the presets and a custom range, in the caller's row;
    /// the filter's date follows.
    pub fn dates_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let date_label = ui.label(texts.get("list.date_on"));
        egui::ComboBox::from_id_salt((self.salt, "date_on"))
            .selected_text(date_field_text(texts, self.date_on))
            .show_ui(ui, |ui| {
                for field in [DateField::Created, DateField::Updated, DateField::LastCall] {
                    ui.selectable_value(&mut self.date_on, field, date_field_text(texts, field));
                }
            })
            .response
            .labelled_by(date_label.id);
        for (choice, key) in [
            (DateChoice::None, "list.date_none"),
            (DateChoice::Preset(DatePreset::Today), "list.today"),
            (DateChoice::Preset(DatePreset::Yesterday), "list.yesterday"),
            (
                DateChoice::Preset(DatePreset::Last7Days),
                "list.last_7_days",
            ),
            (DateChoice::Preset(DatePreset::ThisMonth), "list.this_month"),
            (DateChoice::Custom, "list.custom_range"),
        ] {
            ui.selectable_value(&mut self.date_choice, choice, texts.get(key));
        }
        if self.date_choice == DateChoice::Custom {
            let salt = self.salt;
            date_text(
                ui,
                texts,
                (salt, "from"),
                texts.get("list.from"),
                &mut self.custom_from,
            );
            date_text(
                ui,
                texts,
                (salt, "to"),
                texts.get("list.to"),
                &mut self.custom_to,
            );
        }
        self.filter.date = self.date_filter();
    }

    fn date_filter(&self) -> Option<DateFilter> {
        match self.date_choice {
            DateChoice::None => None,
            DateChoice::Preset(preset) => DateFilter::preset(
                self.date_on,
                preset,
                Timestamp::now(),
                local_time::utc_offset_seconds(),
            )
            .ok(),
            DateChoice::Custom => {
                let day = |text: &str| -> Option<Timestamp> {
                    let date = text.trim().parse::<jiff::civil::Date>().ok()?;
                    let zoned = date.to_zoned(jiff::tz::TimeZone::system()).ok()?;
                    Some(Timestamp(zoned.timestamp().as_millisecond()))
                };
                let from = day(&self.custom_from).unwrap_or(Timestamp(0));
                let to = self
                    .custom_to
                    .trim()
                    .parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|date| date.tomorrow().ok())
                    .and_then(|date| day(&date.to_string()))
                    .unwrap_or(Timestamp(i64::MAX));
                Some(DateFilter {
                    on: self.date_on,
                    from,
                    to,
                })
            }
        }
    }

    /// The advanced conditions (AND/OR, field, operator, value), framed.
    pub fn advanced_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, lookups: &Lookups) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.filter.join, Join::And, texts.get("list.join_and"));
                ui.radio_value(&mut self.filter.join, Join::Or, texts.get("list.join_or"));
            });
            let mut remove = None;
            for (index, condition) in self.filter.conditions.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    egui::ComboBox::from_id_salt((self.salt, "condition_field", index))
                        .selected_text(filter_field_text(texts, condition.field, &lookups.fields))
                        .show_ui(ui, |ui| {
                            for field in filter_fields(&lookups.fields) {
                                ui.selectable_value(
                                    &mut condition.field,
                                    field,
                                    filter_field_text(texts, field, &lookups.fields),
                                );
                            }
                        })
                        .response
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::Role::ComboBox,
                                true,
                                format!("{} {}", texts.get("list.condition_field"), index + 1),
                            )
                        });
                    egui::ComboBox::from_id_salt((self.salt, "condition_op", index))
                        .selected_text(operator_text(texts, condition.op))
                        .show_ui(ui, |ui| {
                            for op in Operator::ALL {
                                ui.selectable_value(
                                    &mut condition.op,
                                    op,
                                    operator_text(texts, op),
                                );
                            }
                        })
                        .response
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::Role::ComboBox,
                                true,
                                format!("{} {}", texts.get("list.condition_op"), index + 1),
                            )
                        });
                    if condition.op.takes_value() {
                        let name = format!("{} {}", texts.get("list.value"), index + 1);
                        ui.add(
                            egui::TextEdit::singleline(&mut condition.value)
                                .hint_text(texts.get("list.value"))
                                .desired_width(160.0),
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name)
                        });
                    }
                    if ui.button(texts.get("list.remove_condition")).clicked() {
                        remove = Some(index);
                    }
                });
            }
            if let Some(index) = remove {
                self.filter.conditions.remove(index);
            }
            if ui.button(texts.get("list.add_condition")).clicked() {
                self.filter.conditions.push(Condition {
                    field: FilterField::Name,
                    op: Operator::Contains,
                    value: String::new(),
                });
            }
        });
    }
}

fn date_text(
    ui: &mut egui::Ui,
    texts: &Texts,
    id: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    text: &mut String,
) {
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text("YYYY-MM-DD")
            .desired_width(90.0),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label));
    super::date_picker::button(ui, texts, egui::Id::unique(id), text);
    ui.label(label);
}

fn date_field_text(texts: &Texts, field: DateField) -> &str {
    texts.get(match field {
        DateField::Created => "list.date_created",
        DateField::Updated => "list.date_updated",
        DateField::LastCall => "list.date_last_call",
    })
}

fn filter_fields(fields: &[FieldDef]) -> Vec<FilterField> {
    let mut all = vec![
        FilterField::Name,
        FilterField::Company,
        FilterField::Phone,
        FilterField::Email,
        FilterField::Address,
        FilterField::Source,
        FilterField::Memo,
    ];
    all.extend(fields.iter().map(|def| FilterField::Custom(def.id)));
    all
}

fn filter_field_text(texts: &Texts, field: FilterField, fields: &[FieldDef]) -> String {
    let key = match field {
        FilterField::Name => "customer.name",
        FilterField::Company => "customer.company",
        FilterField::Email => "customer.email",
        FilterField::Address => "customer.address",
        FilterField::Source => "customer.source",
        FilterField::Memo => "customer.memo",
        FilterField::Phone => "customer.phones",
        FilterField::Custom(id) => {
            return fields
                .iter()
                .find(|def| def.id == id)
                .map_or_else(|| id.0.to_string(), |def| def.label.clone());
        }
    };
    texts.get(key).to_owned()
}

fn operator_text(texts: &Texts, op: Operator) -> &str {
    texts.get(match op {
        Operator::Contains => "op.contains",
        Operator::NotContains => "op.not_contains",
        Operator::Equals => "op.equals",
        Operator::NotEquals => "op.not_equals",
        Operator::StartsWith => "op.starts_with",
        Operator::Greater => "op.greater",
        Operator::Less => "op.less",
        Operator::IsEmpty => "op.is_empty",
        Operator::IsNotEmpty => "op.is_not_empty",
    })
}

/// The local calendar day of `at`, as YYYY-MM-DD (empty at the ends of
/// time, which an open range uses).
fn local_day_text(at: Timestamp) -> String {
    if at.0 <= 0 || at.0 == i64::MAX - 1 {
        return String::new();
    }
    jiff::Timestamp::from_millisecond(at.0)
        .map(|instant| {
            instant
                .to_zoned(jiff::tz::TimeZone::system())
                .date()
                .to_string()
        })
        .unwrap_or_default()
}
