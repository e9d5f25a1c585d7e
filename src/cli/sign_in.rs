//! Who runs a headless command, and whether their role may.
//!
//! Until anyone can sign in, commands run as the desk's `user.role` (the
//! first admin is made with `ringdesk user add`). From then on every
//! command runs as a user: `--user LOGIN` (or `RINGDESK_USER`) with the
//! password from `RINGDESK_PASSWORD` or a prompt. The sign-in is the
//! window's own: the same lock after wrong passwords, the same audit entry.
//! The role rules are [`crate::domain::permission`]'s, as in the window.

use super::{Command, Context, Error};
use crate::config;
use crate::domain::{Action, Timestamp};

/// The environment variable a script gives the password in.
pub const PASSWORD_VARIABLE: &str = "RINGDESK_PASSWORD";

/// Signs `login` in when anyone can sign in, then checks that the role the
/// command runs with may take its action.
///
/// # Errors
/// No login when one is needed, a login given before anyone can sign in, a
/// refused sign-in, or [`Error::NotAllowed`].
pub fn authorize(
    context: &mut Context,
    command: &Command,
    login: Option<&str>,
) -> Result<(), Error> {
    if matches!(command, Command::Listen(_)) {
        // Only hands numbers from later starts to this process's output.
        return Ok(());
    }
    // A data folder without a book has no users yet. Opening it here would
    // create the book, and `demo-data` would then fill it row by row
    // instead of loading a new one.
    let mut store = if context.dirs.database().exists() {
        Some(context.store()?)
    } else {
        None
    };
    match store.as_mut() {
        Some(store) if !store.needs_first_admin()? => {
            let Some(login) = login else {
                return Err(Error::SignIn(
                    "this ringdesk has users: say who runs the command with --user LOGIN \
                     (or RINGDESK_USER), the password in RINGDESK_PASSWORD or at the prompt"
                        .to_owned(),
                ));
            };
            let password = password(login)?;
            let user = store.sign_in(login, &password, Timestamp::now())?;
            tracing::info!(login = %user.login, role = %user.role, "signed in on the command line");
            // The user's own settings (extension, language…) over the desk's,
            // as in the window.
            context.settings = store
                .personal_settings(user.id)?
                .over(&context.settings, user.extension.as_deref());
            context.user = Some(user);
        }
        _ => {
            if matches!(command, Command::User(super::user::Command::Add { .. })) {
                // The first admin, made before anyone can sign in.
                return Ok(());
            }
            if let Some(login) = login {
                return Err(Error::SignIn(format!(
                    "nobody can sign in as {login} yet: make the first admin with \
                     `ringdesk user add --role admin --login LOGIN`"
                )));
            }
        }
    }
    match action(command) {
        // Before anyone can sign in the settings file is the desk's own,
        // `user.role` included: refusing it would lock the desk out.
        Some(Action::ChangeDeskSettings) if context.user.is_none() => Ok(()),
        Some(action) => Ok(context.role().may(action)?),
        None => Ok(()),
    }
}

/// The password of `login`: from the environment, else asked for.
fn password(login: &str) -> Result<String, Error> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    rpassword::prompt_password(format!("Password for {login}: ")).map_err(|error| {
        Error::Input(format!(
            "cannot ask for the password ({error}); give it in {PASSWORD_VARIABLE}"
        ))
    })
}

/// The action `command` takes that not every role may, if any.
fn action(command: &Command) -> Option<Action> {
    use super::{field, sms};
    Some(match command {
        Command::Import(_) => Action::ImportCustomers,
        Command::Export(_) => Action::Export,
        Command::Backup(_) => Action::Backup,
        Command::Restore(_) => Action::RestoreBackup,
        Command::Audit(_) => Action::ReadAudit,
        Command::User(_) => Action::ManageUsers,
        Command::Field(field::Command::Add { .. }) => Action::EditFields,
        Command::Sms(sms::Command::Bulk(_) | sms::Command::Resume(_)) => Action::SendBulk,
        Command::Sms(sms::Command::Sender(sms::SenderCommand::Add { .. })) => Action::EditSenders,
        Command::Customer(super::customer::Command::EmptyBin) => Action::EmptyRecycleBin,
        Command::Config(super::settings::Command::Set { key, .. }) if config::is_desk_key(key) => {
            Action::ChangeDeskSettings
        }
        _ => return None,
    })
}
