//! Selling at the counter: pricing a cart (pure), settling it with tenders (pure), the
//! business's payment methods, completing a sale in one transaction, and what a return
//! gives back (pure, `refund`; the return itself comes next).

pub mod checkout;
pub mod payments;
pub mod pricing;
pub mod refund;
pub mod tender;
