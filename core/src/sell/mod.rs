//! Selling at the counter: pricing a cart (pure), settling it with tenders (pure), the
//! business's payment methods, completing a sale in one transaction, what a return gives
//! back (pure, `refund`) and taking it back (`returns`), voids of lines and sales
//! (`voids`), carts parked and taken up again at any till of the store (`parked`), and
//! how sales and returns are stored (`transaction`).

pub mod cart;
pub mod checkout;
pub mod parked;
pub mod payments;
pub mod refund;
pub mod returns;
pub mod sale;
pub mod tender;
pub mod transaction;
pub mod voids;
