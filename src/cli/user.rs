//! `ringdesk user add | list | update | passwd | disable | enable`: the people who
//! sign in, headless.
//!
//! A password is never an argument (it would sit in the shell's history and
//! in `ps`): it is asked for twice on the terminal (`rpassword`, which does
//! not echo it) or read as the first line of standard input with
//! `--password-stdin`. Everything else is checked before the password is
//! asked for, so a refused user costs no typing, and nothing is written
//! until all of it is right.

use std::io::{BufRead as _, Write};

use super::{Context, Error, json_line};
use crate::domain::{Invalid, NewUser, Password, Problem, Role, User, UserUpdate};
use crate::store::{Page, Store};

/// Most users listed.
const LIST_LIMIT: u32 = 100_000;

/// The `user` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a user who signs in with a password.
    Add {
        /// What the user signs in with (no spaces; unique in any case).
        #[arg(long)]
        login: String,
        /// agent, manager or admin.
        #[arg(long)]
        role: String,
        /// Shown on notes and in logs (default: the login).
        #[arg(long)]
        display_name: Option<String>,
        /// The user's phone extension (2 to 10 digits).
        #[arg(long)]
        extension: Option<String>,
        /// Read the password from the first line of standard input instead
        /// of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users by login.
    List {
        /// One JSON object per user.
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password (an admin's reset; lifts a lock).
    Passwd {
        /// The user's login.
        login: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's name, role or extension (the last admin stays one).
    Update {
        /// The user's login.
        login: String,
        /// agent, manager or admin.
        #[arg(long)]
        role: Option<String>,
        /// Shown on notes and in logs.
        #[arg(long)]
        display_name: Option<String>,
        /// The user's phone extension (2 to 10 digits; empty for none).
        #[arg(long)]
        extension: Option<String>,
    },
    /// Switch a user off: they can no longer sign in; their history stays.
    Disable {
        /// The user's login.
        login: String,
    },
    /// Switch a disabled user on again.
    Enable {
        /// The user's login.
        login: String,
    },
}

/// Runs a `user` subcommand.
///
/// # Errors
/// A bad field or password, a taken login, an unknown login (exit 1), a
/// disabled user's password, or the last admin disabled.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    let min = context.settings.user.password_min();
    match command {
        Command::Add {
            login,
            role,
            display_name,
            extension,
            password_stdin,
        } => {
            let role: Role = role
                .parse()
                .map_err(|problem| Invalid::new("role", problem))?;
            let user = NewUser {
                display_name: display_name.unwrap_or_else(|| login.clone()),
                login,
                role,
                extension,
            }
            .check()?;
            if store.user_by_login(&user.login)?.is_some() {
                return Err(crate::store::Error::Taken {
                    what: "user",
                    name: user.login,
                }
                .into());
            }
            let password = read_password(password_stdin, min)?;
            let id = store.create_user_with_password(&user, &password)?;
            writeln!(out, "{id}")?;
        }
        Command::List { json } => {
            for user in store.users(Page::first(LIST_LIMIT))? {
                if json {
                    json_line(out, &user)?;
                } else {
                    writeln!(out, "{}", line(&user))?;
                }
            }
        }
        Command::Passwd {
            login,
            password_stdin,
        } => {
            let user = existing(&store, &login)?;
            if !user.enabled {
                return Err(Invalid::new(
                    "login",
                    Problem::Malformed {
                        value: user.login,
                        reason: "this user is disabled; enable them first".to_owned(),
                    },
                )
                .into());
            }
            let password = read_password(password_stdin, min)?;
            store.set_password(user.id, &password)?;
            writeln!(out, "password of {} set", user.login)?;
        }
        Command::Update {
            login,
            role,
            display_name,
            extension,
        } => {
            let user = existing(&store, &login)?;
            let role = match role {
                Some(role) => role
                    .parse()
                    .map_err(|problem| Invalid::new("role", problem))?,
                None => user.role,
            };
            store.update_user(
                user.id,
                &UserUpdate {
                    display_name: display_name.unwrap_or(user.display_name),
                    role,
                    extension: extension.or(user.extension),
                },
            )?;
            writeln!(out, "{}", line(&existing(&store, &login)?))?;
        }
        Command::Disable { login } => {
            let user = existing(&store, &login)?;
            store.set_user_enabled(user.id, false)?;
            writeln!(out, "{} disabled", user.login)?;
        }
        Command::Enable { login } => {
            let user = existing(&store, &login)?;
            store.set_user_enabled(user.id, true)?;
            writeln!(out, "{} enabled", user.login)?;
        }
    }
    Ok(())
}

/// One user as a line of `user list`.
fn line(user: &User) -> String {
    format!(
        "{}  {}  {}  {}  {}",
        user.login,
        user.display_name,
        user.role,
        user.extension.as_deref().unwrap_or("-"),
        if user.enabled { "enabled" } else { "disabled" },
    )
}

/// The live user with `login`.
fn existing(store: &Store, login: &str) -> Result<User, Error> {
    store
        .user_by_login(login)?
        .ok_or_else(|| Error::NotFound(format!("no user with the login '{}'", login.trim())))
}

/// The new password: the first line of standard input, or typed twice on
/// the terminal.
fn read_password(from_stdin: bool, min: usize) -> Result<Password, Error> {
    if from_stdin {
        let mut text = String::new();
        std::io::stdin().lock().read_line(&mut text)?;
        let text = text.trim_end_matches(['\r', '\n']);
        return Ok(Password::new(text, min)?);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|error| {
            Error::Input(format!(
                "cannot ask for the password ({error}); give it on standard input with --password-stdin"
            ))
        })
    };
    let first = ask("New password: ")?;
    let password = Password::new(&first, min)?;
    if ask("Again: ")? != first {
        return Err(Invalid::new("password", Problem::Mismatch).into());
    }
    Ok(password)
}
