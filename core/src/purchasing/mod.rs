//! Buying stock in: the business's suppliers and the stores' purchase orders (manual
//! now; automatic reorders and receiving come next). Managed with `manage_inventory`: whoever may correct stock
//! and edit products orders them too; a business that wants buying kept apart can have a
//! permission of its own later.

pub mod orders;
pub mod suppliers;
