//! 고객 병합: two customers side by side (A stays, B goes to the recycle
//! bin), one row per field they differ in with a choice of which value
//! wins, the list of what is kept anyway (every number, group, tag, note,
//! call and message), 병합 with a confirmation, and 병합 취소 for the last
//! merge. Runs through the backend like every window.

use std::collections::BTreeMap;

use eframe::egui;

use super::i18n::Texts;
use super::widgets::{clipped, escape_closes};
use crate::backend::{Command, MergePlan, MergeRecord, QueryId, Side};
use crate::domain::CustomerId;

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "customer_merge";
/// Characters of a value shown (a memo may be long).
const SHOWN_CHARS: usize = 120;

/// Where the window stands.
enum Stage {
    /// The plan is on its way.
    Planning,
    /// The plan is shown, the choices open.
    Choosing(Box<MergePlan>),
    /// The merge is on its way.
    Merging(Box<MergePlan>),
    /// Merged: the record, for 병합 취소.
    Merged(MergeRecord),
    /// The last merge was undone.
    Undone,
}

/// What the window asks of the main window this frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The window was closed.
    pub closed: bool,
}

/// The window's state.
pub struct CustomerMerge {
    request: QueryId,
    keep: CustomerId,
    other: CustomerId,
    stage: Stage,
    choices: BTreeMap<String, Side>,
    confirm: bool,
    problem: Option<String>,
}

impl CustomerMerge {
    /// A window merging `other` into `keep`; asks for the plan.
    pub fn new(
        keep: CustomerId,
        other: CustomerId,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> Self {
        let mut window = Self {
            request: QueryId::default(),
            keep,
            other,
            stage: Stage::Planning,
            choices: BTreeMap::new(),
            confirm: false,
            problem: None,
        };
        window.plan(next_request, commands);
        window
    }

    fn plan(&mut self, next_request: &mut u64, commands: &mut Vec<Command>) {
        *next_request += 1;
        self.request = QueryId(*next_request);
        self.stage = Stage::Planning;
        self.choices.clear();
        self.problem = None;
        commands.push(Command::PlanMerge {
            request: self.request,
            keep: self.keep,
            other: self.other,
        });
    }

    /// True when `request` is this window's.
    #[must_use]
    pub fn asked(&self, request: QueryId) -> bool {
        request == self.request
    }

    /// The plan arrived.
    pub fn planned(&mut self, request: QueryId, plan: Box<MergePlan>) {
        if request != self.request {
            return;
        }
        self.choices = plan
            .conflicts
            .iter()
            .map(|conflict| (conflict.key.clone(), conflict.default))
            .collect();
        self.stage = Stage::Choosing(plan);
    }

    /// The merge was done.
    pub fn merged(&mut self, request: QueryId, record: MergeRecord) {
        if request == self.request {
            self.stage = Stage::Merged(record);
        }
    }

    /// A merge was undone (from here or from the finder).
    pub fn undone(&mut self) {
        if matches!(self.stage, Stage::Merged(_)) {
            self.stage = Stage::Undone;
        }
    }

    /// The backend refused the plan, the merge or the undo.
    pub fn refused(&mut self, request: QueryId, message: String) {
        if request != self.request {
            return;
        }
        if let Stage::Merging(plan) = std::mem::replace(&mut self.stage, Stage::Planning) {
            self.stage = Stage::Choosing(plan);
        }
        self.problem = Some(message);
    }

    /// Draws the window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut open = true;
        egui::Window::new(texts.get("merge.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(900.0)
            .default_pos([60.0, 60.0])
            .show(ctx, |ui| {
                match &self.stage {
                    Stage::Planning => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(texts.get("merge.loading"));
                        });
                    }
                    Stage::Choosing(plan) | Stage::Merging(plan) => {
                        let plan = plan.clone();
                        self.plan_ui(ui, texts, &plan, next_request, commands);
                    }
                    Stage::Merged(record) => {
                        ui.label(texts.fmt(
                            "merge.merged",
                            &[("keep", &record.keep), ("other", &record.other)],
                        ));
                        ui.add_space(8.0);
                        if ui.button(texts.get("merge.undo")).clicked() {
                            *next_request += 1;
                            self.request = QueryId(*next_request);
                            commands.push(Command::UndoMerge {
                                request: self.request,
                            });
                        }
                    }
                    Stage::Undone => {
                        ui.label(texts.get("merge.undone"));
                    }
                }
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
            });
        self.confirm_ui(ctx, texts, commands);
        let escape = !self.confirm && escape_closes(ctx, egui::Id::unique(WINDOW));
        Outcome {
            closed: !open || escape,
        }
    }

    fn plan_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        plan: &MergePlan,
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) {
        let column = 360.0;
        ui.label(texts.get("merge.choose"));
        ui.add_space(4.0);
        egui::Grid::new("merge_fields")
            .num_columns(3)
            .spacing([16.0, 6.0])
            .min_col_width(120.0)
            .striped(true)
            .show(ui, |ui| {
                ui.weak(texts.get("merge.field"));
                for (key, card) in [
                    ("merge.side_keep", &plan.keep),
                    ("merge.side_other", &plan.other),
                ] {
                    let title = texts.fmt(key, &[("name", &card.name), ("id", &card.id)]);
                    ui.scope(|ui| {
                        ui.set_width(column);
                        ui.add(egui::Label::new(egui::RichText::new(title).strong()).truncate());
                    });
                }
                ui.end_row();
                if plan.conflicts.is_empty() {
                    ui.label(texts.get("merge.no_conflicts"));
                    ui.end_row();
                }
                for conflict in &plan.conflicts {
                    let name = conflict.label.clone().unwrap_or_else(|| {
                        texts.get(&format!("customer.{}", conflict.key)).to_owned()
                    });
                    ui.label(name);
                    let side = self
                        .choices
                        .entry(conflict.key.clone())
                        .or_insert(conflict.default);
                    for (value, this) in
                        [(&conflict.keep, Side::Keep), (&conflict.other, Side::Other)]
                    {
                        let text = if value.is_empty() {
                            texts.get("merge.empty").to_owned()
                        } else {
                            clipped(value.replace('\n', " "), SHOWN_CHARS)
                        };
                        ui.scope(|ui| {
                            ui.set_width(column);
                            ui.radio_value(side, this, text);
                        });
                    }
                    ui.end_row();
                }
            });
        kept_ui(ui, texts, plan);
        ui.add_space(8.0);
        ui.weak(texts.fmt(
            "merge.what_happens",
            &[("other", &plan.other.name), ("id", &plan.other.id)],
        ));
        ui.separator();
        let merging = matches!(self.stage, Stage::Merging(_));
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!merging, egui::Button::new(texts.get("merge.merge")))
                .clicked()
            {
                self.confirm = true;
            }
            if ui
                .add_enabled(!merging, egui::Button::new(texts.get("merge.swap")))
                .clicked()
            {
                std::mem::swap(&mut self.keep, &mut self.other);
                self.plan(next_request, commands);
            }
            if merging {
                ui.spinner();
                ui.label(texts.get("merge.merging"));
            }
        });
    }

    fn confirm_ui(&mut self, ctx: &egui::Context, texts: &Texts, commands: &mut Vec<Command>) {
        if !self.confirm {
            return;
        }
        let Stage::Choosing(plan) = &self.stage else {
            self.confirm = false;
            return;
        };
        let plan = plan.clone();
        let modal = egui::Modal::new(egui::Id::unique("confirm_merge")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.label(texts.fmt(
                "merge.confirm",
                &[
                    ("other", &plan.other.name),
                    ("other_id", &plan.other.id),
                    ("keep", &plan.keep.name),
                    ("keep_id", &plan.keep.id),
                ],
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("merge.merge_now")).clicked() {
                    commands.push(Command::MergeCustomers {
                        request: self.request,
                        keep: self.keep,
                        other: self.other,
                        choices: self.choices.clone(),
                    });
                    self.problem = None;
                    self.stage = Stage::Merging(plan.clone());
                    self.confirm = false;
                }
                if ui.button(texts.get("common.cancel")).clicked() {
                    self.confirm = false;
                }
            });
        });
        if modal.should_close() {
            self.confirm = false;
        }
    }
}

/// What the kept customer has after the merge whatever is chosen.
fn kept_ui(ui: &mut egui::Ui, texts: &Texts, plan: &MergePlan) {
    ui.add_space(8.0);
    ui.strong(texts.get("merge.kept_anyway"));
    let nothing = texts.get("merge.nothing");
    let list = |items: &[String]| {
        if items.is_empty() {
            nothing.to_owned()
        } else {
            items.join(", ")
        }
    };
    egui::Grid::new("merge_kept")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (key, items) in [
                ("customer.phones", &plan.phones),
                ("customer.groups", &plan.groups),
                ("customer.tags", &plan.tags),
            ] {
                ui.label(texts.get(key));
                ui.label(list(items));
                ui.end_row();
            }
            ui.label(texts.get("merge.history"));
            ui.label(texts.fmt(
                "merge.kept_counts",
                &[
                    ("notes", &plan.notes),
                    ("calls", &plan.calls),
                    ("messages", &plan.messages),
                ],
            ));
            ui.end_row();
        });
}
