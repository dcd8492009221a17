//! Selling at the counter: pricing a cart (pure), settling it with tenders (pure), the
//! business's payment methods, and completing a sale in one transaction. Returns come
//! here next.

pub mod checkout;
pub mod payments;
pub mod pricing;
pub mod tender;
