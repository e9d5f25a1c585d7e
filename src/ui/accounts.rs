//! 비밀번호변경 (one's own password, the old one asked first) and, for
//! admins, 사용자 관리: the users with their role and state, a new user,
//! another user's name, role and extension, their password reset, switching
//! a user off and on. Every
//! change goes to the backend, which hashes, checks the role and answers.

use eframe::egui;

use super::i18n::Texts;
use super::sign_in::{describe, field, role_name};
use super::widgets::escape_closes;
use crate::backend::{AccountProblem, Command, QueryId};
use crate::domain::{NewUser, Role, Secret, User, UserId, UserUpdate};

/// What a window last heard back.
enum Outcome {
    Done(String),
    Refused(String),
}

fn outcome_ui(ui: &mut egui::Ui, outcome: Option<&Outcome>) {
    match outcome {
        Some(Outcome::Done(text)) => {
            ui.label(text);
        }
        Some(Outcome::Refused(text)) => {
            ui.colored_label(ui.visuals().error_fg_color, text);
        }
        None => {}
    }
}

/// The 비밀번호변경 window.
#[derive(Default)]
pub struct ChangePassword {
    old: String,
    new: String,
    again: String,
    pending: Option<QueryId>,
    outcome: Option<Outcome>,
}

impl ChangePassword {
    /// Draws the window; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        request: &mut impl FnMut() -> QueryId,
        commands: &mut Vec<Command>,
    ) -> bool {
        let id = egui::Id::unique("change_password");
        let mut open = true;
        egui::Window::new(texts.get("menu.change_password"))
            .id(id)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                let mut enter = false;
                egui::Grid::new("change_password_grid")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(ui, |ui| {
                        field(ui, texts.get("account.old_password"), &mut self.old, true);
                        field(ui, texts.get("account.new_password"), &mut self.new, true);
                        enter |= field(ui, texts.get("account.again"), &mut self.again, true);
                    });
                outcome_ui(ui, self.outcome.as_ref());
                let busy = self.pending.is_some();
                if (ui
                    .add_enabled(!busy, egui::Button::new(texts.get("account.change")))
                    .clicked()
                    || enter)
                    && !busy
                {
                    let id = request();
                    self.pending = Some(id);
                    self.outcome = None;
                    commands.push(Command::ChangePassword {
                        request: id,
                        old: Secret(std::mem::take(&mut self.old)),
                        new: Secret(std::mem::take(&mut self.new)),
                        again: Secret(std::mem::take(&mut self.again)),
                    });
                }
            });
        open && !escape_closes(ctx, id)
    }

    /// The answer to `request`, if it is this window's.
    pub fn answered(&mut self, texts: &Texts, request: QueryId, problem: Option<&AccountProblem>) {
        if self.pending != Some(request) {
            return;
        }
        self.pending = None;
        self.outcome = Some(match problem {
            None => Outcome::Done(texts.get("account.changed").to_owned()),
            Some(problem) => Outcome::Refused(describe(texts, problem)),
        });
    }
}

/// The new-user part of 사용자 관리.
struct NewUserForm {
    login: String,
    display_name: String,
    role: Role,
    extension: String,
    password: String,
    again: String,
}

impl Default for NewUserForm {
    fn default() -> Self {
        Self {
            login: String::new(),
            display_name: String::new(),
            role: Role::Agent,
            extension: String::new(),
            password: String::new(),
            again: String::new(),
        }
    }
}

/// The 사용자 관리 window (admins).
#[derive(Default)]
pub struct UserManager {
    selected: Option<UserId>,
    /// The selected user's name, role and extension as edited.
    details: Option<UserUpdate>,
    reset: String,
    reset_again: String,
    new_user: NewUserForm,
    pending: Option<(QueryId, bool)>,
    outcome: Option<Outcome>,
}

impl UserManager {
    /// Draws the window over `users`; false once it is closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        users: &[User],
        request: &mut impl FnMut() -> QueryId,
        commands: &mut Vec<Command>,
    ) -> bool {
        let id = egui::Id::unique("user_manager");
        let mut open = true;
        egui::Window::new(texts.get("account.users_title"))
            .id(id)
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                self.list_ui(ui, texts, users);
                ui.separator();
                if let Some(user) = self
                    .selected
                    .and_then(|id| users.iter().find(|user| user.id == id))
                {
                    self.selected_ui(ui, texts, user, request, commands);
                    ui.separator();
                }
                self.new_user_ui(ui, texts, request, commands);
                outcome_ui(ui, self.outcome.as_ref());
            });
        open && !escape_closes(ctx, id)
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, users: &[User]) {
        egui::ScrollArea::vertical()
            .max_height(220.0)
            .show(ui, |ui| {
                egui::Grid::new("users_grid")
                    .num_columns(5)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        for key in [
                            "account.login",
                            "account.display_name",
                            "account.role",
                            "account.extension",
                            "account.state",
                        ] {
                            ui.strong(texts.get(key));
                        }
                        ui.end_row();
                        for user in users {
                            if ui
                                .selectable_label(self.selected == Some(user.id), &user.login)
                                .clicked()
                            {
                                self.selected = Some(user.id);
                                self.details = Some(UserUpdate {
                                    display_name: user.display_name.clone(),
                                    role: user.role,
                                    extension: user.extension.clone(),
                                });
                                self.reset.clear();
                                self.reset_again.clear();
                            }
                            ui.label(&user.display_name);
                            ui.label(role_name(texts, user.role));
                            ui.label(user.extension.as_deref().unwrap_or("-"));
                            ui.label(texts.get(if user.enabled {
                                "account.enabled"
                            } else {
                                "account.disabled_state"
                            }));
                            ui.end_row();
                        }
                    });
            });
    }

    fn selected_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        user: &User,
        request: &mut impl FnMut() -> QueryId,
        commands: &mut Vec<Command>,
    ) {
        ui.strong(format!("{} ({})", user.display_name, user.login));
        let busy = self.pending.is_some();
        if let Some(details) = &mut self.details {
            egui::Grid::new("details_grid")
                .num_columns(2)
                .spacing([8.0, 6.0])
                .show(ui, |ui| {
                    field(
                        ui,
                        texts.get("account.display_name"),
                        &mut details.display_name,
                        false,
                    );
                    role_choice(ui, texts, "user_role", &mut details.role);
                    let mut extension = details.extension.clone().unwrap_or_default();
                    field(ui, texts.get("account.extension"), &mut extension, false);
                    details.extension = Some(extension).filter(|typed| !typed.trim().is_empty());
                });
            if ui
                .add_enabled(!busy, egui::Button::new(texts.get("account.save_details")))
                .clicked()
            {
                let id = request();
                self.pending = Some((id, false));
                self.outcome = None;
                commands.push(Command::UpdateUser {
                    request: id,
                    id: user.id,
                    update: details.clone(),
                });
            }
        }
        ui.separator();
        egui::Grid::new("reset_grid")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                field(ui, texts.get("account.new_password"), &mut self.reset, true);
                field(ui, texts.get("account.again"), &mut self.reset_again, true);
            });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new(texts.get("account.reset")))
                .clicked()
            {
                let id = request();
                self.pending = Some((id, false));
                self.outcome = None;
                commands.push(Command::ResetPassword {
                    request: id,
                    id: user.id,
                    password: Secret(std::mem::take(&mut self.reset)),
                    again: Secret(std::mem::take(&mut self.reset_again)),
                });
            }
            let switch = if user.enabled {
                "account.disable"
            } else {
                "account.enable"
            };
            if ui
                .add_enabled(!busy, egui::Button::new(texts.get(switch)))
                .clicked()
            {
                let id = request();
                self.pending = Some((id, false));
                self.outcome = None;
                commands.push(Command::SetUserEnabled {
                    request: id,
                    id: user.id,
                    enabled: !user.enabled,
                });
            }
        });
    }

    fn new_user_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        request: &mut impl FnMut() -> QueryId,
        commands: &mut Vec<Command>,
    ) {
        ui.strong(texts.get("account.new_user"));
        let form = &mut self.new_user;
        egui::Grid::new("new_user_grid")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                field(ui, texts.get("account.login"), &mut form.login, false);
                field(
                    ui,
                    texts.get("account.display_name"),
                    &mut form.display_name,
                    false,
                );
                role_choice(ui, texts, "new_user_role", &mut form.role);
                field(
                    ui,
                    texts.get("account.extension"),
                    &mut form.extension,
                    false,
                );
                field(ui, texts.get("account.password"), &mut form.password, true);
                field(ui, texts.get("account.again"), &mut form.again, true);
            });
        let busy = self.pending.is_some();
        if ui
            .add_enabled(!busy, egui::Button::new(texts.get("account.add")))
            .clicked()
        {
            let id = request();
            self.pending = Some((id, true));
            self.outcome = None;
            commands.push(Command::AddUser {
                request: id,
                user: NewUser {
                    login: form.login.clone(),
                    display_name: form.display_name.clone(),
                    role: form.role,
                    extension: Some(form.extension.clone()),
                },
                password: Secret(std::mem::take(&mut form.password)),
                again: Secret(std::mem::take(&mut form.again)),
            });
        }
    }

    /// The answer to `request`, if it is this window's.
    pub fn answered(&mut self, texts: &Texts, request: QueryId, problem: Option<&AccountProblem>) {
        let Some((pending, adding)) = self.pending else {
            return;
        };
        if pending != request {
            return;
        }
        self.pending = None;
        self.outcome = Some(match problem {
            None => {
                if adding {
                    self.new_user = NewUserForm::default();
                }
                Outcome::Done(texts.get("account.saved").to_owned())
            }
            Some(problem) => Outcome::Refused(describe(texts, problem)),
        });
    }
}

/// A role picked from the three, labelled 권한.
fn role_choice(ui: &mut egui::Ui, texts: &Texts, id: &str, role: &mut Role) {
    let label = ui.label(texts.get("account.role"));
    egui::ComboBox::from_id_salt(id)
        .selected_text(role_name(texts, *role))
        .show_ui(ui, |ui| {
            for choice in [Role::Agent, Role::Manager, Role::Admin] {
                ui.selectable_value(role, choice, role_name(texts, choice));
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}
