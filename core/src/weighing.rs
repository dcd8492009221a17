//! Selling by weight at the counter: the till's scale (where it is and how it speaks, the
//! till's own setting beside its printer's) and what a weighing puts in the cart. The
//! shell reads the scale (`sellsync_scale`); core decides what the weight sells.

use rusqlite::{params, OptionalExtension};
use sellsync_contract::ids::{self, timestamp};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_scale::{Protocol, Weight, WeightUnit};
use tracing::info;

use crate::catalog::labels::Scanned;
use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::sell::cart::Cart;
use crate::staff::{Actor, Permission};
use crate::till::Till;

/// The till's counter scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleSettings {
    /// The serial port it is on: `/dev/ttyUSB0`.
    pub port: String,
    pub protocol: Protocol,
    pub baud: u32,
    /// What it weighs in (a Toledo 8217 does not say in its replies).
    pub unit: WeightUnit,
}

/// The till's unit of a scale's.
fn unit_of(scale: WeightUnit) -> Unit {
    match scale {
        WeightUnit::Kg => Unit::Kg,
        WeightUnit::Lb => Unit::Lb,
    }
}

/// A scale's weight as a quantity of a product sold in `unit`: the same unit, or grams
/// from a kilogram scale; refused for another unit (a pound is no exact number of grams).
pub fn weight_in(weight: &Weight, product: &Product) -> Result<Quantity> {
    let weighed = Quantity::from_thousandths(weight.thousandths);
    match (unit_of(weight.unit), product.unit) {
        (scale, sold) if scale == sold => Ok(weighed),
        (Unit::Kg, Unit::G) => Ok(Quantity::units(weight.thousandths)),
        (scale, sold) => Err(Error::ScaleUnit {
            product: product.product_name.clone(),
            sold: sold.code(),
            scale: scale.code(),
        }),
    }
}

impl Till {
    /// The till's scale, if it has one.
    pub fn scale_settings(&self) -> Result<Option<ScaleSettings>> {
        let row = self
            .conn
            .query_row(
                "SELECT port, protocol, baud, unit FROM scale_settings WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u32>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((port, protocol, baud, unit)) = row else {
            return Ok(None);
        };
        let damaged = |e: String| Error::Corrupt(format!("the scale settings: {e}"));
        Ok(Some(ScaleSettings {
            port,
            protocol: protocol.parse().map_err(damaged)?,
            baud,
            unit: unit.parse().map_err(damaged)?,
        }))
    }

    /// Sets the till's scale, or takes it away (`None`). Needs `manage_settings`.
    pub fn set_scale_settings(
        &mut self,
        actor: &Actor,
        settings: Option<&ScaleSettings>,
    ) -> Result<()> {
        actor.require(Permission::ManageSettings)?;
        if let Some(s) = settings {
            if s.port.trim().is_empty() {
                return Err(Error::InvalidSetting(
                    "Name the serial port the scale is on, such as /dev/ttyUSB0.".into(),
                ));
            }
            if s.baud == 0 {
                return Err(Error::InvalidSetting(
                    "A scale's speed is more than 0 baud (most are 9600).".into(),
                ));
            }
        }
        let now = timestamp(ids::now());
        self.write_as(actor, |tx, _| {
            match settings {
                None => tx.execute("DELETE FROM scale_settings", [])?,
                Some(s) => tx.execute(
                    "INSERT OR REPLACE INTO scale_settings (id, port, protocol, baud, unit,
                        updated_at)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                    params![
                        s.port.trim(),
                        s.protocol.to_string(),
                        s.baud,
                        s.unit.to_string(),
                        now
                    ],
                )?,
            };
            Ok(())
        })?;
        info!(scale = ?settings.map(|s| (&s.port, s.protocol)), "scale settings saved");
        Ok(())
    }

    /// The product `code` is when it must be weighed before it sells: a product sold by
    /// measure, scanned by its own code (a weight label carries its weight already).
    pub fn to_weigh(&self, code: &str) -> Result<Option<Product>> {
        Ok(match self.read_code(code)? {
            Scanned::Product(product) if product.unit.is_measured() => Some(product),
            _ => None,
        })
    }

    /// Adds what the scale weighed of the product `code`, less its tare, to the cart, a
    /// line of its own.
    pub fn ring_up_weighed(&self, cart: &mut Cart, code: &str, weight: &Weight) -> Result<usize> {
        let product = self
            .to_weigh(code)?
            .ok_or_else(|| Error::NotWeighed(code.trim().to_owned()))?;
        let net = weight_in(weight, &product)?.checked_sub(product.tare)?;
        if !net.is_positive() {
            return Err(Error::NoNetWeight {
                product: product.product_name,
                tare: product.tare.with_unit(product.unit),
            });
        }
        cart.add_weighed(product, net)
    }
}
