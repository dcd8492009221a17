//! Suppliers: who the business buys from (the seed's `suppliers`). Added at a till
//! (offline too: they reach central through the outbox) or centrally (they arrive by the
//! pull); products name theirs by `supplier_id`.

use rusqlite::{params, Connection, OptionalExtension, Row};
use tracing::info;

use crate::customers::customer::{clean, is_email};
use crate::db::outbox;
use crate::error::{Error, Result};
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use sellsync_contract::documents::{Collection, Op, SupplierDoc};
use sellsync_contract::ids::{self, timestamp, Id};

/// A supplier of the business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplier {
    pub id: Id,
    pub supplier_name: String,
    pub contact_person: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: String,
}

/// A supplier to add: a name, and whatever else is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSupplier {
    pub supplier_name: String,
    pub contact_person: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: String,
}

const COLUMNS: &str = "_id, supplier_name, contact_person, email, phone, address";

fn supplier_of(r: &Row<'_>) -> rusqlite::Result<Supplier> {
    Ok(Supplier {
        id: r.get(0)?,
        supplier_name: r.get(1)?,
        contact_person: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        address: r.get(5)?,
    })
}

/// Refuses a supplier that is not one of the business's, as `conn` sees it (another
/// business's answers as one that does not exist).
pub(crate) fn require_supplier(conn: &Connection, ctx: &Ctx<'_>, supplier: Id) -> Result<()> {
    let known = conn
        .prepare_cached("SELECT 1 FROM suppliers WHERE business_id = ?1 AND _id = ?2")?
        .exists(params![ctx.business.id, supplier])?;
    if known {
        Ok(())
    } else {
        Err(Error::UnknownSupplier(supplier.to_string()))
    }
}

impl Till {
    /// Adds a supplier. Needs `manage_inventory`; refused without a name, with an email
    /// that is not one, or with the name of a supplier the business has (in any case).
    pub fn add_supplier(&mut self, actor: &Actor, new: &NewSupplier) -> Result<Supplier> {
        actor.require(Permission::ManageInventory)?;
        let name = new.supplier_name.trim();
        if name.is_empty() {
            return Err(Error::InvalidSupplier("A supplier needs a name.".into()));
        }
        let email = clean(&new.email).map(str::to_lowercase);
        if let Some(email) = email.as_deref().filter(|e| !is_email(e)) {
            return Err(Error::InvalidSupplier(format!(
                "{email:?} is not an email address."
            )));
        }
        let supplier = Supplier {
            id: Id::new(),
            supplier_name: name.to_owned(),
            contact_person: new.contact_person.trim().to_owned(),
            email,
            phone: clean(&new.phone).map(str::to_owned),
            address: new.address.trim().to_owned(),
        };
        let now = ids::now();
        self.write_as(actor, |tx, ctx| {
            let taken = tx
                .prepare_cached(
                    "SELECT 1 FROM suppliers
                     WHERE business_id = ?1 AND supplier_name = ?2 COLLATE NOCASE",
                )?
                .exists(params![ctx.business.id, supplier.supplier_name])?;
            if taken {
                return Err(Error::DuplicateSupplier(supplier.supplier_name.clone()));
            }
            tx.prepare_cached(
                "INSERT INTO suppliers (_id, business_id, supplier_name, contact_person, email,
                    phone, address, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                supplier.id,
                ctx.business.id,
                supplier.supplier_name,
                supplier.contact_person,
                supplier.email,
                supplier.phone,
                supplier.address,
                timestamp(now),
            ])?;
            outbox::append(
                tx,
                Collection::Suppliers,
                supplier.id,
                Op::Insert,
                SupplierDoc {
                    id: supplier.id,
                    business_id: ctx.business.id,
                    supplier_name: supplier.supplier_name.clone(),
                    contact_person: supplier.contact_person.clone(),
                    email: supplier.email.clone(),
                    phone: supplier.phone.clone(),
                    address: supplier.address.clone(),
                    created_at: Some(now),
                }
                .to_document(),
                now,
            )
        })?;
        info!(supplier = %supplier.id, "supplier added");
        Ok(supplier)
    }

    /// The business's suppliers, by name.
    pub fn suppliers(&self) -> Result<Vec<Supplier>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM suppliers WHERE business_id = ?1
             ORDER BY supplier_name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([self.business.id], supplier_of)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The supplier with this id, or this name (in any case). Another business's
    /// supplier answers as one that does not exist.
    pub fn find_supplier(&self, id_or_name: &str) -> Result<Supplier> {
        let text = id_or_name.trim();
        let by_id = text.parse::<Id>().ok();
        self.conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM suppliers WHERE business_id = ?1
                 AND (_id = ?2 OR supplier_name = ?3 COLLATE NOCASE)
                 ORDER BY _id = ?2 DESC LIMIT 1"
            ))?
            .query_row(params![self.business.id, by_id, text], supplier_of)
            .optional()?
            .ok_or_else(|| Error::UnknownSupplier(text.to_owned()))
    }
}
