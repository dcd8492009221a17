//! `sellsync-server`: the central gateway in front of the business's MongoDB.
//!
//! ```text
//! sellsync-server serve --mongodb URI --database NAME --listen 127.0.0.1:8080
//! sellsync-server admin create-business --name N --owner-email E --owner-pin P \
//!     --plan Free|Standard|Premium --store NAME
//! ```
//!
//! The connection string, database and address may come from the environment
//! (`SELLSYNC_MONGODB_URI`, `SELLSYNC_MONGODB_DATABASE`, `SELLSYNC_LISTEN`). Logs go to standard
//! error (`RUST_LOG`), never with a secret in them.

mod api;
mod auth;
mod backoffice;
mod devices;
mod error;
mod http;
mod people;
mod plans;
mod quota;
mod second_factor;
mod sessions;
mod sync;
mod tenants;

/// The secrets (keys, credentials, codes) are core's, so that a till can make a key too.
use sellsync_contract::documents::field;
use sellsync_contract::secrets as keys;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sellsync_central::{upgrade, Central, CentralConfig};

use crate::error::{Result, ServerError};
use crate::plans::Plan;

#[derive(Parser)]
#[command(
    name = "sellsync-server",
    version,
    about = "The Sell Sync central gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Database {
    /// The central MongoDB's connection string
    #[arg(long = "mongodb", env = "SELLSYNC_MONGODB_URI", hide_env_values = true)]
    uri: String,
    /// The database of the Sell Sync collections
    #[arg(long, env = "SELLSYNC_MONGODB_DATABASE", default_value = "sellsync")]
    database: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gateway over HTTP
    Serve {
        #[command(flatten)]
        database: Database,
        /// Where to listen
        #[arg(long, env = "SELLSYNC_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Requests an API key may make per second on this gateway (bursts of five
        /// seconds' worth)
        #[arg(long, env = "SELLSYNC_RATE_LIMIT", default_value_t = api::limit::DEFAULT_PER_SECOND)]
        rate_limit: u32,
        /// Terminate TLS here with this certificate chain (PEM), rather than at a load
        /// balancer in front
        #[arg(
            long,
            env = "SELLSYNC_TLS_CERT",
            requires = "tls_key",
            value_name = "PEM"
        )]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM)
        #[arg(
            long,
            env = "SELLSYNC_TLS_KEY",
            requires = "tls_cert",
            value_name = "PEM"
        )]
        tls_key: Option<std::path::PathBuf>,
    },
    /// The operator's commands
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a business with its plan, first store and owner; prints the owner's first
    /// API key, once
    CreateBusiness {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_email: String,
        /// The owner's PIN to sign in at the tills (4 to 8 digits)
        #[arg(long)]
        owner_pin: String,
        /// The owner's password for the back office (at least 8 characters); without it,
        /// `admin password-link` gives them a link to set one
        #[arg(long, env = "SELLSYNC_OWNER_PASSWORD", hide_env_values = true)]
        owner_password: Option<String>,
        #[arg(long, default_value = "")]
        owner_name: String,
        /// Free, Standard or Premium
        #[arg(long)]
        plan: String,
        /// The first store's name
        #[arg(long)]
        store: String,
        #[arg(long, default_value = "USD")]
        currency: String,
        #[arg(long, default_value = "America/New_York")]
        timezone: String,
    },
    /// Print a one-time link that lets a person of a business (its owner) set their
    /// back-office password, within a day
    PasswordLink {
        #[command(flatten)]
        database: Database,
        /// The business's id
        #[arg(long)]
        business: String,
        /// The person's email
        #[arg(long)]
        email: String,
        /// Where people reach the gateway
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// Turn a person's back-office second factor off (their phone is lost): they sign in
    /// with their password alone until they turn a new one on
    SecondFactorOff {
        #[command(flatten)]
        database: Database,
        /// The business's id
        #[arg(long)]
        business: String,
        /// The person's email
        #[arg(long)]
        email: String,
    },
    /// Make another API key of a business, shown once
    CreateKey {
        #[command(flatten)]
        database: Database,
        /// The business's id
        #[arg(long)]
        business: String,
        /// A key that reads only
        #[arg(long)]
        read_only: bool,
        /// The key may make and revoke the business's other keys too
        #[arg(long, conflicts_with = "read_only")]
        manage_keys: bool,
    },
    /// Open another store of a business (within its plan)
    CreateStore {
        #[command(flatten)]
        database: Database,
        /// The business's id
        #[arg(long)]
        business: String,
        /// The store's name
        #[arg(long)]
        name: String,
        #[arg(long)]
        location: Option<String>,
    },
    /// Make a one-time code that enrols a new till of a store (`sellsync init --server URL
    /// --enrol CODE`); it works once, within a day
    Enrol {
        #[command(flatten)]
        database: Database,
        /// The business's id
        #[arg(long)]
        business: String,
        /// The store's id
        #[arg(long)]
        store: String,
    },
    /// Revoke a till's credential: it is refused at once by every gateway (the till keeps
    /// selling and keeps its changes until it is enrolled again)
    RevokeTill {
        #[command(flatten)]
        database: Database,
        #[arg(long)]
        business: String,
        /// The till's device id (printed when it enrolled)
        #[arg(long)]
        device: String,
    },
}

/// The gateway's own collections' indexes (idempotent): secrets found by their hash,
/// which is unique; idempotency answers expire after a day, sessions when they end.
async fn ensure_indexes(central: &Central) -> Result<()> {
    let unique = |name: &str| {
        bson::doc! { "key": { name: 1 }, "name": format!("{name}_unique"), "unique": true }
    };
    for (collection, index) in [
        (devices::DEVICES, unique(field::TOKEN_HASH)),
        (devices::ENROLMENTS, unique(field::CODE_HASH)),
        (sessions::SESSIONS, unique(field::TOKEN_HASH)),
        (sessions::PASSWORD_LINKS, unique("code_hash")),
        (
            sessions::PASSWORD_LINKS,
            bson::doc! {
                "key": { field::EXPIRES_AT: 1 }, "name": "expires_at_ttl", "expireAfterSeconds": 0,
            },
        ),
        (
            sessions::SESSIONS,
            bson::doc! {
                "key": { field::EXPIRES_AT: 1 }, "name": "expires_at_ttl", "expireAfterSeconds": 0,
            },
        ),
        (
            sessions::SESSIONS,
            bson::doc! {
                "key": { field::BUSINESS_ID: 1, field::USER_ID: 1 }, "name": "business_user",
            },
        ),
        (
            api::idempotency::COLLECTION,
            bson::doc! {
                "key": { field::CREATED_AT: 1 },
                "name": "created_at_ttl",
                "expireAfterSeconds": api::idempotency::KEEP_SECONDS,
            },
        ),
    ] {
        central
            .database()
            .run_command(bson::doc! { "createIndexes": collection, "indexes": [index] })
            .await
            .map_err(|e| ServerError::Central(central.classify(e)))?;
    }
    Ok(())
}

/// An id given on the command line.
fn object_id(what: &str, text: &str) -> Result<bson::oid::ObjectId> {
    bson::oid::ObjectId::parse_str(text.trim()).map_err(|_| {
        ServerError::Invalid(format!(
            "{text:?} is not a {what} id: an id is 24 hexadecimal digits."
        ))
    })
}

async fn connect(database: &Database) -> Result<Central> {
    let config = CentralConfig::new(database.uri.clone(), Some(database.database.clone()))?;
    let central = Central::connect(&config).await?;
    central.ensure_indexes().await?;
    ensure_indexes(&central).await?;
    upgrade::grant_key_weights_everywhere(&central).await?;
    Ok(central)
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            database,
            listen,
            rate_limit,
            tls_cert,
            tls_key,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| http::Tls { cert, key });
            let central = connect(&database).await?;
            http::serve(central, &listen, rate_limit, tls).await
        }
        Command::Admin(AdminCommand::CreateBusiness {
            database,
            name,
            owner_email,
            owner_pin,
            owner_password,
            owner_name,
            plan,
            store,
            currency,
            timezone,
        }) => {
            let plan = Plan::parse(&plan).ok_or(ServerError::UnknownPlan(plan))?;
            let central = connect(&database).await?;
            let created = tenants::create_business(
                &central,
                &tenants::NewBusiness {
                    name,
                    owner_name,
                    owner_email,
                    owner_pin,
                    owner_password,
                    plan,
                    store_name: store,
                    currency,
                    timezone,
                },
            )
            .await?;
            println!("business {}", created.business_id);
            println!("store {}", created.store_id);
            println!("owner {}", created.owner_id);
            println!("api key {} ({})", created.key_id, created.key.label);
            println!();
            println!("The owner's API key, shown this once (it is stored only as a hash):");
            println!("{}", created.key.secret);
            Ok(())
        }
        Command::Admin(AdminCommand::PasswordLink {
            database,
            business,
            email,
            url,
        }) => {
            let business = object_id("business", &business)?;
            let central = connect(&database).await?;
            let code = sessions::password_link(&central, business, &email).await?;
            println!("Send this link to {email}; it sets their password once, within a day:");
            println!("{}/set-password#{code}", url.trim_end_matches('/'));
            Ok(())
        }
        Command::Admin(AdminCommand::SecondFactorOff {
            database,
            business,
            email,
        }) => {
            let business = object_id("business", &business)?;
            let central = connect(&database).await?;
            let user = sessions::user_by_email(&central, business, &email).await?;
            if second_factor::remove(&central, user).await? {
                tracing::info!(business = %business, user = %user, "an operator turned a person's second factor off");
                println!("{email} signs in with their password alone now.");
            } else {
                println!("{email} had no second factor.");
            }
            Ok(())
        }
        Command::Admin(AdminCommand::CreateKey {
            database,
            business,
            read_only,
            manage_keys,
        }) => {
            let business = object_id("business", &business)?;
            let scopes: &[&str] = match (read_only, manage_keys) {
                (true, _) => &["read"],
                (false, false) => &["read", "write"],
                (false, true) => &["read", "write", "keys"],
            };
            let central = connect(&database).await?;
            let (id, key) =
                tenants::create_key(&central, business, scopes, tenants::KeyMaker::Operator)
                    .await?;
            println!("api key {id} ({}), scopes {}", key.label, scopes.join(", "));
            println!();
            println!("The API key, shown this once (it is stored only as a hash):");
            println!("{}", key.secret);
            Ok(())
        }
        Command::Admin(AdminCommand::CreateStore {
            database,
            business,
            name,
            location,
        }) => {
            let business = object_id("business", &business)?;
            let central = connect(&database).await?;
            let store = tenants::create_store(&central, business, &name, location, None).await?;
            println!("store {store}");
            Ok(())
        }
        Command::Admin(AdminCommand::Enrol {
            database,
            business,
            store,
        }) => {
            let (business, store) = (
                object_id("business", &business)?,
                object_id("store", &store)?,
            );
            let central = connect(&database).await?;
            let made = devices::create_enrolment(&central, business, store, None).await?;
            println!(
                "enrolment {} ({}), until {}",
                made.id,
                made.code.label,
                made.expires_at.to_rfc3339()
            );
            println!();
            println!("The one-time code for a new till of this store, shown this once:");
            println!("{}", made.code.secret);
            Ok(())
        }
        Command::Admin(AdminCommand::RevokeTill {
            database,
            business,
            device,
        }) => {
            let (business, device) = (
                object_id("business", &business)?,
                object_id("till", &device)?,
            );
            let central = connect(&database).await?;
            devices::revoke(&central, business, device).await?;
            println!("till {device} revoked");
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sellsync_server=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            tracing::debug!(code = e.code(), "failed");
            ExitCode::FAILURE
        }
    }
}
