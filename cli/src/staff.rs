//! Staff and API keys: users listed and added (`sellsync user`), keys made at the till
//! (`sellsync api-key`).

use anyhow::{Context, Result};
use clap::Subcommand;
use sellsync_core::{NewUser, Role, Till};

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Add a staff member (needs an admin)
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// admin, manager or cashier
        #[arg(long, default_value = "cashier")]
        role: String,
        /// The new user's PIN (4 to 8 digits)
        #[arg(long, required_unless_present = "new_password")]
        new_pin: Option<String>,
        /// The new user's password (8 characters or more)
        #[arg(long)]
        new_password: Option<String>,
    },
    /// The staff who can sign in on this till
    List,
}

#[derive(Subcommand)]
pub(crate) enum ApiKeyCommand {
    /// Make a key (needs an admin); it is shown once and works once the till has synced
    Create {
        #[command(flatten)]
        sign_in: SignIn,
        /// A key that reads only
        #[arg(long)]
        read_only: bool,
    },
}

/// `sellsync user`: the staff listed, or one added by an admin.
pub(crate) fn user(till: &mut Till, command: UserCommand, out: &Printer) -> Result<()> {
    match command {
        UserCommand::List => out.staff(&till.staff()?),
        UserCommand::Add {
            sign_in: who,
            name,
            email,
            role,
            new_pin,
            new_password,
        } => {
            let actor = sign_in(till, &who)?;
            let role = Role::parse(&role).with_context(|| {
                format!("{role:?} is not a role: use admin, manager or cashier")
            })?;
            let user = NewUser {
                name,
                email,
                role: Some(role),
                pin: new_pin,
                password: new_password,
                permissions: None,
            };
            out.staff(&[till.add_user(&actor, &user)?])
        }
    }
}

/// `sellsync api-key create`: a key to the business API, made at the till, shown once.
pub(crate) fn api_key(till: &mut Till, command: ApiKeyCommand, out: &Printer) -> Result<()> {
    let ApiKeyCommand::Create {
        sign_in: who,
        read_only,
    } = command;
    let actor = sign_in(till, &who)?;
    out.api_key_made(&till.create_api_key(&actor, !read_only)?)
}
