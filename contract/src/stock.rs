//! The pure rules of stock: why stock moves, and the notifications a change of stock
//! calls for (table-tested below).

use serde::Serialize;

use crate::documents::NotificationKind;
use crate::ids::Id;
use crate::quantity::{Quantity, Unit};

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementType {
    Sale,
    Restock,
    Adjustment,
    /// Sent to another store of the business (negative, at the source).
    TransferOut,
    /// Came from another store (positive, at the destination), or back to the source of
    /// a cancelled transfer.
    TransferIn,
}

impl MovementType {
    pub const ALL: [MovementType; 5] = [
        MovementType::Sale,
        MovementType::Restock,
        MovementType::Adjustment,
        MovementType::TransferOut,
        MovementType::TransferIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementType::Sale => "sale",
            MovementType::Restock => "restock",
            MovementType::Adjustment => "adjustment",
            MovementType::TransferOut => "transfer_out",
            MovementType::TransferIn => "transfer_in",
        }
    }

    pub fn parse(text: &str) -> Option<MovementType> {
        MovementType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// The stock of a product before and after a movement.
#[derive(Debug, Clone, Serialize)]
pub struct StockChange {
    pub product_id: Id,
    pub product_name: String,
    /// The product's unit: the quantities are in it.
    pub unit: Unit,
    pub before: Quantity,
    pub after: Quantity,
    pub stock_threshold: Quantity,
}

/// Whether the change takes the stock down to or below its threshold from above it: the
/// moment to warn and to reorder, once per dip.
pub fn falls_to_threshold(change: &StockChange) -> bool {
    change.before > change.stock_threshold && change.after <= change.stock_threshold
}

/// The notifications a stock change calls for: low stock when it crosses the threshold
/// downwards, oversold when a sale takes it below zero.
pub fn alerts(
    change: &StockChange,
    movement_type: MovementType,
) -> Vec<(NotificationKind, String)> {
    let mut alerts = Vec::new();
    let StockChange {
        product_name: name,
        unit,
        before,
        after,
        stock_threshold,
        ..
    } = change;
    let (level, threshold) = (after.with_unit(*unit), stock_threshold.with_unit(*unit));
    if after.is_negative() && after < before && movement_type == MovementType::Sale {
        alerts.push((
            NotificationKind::Oversold,
            format!("Sold more {name} than this till had in stock: stock is now {level}. Count the shelf and correct the stock."),
        ));
    }
    if falls_to_threshold(change) {
        alerts.push((
            NotificationKind::LowStock,
            format!("Low stock: {name} is down to {level} (threshold {threshold})."),
        ));
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: i64, after: i64, threshold: i64) -> StockChange {
        StockChange {
            product_id: Id::new(),
            product_name: "Milk".into(),
            unit: Unit::Piece,
            before: Quantity::units(before),
            after: Quantity::units(after),
            stock_threshold: Quantity::units(threshold),
        }
    }

    #[test]
    fn alert_table() {
        use MovementType::*;
        use NotificationKind::*;
        let kinds = |c: StockChange, t| -> Vec<NotificationKind> {
            alerts(&c, t).into_iter().map(|(k, _)| k).collect()
        };
        assert_eq!(kinds(change(10, 9, 5), Sale), vec![]);
        assert_eq!(
            kinds(change(6, 5, 5), Sale),
            vec![LowStock],
            "falls to the threshold"
        );
        assert_eq!(kinds(change(6, 2, 5), Sale), vec![LowStock]);
        assert_eq!(
            kinds(change(5, 4, 5), Sale),
            vec![],
            "already low: no repeat"
        );
        assert_eq!(kinds(change(1, -1, 5), Sale), vec![Oversold]);
        assert_eq!(kinds(change(10, -2, 5), Sale), vec![Oversold, LowStock]);
        assert_eq!(kinds(change(10, -2, 5), Adjustment), vec![LowStock]);
        assert_eq!(kinds(change(2, 12, 5), Restock), vec![]);
    }

    #[test]
    fn alerts_name_the_unit_of_measured_goods() {
        let change = StockChange {
            unit: Unit::Kg,
            before: Quantity::from_thousandths(5_200),
            after: Quantity::from_thousandths(4_458),
            stock_threshold: Quantity::units(5),
            ..change(0, 0, 0)
        };
        let (_, message) = &alerts(&change, MovementType::Sale)[0];
        assert_eq!(
            message,
            "Low stock: Milk is down to 4.458 kg (threshold 5.000 kg)."
        );
    }
}
