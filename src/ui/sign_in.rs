//! What the window shows before the main view: the first-run form that
//! makes the first admin when nobody can sign in yet, or the sign-in form
//! (the desk's last login filled in). Passwords go to the backend, which
//! checks them off this thread; the answer opens the main view or says why
//! not (a wrong password, the lock and until when, a disabled account).

use eframe::egui;

use super::format::local_time;
use super::i18n::Texts;
use super::problem_text;
use crate::backend::{AccountProblem, Command, QueryId};
use crate::domain::{NewUser, Role, Secret, SignInRefusal, User};

/// Width of the sign-in and first-run forms.
const FORM_WIDTH: f32 = 360.0;

/// Where the window stands with sign-in.
pub enum Gate {
    /// Asked the backend whether anybody can sign in yet.
    Waiting,
    /// Nobody can: the first admin is asked for.
    FirstRun(FirstRun),
    /// Somebody must sign in.
    SignIn(SignIn),
    /// Signed in as this user; the main view shows.
    Open(User),
}

/// The first-run form's fields.
#[derive(Default)]
pub struct FirstRun {
    login: String,
    display_name: String,
    password: String,
    again: String,
    extension: String,
    pending: Option<QueryId>,
    error: Option<String>,
}

/// The sign-in form's fields.
#[derive(Default)]
pub struct SignIn {
    login: String,
    password: String,
    pending: Option<QueryId>,
    error: Option<String>,
    focus: bool,
}

impl SignIn {
    /// A form with `last_login` filled in (the password field then has the focus).
    #[must_use]
    pub fn new(last_login: &str) -> Self {
        Self {
            login: last_login.to_owned(),
            focus: true,
            ..Self::default()
        }
    }
}

impl Gate {
    /// The signed-in user, once there is one.
    #[must_use]
    pub fn user(&self) -> Option<&User> {
        match self {
            Self::Open(user) => Some(user),
            _ => None,
        }
    }

    /// Draws the form in the middle of `ui`; returns what to send.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        request: &mut impl FnMut() -> QueryId,
    ) -> Option<Command> {
        let mut command = None;
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() / 6.0).max(16.0));
            egui::Frame::group(ui.style())
                .inner_margin(egui::Margin::same(20))
                .show(ui, |ui| {
                    ui.set_width(FORM_WIDTH);
                    command = match self {
                        Self::Waiting => {
                            ui.spinner();
                            None
                        }
                        Self::FirstRun(form) => form.show(ui, texts, request),
                        Self::SignIn(form) => form.show(ui, texts, request),
                        Self::Open(_) => None,
                    };
                });
        });
        command
    }

    /// A refusal of the form's `request`, said in the form.
    pub fn refused(&mut self, texts: &Texts, request: QueryId, problem: &AccountProblem) {
        match self {
            Self::FirstRun(form) if form.pending == Some(request) => {
                form.pending = None;
                form.error = Some(describe(texts, problem));
                // A form that says what to fix keeps what was typed, except
                // the passwords, which are typed again.
                form.password.clear();
                form.again.clear();
            }
            Self::SignIn(form) if form.pending == Some(request) => {
                form.pending = None;
                form.error = Some(describe(texts, problem));
                form.password.clear();
                form.focus = true;
            }
            _ => {}
        }
    }
}

impl FirstRun {
    fn show(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        request: &mut impl FnMut() -> QueryId,
    ) -> Option<Command> {
        ui.heading(texts.get("account.first_run_title"));
        ui.label(texts.get("account.first_run_intro"));
        ui.add_space(8.0);
        let mut enter = false;
        egui::Grid::new("first_run")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                field(ui, texts.get("account.login"), &mut self.login, false);
                field(
                    ui,
                    texts.get("account.display_name"),
                    &mut self.display_name,
                    false,
                );
                field(ui, texts.get("account.password"), &mut self.password, true);
                enter |= field(ui, texts.get("account.again"), &mut self.again, true);
                enter |= field(
                    ui,
                    texts.get("account.extension"),
                    &mut self.extension,
                    false,
                );
            });
        if !submitted(
            ui,
            texts,
            self.error.as_deref(),
            self.pending.is_some(),
            "account.create_admin",
            enter,
        ) {
            return None;
        }
        let id = request();
        self.pending = Some(id);
        self.error = None;
        Some(Command::CreateFirstAdmin {
            request: id,
            user: NewUser {
                login: self.login.clone(),
                display_name: self.display_name.clone(),
                role: Role::Admin,
                extension: Some(self.extension.clone()),
            },
            password: Secret(self.password.clone()),
            again: Secret(self.again.clone()),
        })
    }
}

impl SignIn {
    fn show(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        request: &mut impl FnMut() -> QueryId,
    ) -> Option<Command> {
        ui.heading(texts.get("account.sign_in_title"));
        ui.add_space(8.0);
        let mut enter = false;
        egui::Grid::new("sign_in")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                enter |= field(ui, texts.get("account.login"), &mut self.login, false);
                let label = ui.label(texts.get("account.password"));
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                if std::mem::take(&mut self.focus) {
                    response.request_focus();
                }
                enter |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.end_row();
            });
        if !submitted(
            ui,
            texts,
            self.error.as_deref(),
            self.pending.is_some(),
            "account.sign_in",
            enter,
        ) {
            return None;
        }
        let id = request();
        self.pending = Some(id);
        self.error = None;
        Some(Command::SignIn {
            request: id,
            login: self.login.trim().to_owned(),
            password: Secret(std::mem::take(&mut self.password)),
        })
    }
}

/// One labelled row of a form grid; true when Enter was pressed in it.
pub(super) fn field(ui: &mut egui::Ui, label: &str, value: &mut String, password: bool) -> bool {
    let label = ui.label(label);
    let response = ui
        .add(
            egui::TextEdit::singleline(value)
                .password(password)
                .desired_width(220.0),
        )
        .labelled_by(label.id);
    ui.end_row();
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A role in the window's language.
#[must_use]
pub fn role_name(texts: &Texts, role: Role) -> &str {
    match role {
        Role::Agent => texts.get("account.role_agent"),
        Role::Manager => texts.get("account.role_manager"),
        Role::Admin => texts.get("account.role_admin"),
    }
}

/// Why a sign-in or an account change was refused, for the person at the desk.
#[must_use]
pub fn describe(texts: &Texts, problem: &AccountProblem) -> String {
    match problem {
        AccountProblem::Invalid(invalid) => {
            let field = match invalid.field.as_str() {
                "login" => texts.get("account.login"),
                "display_name" => texts.get("account.display_name"),
                "extension" => texts.get("account.extension"),
                "again" => texts.get("account.again"),
                _ => texts.get("account.password"),
            };
            format!("{field}: {}", problem_text::describe(texts, invalid))
        }
        AccountProblem::Taken(login) => texts.fmt("account.taken", &[("login", login)]),
        AccountProblem::SignIn(SignInRefusal::WrongPassword { left }) => {
            let wrong = texts.get("account.wrong_password");
            if (1..=3).contains(left) {
                format!(
                    "{wrong} {}",
                    texts.fmt("account.attempts_left", &[("left", left)])
                )
            } else {
                wrong.to_owned()
            }
        }
        AccountProblem::SignIn(SignInRefusal::Locked { until }) => {
            texts.fmt("account.locked", &[("time", &local_time(*until))])
        }
        AccountProblem::SignIn(SignInRefusal::Disabled) => texts.get("account.disabled").to_owned(),
        AccountProblem::SignIn(SignInRefusal::NoPassword) => {
            texts.get("account.no_password").to_owned()
        }
        AccountProblem::NotAllowed { needs } => texts.fmt(
            "account.not_allowed",
            &[("role", &role_name(texts, *needs))],
        ),
        AccountProblem::NotYourself => texts.get("account.not_yourself").to_owned(),
        AccountProblem::AlreadySetUp => texts.get("account.already_set_up").to_owned(),
        AccountProblem::NotSignedIn => texts.get("account.not_signed_in").to_owned(),
        AccountProblem::Failed(reason) => texts.fmt("account.failed", &[("reason", reason)]),
    }
}

/// The foot of a form: its error, its button (`button` names it) and a
/// word while the backend works; true when the form is sent now (the
/// button clicked or Enter pressed in it, and nothing pending).
fn submitted(
    ui: &mut egui::Ui,
    texts: &Texts,
    error: Option<&str>,
    busy: bool,
    button: &str,
    enter: bool,
) -> bool {
    ui.add_space(8.0);
    if let Some(error) = error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    let clicked = ui
        .add_enabled(!busy, egui::Button::new(texts.get(button)))
        .clicked();
    if busy {
        ui.weak(texts.get("account.working"));
    }
    (clicked || enter) && !busy
}
