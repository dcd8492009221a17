//! Buying stock in: the business's suppliers, the stores' purchase orders made by hand
//! and received by scanning, and the automatic reorders that a product falling to its
//! threshold puts on its supplier's draft. Managed with `manage_inventory`: whoever may
//! correct stock and edit products orders them too; a business that wants buying kept
//! apart can have a permission of its own later.

pub mod export;
pub mod orders;
pub(crate) mod reorder;
pub mod suppliers;
