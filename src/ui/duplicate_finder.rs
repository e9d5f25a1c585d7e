//! 중복 고객 찾기: the sets of customers who look like one person (the same
//! number, e-mail, or name at the same company), each customer with name,
//! company, numbers, e-mail and the day entered; two picked open 병합…,
//! and 병합 취소 takes the last merge back.

use eframe::egui;

use super::format::local_date;
use super::i18n::Texts;
use super::widgets::{escape_closes, scroll_margin};
use crate::backend::{Command, DuplicateGroup, DuplicateReason, MergeRecord, QueryId};
use crate::domain::{CustomerId, PhoneNumber, Region};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "duplicate_finder";

/// What the window asks of the main window this frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Open the merge window: keep the first, merge the second into it.
    pub merge: Option<(CustomerId, CustomerId)>,
    /// Undo the last merge.
    pub undo: bool,
    /// The window was closed.
    pub closed: bool,
}

/// The window's state.
#[derive(Default)]
pub struct DuplicateFinder {
    request: QueryId,
    /// `None` while the backend looks.
    sets: Option<Vec<DuplicateGroup>>,
    more: usize,
    last_merge: Option<MergeRecord>,
    /// The customers ticked, in the order ticked (two at most).
    picked: Vec<CustomerId>,
    message: Option<String>,
}

impl DuplicateFinder {
    /// Asks the backend for the sets (again).
    pub fn refresh(&mut self, next_request: &mut u64, commands: &mut Vec<Command>) {
        *next_request += 1;
        self.request = QueryId(*next_request);
        commands.push(Command::FindDuplicates {
            request: self.request,
        });
    }

    /// Asks the backend to undo the last merge; the answer comes back to
    /// this window.
    pub fn undo(&mut self, next_request: &mut u64, commands: &mut Vec<Command>) {
        *next_request += 1;
        self.request = QueryId(*next_request);
        self.message = None;
        commands.push(Command::UndoMerge {
            request: self.request,
        });
    }

    /// The sets arrived.
    pub fn found(
        &mut self,
        request: QueryId,
        sets: Vec<DuplicateGroup>,
        more: usize,
        last_merge: Option<MergeRecord>,
    ) {
        if request != self.request {
            return;
        }
        self.picked.retain(|id| {
            sets.iter()
                .any(|set| set.members.iter().any(|member| member.id == *id))
        });
        self.sets = Some(sets);
        self.more = more;
        self.last_merge = last_merge;
    }

    /// Shows a line under the list (a merge undone, a refusal).
    pub fn tell(&mut self, message: String) {
        self.message = Some(message);
    }

    /// The request the window waits on.
    #[must_use]
    pub fn request(&self) -> QueryId {
        self.request
    }

    /// Draws the window.
    pub fn show(&mut self, ctx: &egui::Context, texts: &Texts) -> Outcome {
        let mut outcome = Outcome::default();
        let mut open = true;
        egui::Window::new(texts.get("merge.finder_title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_width(820.0)
            .default_height(520.0)
            .show(ctx, |ui| {
                self.head_ui(ui, texts, &mut outcome);
                ui.separator();
                self.sets_ui(ui, texts);
                ui.separator();
                self.foot_ui(ui, texts, &mut outcome);
            });
        outcome.closed = !open || escape_closes(ctx, egui::Id::unique(WINDOW));
        outcome
    }

    fn head_ui(&self, ui: &mut egui::Ui, texts: &Texts, outcome: &mut Outcome) {
        ui.horizontal(|ui| {
            match &self.sets {
                None => {
                    ui.spinner();
                    ui.label(texts.get("merge.searching"));
                }
                Some(sets) => {
                    ui.strong(texts.fmt("merge.sets", &[("count", &sets.len())]));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let undo = ui
                    .add_enabled(
                        self.last_merge.is_some(),
                        egui::Button::new(texts.get("merge.undo")),
                    )
                    .on_disabled_hover_text(texts.get("merge.nothing_to_undo"));
                if undo.clicked() {
                    outcome.undo = true;
                }
                if let Some(last) = &self.last_merge {
                    ui.weak(texts.fmt(
                        "merge.last",
                        &[
                            ("other", &format!("#{}", last.other)),
                            ("keep", &format!("#{}", last.keep)),
                        ],
                    ));
                }
            });
        });
    }

    fn sets_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let Some(sets) = &self.sets else {
            ui.allocate_space(egui::vec2(ui.available_width(), 200.0));
            return;
        };
        if sets.is_empty() {
            ui.label(texts.get("merge.none"));
            ui.allocate_space(egui::vec2(ui.available_width(), 160.0));
            return;
        }
        let mut toggled = None;
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 60.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                scroll_margin().show(ui, |ui| {
                    for (index, set) in sets.iter().enumerate() {
                        if index > 0 {
                            ui.add_space(6.0);
                        }
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            let why: Vec<String> =
                                set.reasons.iter().map(|r| reason_text(texts, r)).collect();
                            ui.label(egui::RichText::new(why.join(" · ")).strong());
                            egui::Grid::new(("duplicate_set", index))
                                .num_columns(5)
                                .spacing([16.0, 4.0])
                                .striped(true)
                                .show(ui, |ui| {
                                    for key in [
                                        "merge.col_name",
                                        "merge.col_company",
                                        "merge.col_phones",
                                        "merge.col_email",
                                        "merge.col_created",
                                    ] {
                                        ui.weak(texts.get(key));
                                    }
                                    ui.end_row();
                                    for member in &set.members {
                                        let mut on = self.picked.contains(&member.id);
                                        let label = format!("{} #{}", member.name, member.id);
                                        if ui.checkbox(&mut on, label).changed() {
                                            toggled = Some(member.id);
                                        }
                                        ui.label(&member.company);
                                        ui.label(member.phones.join(", "));
                                        ui.label(&member.email);
                                        ui.label(local_date(member.created_at));
                                        ui.end_row();
                                    }
                                });
                        });
                    }
                    if self.more > 0 {
                        ui.weak(texts.fmt("merge.more", &[("count", &self.more)]));
                    }
                });
            });
        if let Some(id) = toggled {
            if let Some(at) = self.picked.iter().position(|picked| *picked == id) {
                self.picked.remove(at);
            } else {
                if self.picked.len() == 2 {
                    self.picked.remove(0);
                }
                self.picked.push(id);
            }
        }
    }

    fn foot_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, outcome: &mut Outcome) {
        ui.horizontal(|ui| {
            let two = self.picked.len() == 2;
            if ui
                .add_enabled(two, egui::Button::new(texts.get("merge.open")))
                .clicked()
                && let [first, second] = self.picked[..]
            {
                // The one entered first stays; the window can swap them.
                let older = self.created(first) <= self.created(second);
                outcome.merge = Some(if older {
                    (first, second)
                } else {
                    (second, first)
                });
            }
            if !two {
                ui.weak(texts.get("merge.pick_two"));
            }
            if let Some(message) = &self.message {
                ui.label(message);
            }
        });
    }

    /// When customer `id` was entered (by id when unknown).
    fn created(&self, id: CustomerId) -> (i64, i64) {
        let at = self
            .sets
            .iter()
            .flatten()
            .flat_map(|set| &set.members)
            .find(|member| member.id == id)
            .map_or(i64::MAX, |member| member.created_at.0);
        (at, id.0)
    }
}

/// Why a set's customers look like one person.
fn reason_text(texts: &Texts, reason: &DuplicateReason) -> String {
    match reason {
        DuplicateReason::SameNumber(key) => {
            let shown = PhoneNumber::parse(key, Region::KOREA)
                .map_or_else(|_| key.clone(), |number| number.display().to_owned());
            texts.fmt("merge.reason_number", &[("value", &shown)])
        }
        DuplicateReason::SameEmail(email) => texts.fmt("merge.reason_email", &[("value", email)]),
        DuplicateReason::SameNameAtCompany(_) => texts.get("merge.reason_name").to_owned(),
    }
}
