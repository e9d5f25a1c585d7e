//! 감사 기록: the audit log for admins — who did what that matters
//! (sign-ins, bulk sends, exports, imports, deletes, merges, settings and
//! role changes), when, and from which machine. Filters by action, user,
//! text and dates; newest first, a page at a time with 더 보기. Read-only:
//! the window offers no way to change an entry, and the database refuses.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::call_log::{date_text, local_day};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::widgets::escape_closes;
use crate::backend::{Command, QueryId, local_time};
use crate::domain::{AuditAction, AuditEntry, AuditFilter};

/// The window's id, for Esc to know whether it is in front.
const WINDOW: &str = "audit_log";
/// Entries asked for at a time.
const PAGE: u32 = 200;

/// The window's state.
#[derive(Default)]
pub struct AuditLog {
    action: Option<AuditAction>,
    user: String,
    text: String,
    from: String,
    to: String,
    problem: Option<String>,
    entries: Vec<AuditEntry>,
    /// The query whose answer is awaited, and whether it adds a page.
    waiting: Option<(QueryId, bool)>,
    has_more: bool,
    next_request: u64,
}

impl AuditLog {
    /// A window that asks for the newest entries at once.
    pub fn open(commands: &mut Vec<Command>, texts: &Texts) -> Self {
        let mut log = Self::default();
        log.search(commands, texts, false);
        log
    }

    /// Entries arrived for `request`; others are stale and dropped.
    pub fn arrived(&mut self, request: QueryId, entries: Vec<AuditEntry>) {
        let Some((awaited, more)) = self.waiting else {
            return;
        };
        if awaited != request {
            return;
        }
        self.waiting = None;
        self.has_more = entries.len() >= PAGE as usize;
        if !more {
            self.entries.clear();
        }
        self.entries.extend(entries);
    }

    /// The request was refused (the audit log is an admin's); true when it
    /// was this window's.
    pub fn refused(&mut self, request: QueryId, message: &str) -> bool {
        if self.waiting.is_some_and(|(awaited, _)| awaited == request) {
            self.waiting = None;
            self.problem = Some(message.to_owned());
            true
        } else {
            false
        }
    }

    fn filter(&self, texts: &Texts) -> Result<AuditFilter, String> {
        Ok(AuditFilter {
            action: self.action,
            actor: self.user.clone(),
            text: self.text.clone(),
            since: local_day(texts, &self.from, false)?,
            until: local_day(texts, &self.to, true)?,
        })
    }

    fn search(&mut self, commands: &mut Vec<Command>, texts: &Texts, more: bool) {
        match self.filter(texts) {
            Ok(filter) => {
                self.problem = None;
                self.next_request += 1;
                let request = QueryId(self.next_request);
                self.waiting = Some((request, more));
                let offset = if more {
                    u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
                } else {
                    0
                };
                commands.push(Command::LoadAudit {
                    request,
                    filter: Box::new(filter),
                    offset,
                    limit: PAGE,
                });
            }
            Err(problem) => self.problem = Some(problem),
        }
    }

    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        egui::Window::new(texts.get("audit.title"))
            .id(egui::Id::unique(WINDOW))
            .open(&mut open)
            .collapsible(false)
            .default_size([900.0, 480.0])
            .show(ctx, |ui| {
                self.filter_bar(ui, texts, commands);
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                ui.separator();
                self.table(ui, texts, commands);
            });
        let escape = escape_closes(ctx, egui::Id::unique(WINDOW));
        open && !escape
    }

    fn filter_bar(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(texts.get("audit.action"));
            let shown = self.action.map_or_else(
                || texts.get("audit.all"),
                |action| action_text(texts, action),
            );
            egui::ComboBox::from_id_salt("audit_action")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.action, None, texts.get("audit.all"))
                        .changed();
                    for action in AuditAction::ALL {
                        changed |= ui
                            .selectable_value(
                                &mut self.action,
                                Some(action),
                                action_text(texts, action),
                            )
                            .changed();
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(texts.get("audit.user"));
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.user).desired_width(90.0))
                .labelled_by(label.id)
                .changed();
            let label = ui.label(texts.get("audit.text"));
            changed |= ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(140.0))
                .labelled_by(label.id)
                .changed();
        });
        ui.horizontal(|ui| {
            let before = (self.from.clone(), self.to.clone());
            date_text(
                ui,
                texts,
                "audit_from",
                texts.get("list.from"),
                &mut self.from,
            );
            date_text(ui, texts, "audit_to", texts.get("list.to"), &mut self.to);
            changed |= before != (self.from.clone(), self.to.clone());
            if ui.button(texts.get("audit.refresh")).clicked() {
                changed = true;
            }
        });
        if changed {
            self.search(commands, texts, false);
        }
    }

    fn table(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        if self.entries.is_empty() {
            if self.problem.is_some() {
                return;
            }
            ui.weak(if self.waiting.is_some() {
                texts.get("audit.loading")
            } else {
                texts.get("audit.none")
            });
            return;
        }
        let more_height = if self.has_more { 32.0 } else { 0.0 };
        let height = (ui.available_height() - more_height).max(120.0);
        TableBuilder::new(ui)
            .id_salt("audit_table")
            .striped(true)
            .max_scroll_height(height)
            .column(Column::exact(140.0))
            .column(Column::initial(90.0).at_least(60.0))
            .column(Column::initial(90.0).at_least(60.0))
            .column(Column::initial(110.0).at_least(60.0))
            .column(Column::initial(200.0).at_least(80.0).clip(true))
            .column(Column::remainder().at_least(100.0).clip(true))
            .header(ROW_HEIGHT, |mut header| {
                for key in [
                    "audit.when",
                    "audit.user",
                    "audit.machine",
                    "audit.action",
                    "audit.target",
                    "audit.detail",
                ] {
                    header.col(|ui| {
                        ui.strong(texts.get(key));
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, self.entries.len(), |mut row| {
                    let entry = &self.entries[row.index()];
                    let cells = [
                        local_time::format(entry.at),
                        entry.actor.clone(),
                        entry.machine.clone(),
                        action_text(texts, entry.action).to_owned(),
                        entry.target.clone(),
                        entry.detail.clone(),
                    ];
                    for cell in cells {
                        row.col(|ui| {
                            ui.add(egui::Label::new(cell).truncate());
                        });
                    }
                });
            });
        if self.has_more
            && ui
                .add_enabled(
                    self.waiting.is_none(),
                    egui::Button::new(texts.get("audit.more")),
                )
                .clicked()
        {
            self.search(commands, texts, true);
        }
    }
}

/// The action as the window names it.
fn action_text(texts: &Texts, action: AuditAction) -> &str {
    texts.get(match action {
        AuditAction::SignIn => "audit.sign_in",
        AuditAction::SignInFailed => "audit.sign_in_failed",
        AuditAction::SignOut => "audit.sign_out",
        AuditAction::BulkSend => "audit.bulk_send",
        AuditAction::Export => "audit.export",
        AuditAction::Import => "audit.import",
        AuditAction::ImportUndone => "audit.import_undone",
        AuditAction::Delete => "audit.delete",
        AuditAction::Restore => "audit.restore",
        AuditAction::Purge => "audit.purge",
        AuditAction::Merge => "audit.merge",
        AuditAction::MergeUndone => "audit.merge_undone",
        AuditAction::Settings => "audit.settings",
        AuditAction::User => "audit.user_changed",
        AuditAction::Backup => "audit.backup",
    })
}
