//! Buying stock in: the business's suppliers, and (next) purchase orders, automatic and
//! manual, and receiving them. Managed with `manage_inventory`: whoever may correct stock
//! and edit products orders them too; a business that wants buying kept apart can have a
//! permission of its own later.

pub mod suppliers;
