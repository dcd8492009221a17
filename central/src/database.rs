//! The connection to the business's central MongoDB: where it is, whether it offers
//! transactions, and the indexes the collections need.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bson::{doc, Bson, Document};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::options::ClientOptions;
use mongodb::{Client, Database};
use sellsync_contract::documents::{field, Collection};
use tracing::{info, warn};

use crate::error::{CentralError, Result};

/// The database name used when none is given.
pub const DEFAULT_DATABASE: &str = "sellsync";

/// Where a till's central database is: a connection string and a database name.
/// Its `Debug` and `Display` show the hosts only, never the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct CentralConfig {
    pub uri: String,
    pub database: String,
}

impl CentralConfig {
    pub fn new(uri: impl Into<String>, database: Option<String>) -> Result<CentralConfig> {
        let database = database.unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
        let valid = !database.is_empty()
            && database.len() <= 63
            && database
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(CentralError::BadDatabaseName(database));
        }
        Ok(CentralConfig {
            uri: uri.into(),
            database,
        })
    }

    /// The connection string with any password replaced by `***`.
    pub fn redacted_uri(&self) -> String {
        redact(&self.uri)
    }
}

impl fmt::Debug for CentralConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CentralConfig")
            .field("uri", &self.redacted_uri())
            .field("database", &self.database)
            .finish()
    }
}

impl fmt::Display for CentralConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (database {})", self.redacted_uri(), self.database)
    }
}

/// `uri` with the password of its `user:password@` part replaced by `***`.
fn redact(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return uri.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{}", &rest[at + 1..])
        }
        None => uri.to_owned(),
    }
}

/// An open connection to the central database.
#[derive(Clone)]
pub struct Central {
    pub(crate) client: Client,
    pub(crate) db: Database,
    hosts: String,
    transactions: bool,
    change_streams: bool,
    /// Sessions whose transaction may still be open on the server (its connection was cut
    /// before it could be committed or aborted). The server would hold their writes until
    /// the transaction times out (60 s on MongoDB), so they are killed before the next
    /// batch. Shared by every clone, so that on the gateway one request's abandoned
    /// transaction is ended by the next, whichever business it serves.
    pub(crate) abandoned: Arc<Mutex<Vec<Document>>>,
}

impl Central {
    /// Connects and asks the server what it is. Fails with a clear error for a malformed
    /// connection string, an unreachable server or refused credentials.
    pub async fn connect(config: &CentralConfig) -> Result<Central> {
        let scrub = |message: String| {
            let redacted = config.redacted_uri();
            if message.contains(&config.uri) {
                message.replace(&config.uri, &redacted)
            } else {
                message
            }
        };
        let mut options = ClientOptions::parse(&config.uri).await.map_err(|e| {
            CentralError::BadUri(scrub(match *e.kind {
                ErrorKind::InvalidArgument { message, .. } => message,
                other => other.to_string(),
            }))
        })?;
        let hosts = options
            .hosts
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        options
            .app_name
            .get_or_insert_with(|| "sellsync".to_owned());
        options
            .server_selection_timeout
            .get_or_insert(Duration::from_secs(10));
        let client =
            Client::with_options(options).map_err(|e| CentralError::BadUri(e.to_string()))?;
        let db = client.database(&config.database);
        let hello = db
            .run_command(doc! { "hello": 1 })
            .await
            .map_err(|e| classify(e, &hosts))?;
        // Replica sets and sharded clusters (Atlas is always one) offer transactions; a
        // standalone server does not, and the reconciler stays correct without them.
        // Change streams need the same (they read the oplog).
        let replicated = hello.contains_key("setName") || hello.get_str("msg") == Ok("isdbgrid");
        info!(%hosts, database = %config.database, replicated, "connected to the central database");
        Ok(Central {
            client,
            db,
            hosts,
            transactions: replicated,
            change_streams: replicated,
            abandoned: Arc::default(),
        })
    }

    /// Asks the server whether it is there.
    pub async fn ping(&self) -> Result<()> {
        self.db
            .run_command(doc! { "ping": 1 })
            .await
            .map_err(|e| self.classify(e))?;
        Ok(())
    }

    /// The hosts of the connection string, for messages.
    pub fn hosts(&self) -> &str {
        &self.hosts
    }

    /// Whether batches are applied in transactions.
    pub fn transactions(&self) -> bool {
        self.transactions
    }

    /// Whether central changes can be followed with a change stream.
    pub fn change_streams(&self) -> bool {
        self.change_streams
    }

    /// Applies batches without transactions even where the server offers them, as on a
    /// standalone server (for MongoDB-compatible services whose transactions are limited).
    pub fn without_transactions(mut self) -> Central {
        self.transactions = false;
        self
    }

    /// The central database.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Turns a driver error into a sync error that says what happened.
    pub fn classify(&self, error: mongodb::error::Error) -> CentralError {
        classify(error, &self.hosts)
    }

    /// Creates the indexes the collections need (idempotent). Every compound index starts
    /// with `business_id`, so each business's queries stay within its own documents.
    ///
    /// And asks the server to keep the documents of `users` as they were before a change
    /// (MongoDB 6+), so that the pull's change stream can tell whose a deleted user was
    /// and send the deletion to that store's tills only. A server that cannot is logged:
    /// a deletion then reaches a till at its next full read.
    ///
    /// A unique index the documents already break (two suppliers of one name, made before
    /// names were unique) is not made, and the operator is told which: the rest of the
    /// service works, and the index is made at the first start after they are merged.
    pub async fn ensure_indexes(&self) -> Result<()> {
        for (collection, indexes) in indexes() {
            for index in indexes {
                let name = index.get_str("name").unwrap_or_default().to_owned();
                let made = self
                    .db
                    .run_command(doc! { "createIndexes": collection.name(), "indexes": [index] })
                    .await;
                match made {
                    Ok(_) => {}
                    Err(e) if is_duplicate_key(&e) => warn!(
                        collection = collection.name(),
                        index = %name,
                        "documents of a business already share what this unique index keeps apart; it is made once they are merged"
                    ),
                    Err(e) => return Err(self.classify(e)),
                }
            }
        }
        let images = self
            .db
            .run_command(doc! {
                "collMod": Collection::Users.name(),
                "changeStreamPreAndPostImages": { "enabled": true },
            })
            .await;
        if let Err(error) = images {
            warn!(%error, "the central database keeps no image of deleted users: tills learn of a deletion at their next full read");
        }
        Ok(())
    }
}

fn classify(error: mongodb::error::Error, hosts: &str) -> CentralError {
    let hosts = hosts.to_owned();
    match *error.kind {
        ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::DnsResolve { .. } => {
            CentralError::Unreachable { hosts }
        }
        ErrorKind::Authentication { .. } => CentralError::Unauthorized { hosts },
        ErrorKind::Command(ref command) if command.code == 13 || command.code == 18 => {
            CentralError::Unauthorized { hosts }
        }
        _ => CentralError::Database(error),
    }
}

/// An index named `name` on `fields`, ascending, in that order.
fn index(name: &str, fields: &[&str], unique: bool) -> Document {
    let keys: Document = fields
        .iter()
        .map(|f| (f.to_string(), Bson::Int32(1)))
        .collect();
    doc! { "name": name, "key": keys, "unique": unique }
}

/// A unique index named `name` on `fields` that compares text ignoring case (`Valley
/// Dairy` and `valley dairy` are one name; `Café` and `Cafe` are two).
fn unique_ignoring_case(name: &str, fields: &[&str]) -> Document {
    let mut index = index(name, fields, true);
    index.insert("collation", doc! { "locale": "en", "strength": 2 });
    index
}

/// The server's code for a unique index refusing a second document with the same key.
pub const DUPLICATE_KEY: i32 = 11000;

/// Whether the server refused `error` for a unique key (E11000): a write (an insert whose
/// key is taken) or a command (an index that documents already break).
pub fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    match &*error.kind {
        ErrorKind::Write(WriteFailure::WriteError(e)) => e.code == DUPLICATE_KEY,
        ErrorKind::Command(command) => command.code == DUPLICATE_KEY,
        _ => error.to_string().contains("E11000"),
    }
}

/// The indexes of each central collection the till writes.
fn indexes() -> Vec<(Collection, Vec<Document>)> {
    use field::Z_NUMBER;
    use field::{
        BARCODE, BUSINESS_ID, CREATED_AT, CUSTOMER_ID, EMAIL, ORIGINAL_TRANSACTION_ID, PHONE,
        PRODUCT_ID, SKU,
    };
    use field::{FROM_STORE_ID, KEY_HASH, STATUS, TO_STORE_ID};
    use field::{ORDER_STATUS, SEQ, STORE_ID, SUPPLIER_NAME, SYNCED_AT, TILL_ID, TRANSACTION_ID};
    use field::{REORDER_GENERATION, REORDER_IDS, SUPPLIER_ID};
    // What central took since a time (the REST API's synced_since).
    let synced = || index("business_synced", &[BUSINESS_ID, SYNCED_AT], false);
    vec![
        (
            Collection::Stores,
            vec![index("business", &[BUSINESS_ID], false)],
        ),
        (
            Collection::Users,
            vec![index("business_email", &[BUSINESS_ID, EMAIL], true)],
        ),
        (
            Collection::Products,
            vec![
                index("business_store_sku", &[BUSINESS_ID, STORE_ID, SKU], true),
                index(
                    "business_store_barcode",
                    &[BUSINESS_ID, STORE_ID, BARCODE],
                    false,
                ),
                synced(),
            ],
        ),
        (
            Collection::StockMovements,
            vec![
                index(
                    "business_product_time",
                    &[BUSINESS_ID, PRODUCT_ID, CREATED_AT],
                    false,
                ),
                index(
                    "business_transaction",
                    &[BUSINESS_ID, TRANSACTION_ID],
                    false,
                ),
                synced(),
            ],
        ),
        (
            Collection::SalesTransactions,
            vec![
                index(
                    "business_store_time",
                    &[BUSINESS_ID, STORE_ID, CREATED_AT],
                    false,
                ),
                // The back office's dashboard of every store over a range of days.
                index("business_time", &[BUSINESS_ID, CREATED_AT], false),
                index("business_customer", &[BUSINESS_ID, CUSTOMER_ID], false),
                // The returns of a sale.
                index(
                    "business_original",
                    &[BUSINESS_ID, ORIGINAL_TRANSACTION_ID],
                    false,
                ),
                synced(),
            ],
        ),
        (
            Collection::Customers,
            vec![
                index("business_phone", &[BUSINESS_ID, PHONE], false),
                index("business_email", &[BUSINESS_ID, EMAIL], false),
                synced(),
            ],
        ),
        (
            Collection::PaymentMethods,
            vec![index("business", &[BUSINESS_ID], false)],
        ),
        (
            Collection::ApiKeys,
            vec![
                index("key_hash", &[KEY_HASH], true),
                index("business", &[BUSINESS_ID], false),
            ],
        ),
        (
            Collection::StockTransfers,
            vec![
                index(
                    "business_from_status",
                    &[BUSINESS_ID, FROM_STORE_ID, STATUS],
                    false,
                ),
                index(
                    "business_to_status",
                    &[BUSINESS_ID, TO_STORE_ID, STATUS],
                    false,
                ),
                synced(),
            ],
        ),
        (
            Collection::PurchaseOrders,
            vec![
                index(
                    "business_store_status",
                    &[BUSINESS_ID, STORE_ID, ORDER_STATUS],
                    false,
                ),
                // The reconciler's: a store's automatic drafts to a supplier, and
                // whether a reorder is on one.
                index(
                    "business_store_supplier_generation",
                    &[BUSINESS_ID, STORE_ID, SUPPLIER_ID, REORDER_GENERATION],
                    false,
                ),
                index("business_reorders", &[BUSINESS_ID, REORDER_IDS], false),
                synced(),
            ],
        ),
        (
            Collection::Suppliers,
            vec![
                index("business_name", &[BUSINESS_ID, SUPPLIER_NAME], false),
                // A supplier's name is unique in its business, ignoring case.
                unique_ignoring_case("business_name_unique", &[BUSINESS_ID, SUPPLIER_NAME]),
                synced(),
            ],
        ),
        (
            Collection::Notifications,
            vec![index(
                "business_store_time",
                &[BUSINESS_ID, STORE_ID, CREATED_AT],
                false,
            )],
        ),
        (
            Collection::ParkedSales,
            vec![index(
                "business_store_time",
                &[BUSINESS_ID, STORE_ID, CREATED_AT],
                false,
            )],
        ),
        (
            Collection::ZReports,
            vec![index(
                "business_till_z",
                &[BUSINESS_ID, TILL_ID, Z_NUMBER],
                false,
            )],
        ),
        (
            Collection::JournalEntries,
            vec![index(
                "business_till_seq",
                &[BUSINESS_ID, TILL_ID, SEQ],
                false,
            )],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let config = CentralConfig::new(
            "mongodb://till:s3cr%40t@db1.example.com:27017,db2.example.com/?replicaSet=rs0",
            None,
        )
        .unwrap();
        let shown = format!("{config} {config:?}");
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(shown
            .contains("mongodb://till:***@db1.example.com:27017,db2.example.com/?replicaSet=rs0"));
        assert_eq!(
            redact("mongodb://127.0.0.1:27017/?directConnection=true"),
            "mongodb://127.0.0.1:27017/?directConnection=true"
        );
        assert_eq!(
            redact("mongodb+srv://a:b@cluster0.example.net"),
            "mongodb+srv://a:***@cluster0.example.net"
        );
    }

    #[test]
    fn database_names_are_checked() {
        assert_eq!(
            CentralConfig::new("mongodb://h", None).unwrap().database,
            "sellsync"
        );
        assert!(matches!(
            CentralConfig::new("mongodb://h", Some("shop/../x".into())),
            Err(CentralError::BadDatabaseName(_))
        ));
    }
}
