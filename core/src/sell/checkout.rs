//! Checkout: the cart, tenders, and completing a sale in one transaction.
//!
//! A [`Cart`] is plain data the cashier builds (scan, change quantity, remove, discounts,
//! customer, loyalty points); [`Till::price`] prices it; [`Till::complete_sale`] checks the
//! tenders and writes the sale, its items and payments, one `sale` stock movement per
//! line, the customer's loyalty change, any low-stock or oversold notifications and every
//! outbox row, all in one SQLite transaction. Selling more than the till thinks is in
//! stock is allowed (an offline till cannot know better) and raises a notification.

use chrono::{DateTime, Utc};
use tracing::info;

use crate::catalog::labels::{LabelValue, Scanned};
use crate::customers::{self};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::journal::{self, Event};
use crate::sell::cart::{Cart, CartCustomer, MAX_QUANTITY};
use crate::sell::parked;
use crate::sell::sale::{Sale, SaleItem};
use crate::sell::tender::{
    balance, paid_in, points_earned, settle, Balance, Payment, Settlement, Tender,
};
use crate::sell::transaction::{self, payment_method_name};
use crate::shift;
use crate::staff::{Actor, Permission, Role};
use crate::stock::{self, Movement};
use crate::till::{next_number, Ctx, Till, TillCounter};
use sellsync_contract::documents::{PaymentKind, PurchaseEntry, TransactionType};
use sellsync_contract::ids::{self, Id};
use sellsync_contract::money::Money;
use sellsync_contract::pricing::{exceeds_percent, price_cart, Discount, PricedCart};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::stock::MovementType;

/// The name under which loyalty points appear among a sale's payments.
pub const LOYALTY_TENDER: &str = "Loyalty points";
/// The name under which store credit appears among a sale's and a refund's payments.
pub const STORE_CREDIT_TENDER: &str = "Store credit";

/// Adds `scanned`, what `code` was read as ([`Till::read_code`]), to the cart as
/// [`Till::ring_up`] says: for a caller that read the code already.
pub fn add_scanned(
    cart: &mut Cart,
    code: &str,
    scanned: Scanned,
    quantity: Quantity,
) -> Result<usize> {
    match scanned {
        Scanned::Product(product) => cart.add(product, quantity),
        Scanned::Label { mut product, label } => match label.value {
            // The price of one pack: a product sold by measure is labelled by weight.
            LabelValue::Price(_) if product.unit.is_measured() => Err(Error::PriceLabel {
                code: code.trim().to_owned(),
                product: product.product_name,
                unit: product.unit.code(),
            }),
            LabelValue::Price(price) => {
                product.price = price;
                cart.add(product, quantity)
            }
            LabelValue::Count(count) => {
                let whole = quantity.whole().ok_or(Error::BadQuantity {
                    got: quantity.decimal(),
                    unit: Unit::Piece,
                    max: MAX_QUANTITY,
                })?;
                // Past the most a line holds, the cart refuses it in its own words.
                let total = count.saturating_mul(whole).min(MAX_QUANTITY + 1);
                cart.add(product, Quantity::units(total))
            }
            LabelValue::Weight { weight, .. } => {
                if !product.unit.is_measured() {
                    return Err(Error::WeightLabel {
                        code: code.trim().to_owned(),
                        product: product.product_name,
                    });
                }
                if quantity != Quantity::ONE {
                    return Err(Error::WeightLabelTimes(code.trim().to_owned()));
                }
                cart.add_weighed(product, weight)
            }
        },
    }
}

/// A weight or measure typed rather than weighed needs `key_weights`.
fn check_keyed_weights(actor: &Actor, cart: &Cart) -> Result<()> {
    if cart.has_keyed_weight() {
        actor.require(Permission::KeyWeights)?;
    }
    Ok(())
}

impl Till {
    /// Adds what `code` is to the cart ([`Till::read_code`]): `quantity` of a product
    /// found by its barcode or SKU; of a priced label, its product at the label's price (a
    /// line of its own beside the product at another price); of a counted label, that many
    /// of its product each; of a weight label, its weight of a product sold by measure (a
    /// line of its own, as every weighing is). A weight label of a piece product, or times
    /// more than one, is refused.
    pub fn ring_up(&self, cart: &mut Cart, code: &str, quantity: Quantity) -> Result<usize> {
        add_scanned(cart, code, self.read_code(code)?, quantity)
    }

    /// Prices the cart with the business's tax settings.
    pub fn price(&self, cart: &Cart) -> Result<PricedCart> {
        price_cart(
            &cart.pricing_lines(),
            cart.discount,
            self.business.tax_inclusive,
        )
        .map_err(|e| Error::pricing(e, &self.business.currency))
    }

    /// What the cart's loyalty points are worth.
    fn points_value(&self, points: i64) -> Result<Money> {
        Ok(self.business.loyalty_point_value.checked_mul(points)?)
    }

    /// What is left to pay for the cart once the customer's loyalty points and store
    /// credit are off, as a screen shows it while the cart changes: points or credit that
    /// no longer fit (the cart changed under them) count as none here, and paying refuses
    /// them in words.
    pub fn due(&self, cart: &Cart, priced: &PricedCart) -> Result<Due> {
        let points_value = self
            .check_priced_points(cart, priced)
            .unwrap_or(Money::ZERO);
        let after_points = priced.total.checked_sub(points_value)?;
        let store_credit = self
            .check_priced_credit(cart, after_points)
            .unwrap_or(Money::ZERO);
        Ok(Due {
            points_value,
            store_credit,
            due: after_points.checked_sub(store_credit)?,
        })
    }

    /// Where paying for the cart stands after `tenders` (loyalty points and store credit
    /// already off).
    pub fn balance(&self, cart: &Cart, tenders: &[Tender]) -> Result<Balance> {
        let due = self
            .price(cart)?
            .total
            .checked_sub(self.points_value(cart.redeem_points)?)?
            .checked_sub(cart.store_credit)?;
        balance(due, tenders)
    }

    /// Completes the sale: checks permissions, discounts, loyalty points and tenders, then
    /// writes everything in one transaction. Needs `process_sales`, what
    /// [`Till::check_cart`] says for its discounts and keyed weights, and
    /// `manage_customers` to create a customer with the sale.
    pub fn complete_sale(
        &mut self,
        actor: &Actor,
        cart: &Cart,
        tenders: &[Tender],
    ) -> Result<Sale> {
        actor.require(Permission::ProcessSales)?;
        if cart.is_empty() {
            return Err(Error::EmptyCart);
        }
        if let Some(CartCustomer::New(_)) = cart.customer {
            actor.require(Permission::ManageCustomers)?;
        }
        let priced = self.price(cart)?;
        self.check_priced_discounts(actor, cart, &priced)?;
        check_keyed_weights(actor, cart)?;

        let redeemed = cart.redeem_points;
        let redeem_value = self.check_priced_points(cart, &priced)?;
        let due = priced.total.checked_sub(redeem_value)?;
        let credit = self.check_priced_credit(cart, due)?;
        let currency = self.business.currency.clone();
        let mut settlement = settle(due.checked_sub(credit)?, tenders, &currency)?;
        // The customer's own account first: points, then credit.
        let from_account = |method: &str, kind, amount| Payment {
            payment_method_id: None,
            method_name: method.into(),
            kind,
            tendered: amount,
            amount,
        };
        if credit.minor() > 0 {
            let paid = from_account(STORE_CREDIT_TENDER, PaymentKind::StoreCredit, credit);
            settlement.payments.insert(0, paid);
        }
        if redeemed > 0 {
            let paid = from_account(LOYALTY_TENDER, PaymentKind::Loyalty, redeem_value);
            settlement.payments.insert(0, paid);
        }
        // Credit is money the customer had back: what it pays earns points as money does.
        let earned = match cart.customer {
            Some(_) => points_earned(due, &currency, self.business.loyalty_points_per_unit),
            None => 0,
        };

        let record = SaleRecord {
            actor,
            cart,
            priced: &priced,
            settlement: &settlement,
            earned,
            redeemed,
        };
        let sale = self.write_as(actor, |tx, ctx| record.write(tx, ctx))?;
        info!(sale_number = %sale.sale_number, total = %currency.format(sale.total_amount), "sale completed");
        Ok(sale)
    }

    /// Whether the cart's customer may spend the points it says, on its total: answers
    /// what they are worth. A screen calls this as the points are keyed;
    /// [`Till::complete_sale`] checks the same (and the balance again, inside its
    /// transaction).
    pub fn check_points(&self, cart: &Cart) -> Result<Money> {
        self.check_priced_points(cart, &self.price(cart)?)
    }

    /// Whether the cart's customer may spend the store credit it says on what is left to
    /// pay after the points: answers the credit. [`Till::complete_sale`] checks the same
    /// (and the balance again, inside its transaction).
    pub fn check_store_credit(&self, cart: &Cart) -> Result<Money> {
        let priced = self.price(cart)?;
        let points = self.check_priced_points(cart, &priced)?;
        self.check_priced_credit(cart, priced.total.checked_sub(points)?)
    }

    fn check_priced_credit(&self, cart: &Cart, due: Money) -> Result<Money> {
        let requested = cart.store_credit;
        if requested.minor() == 0 {
            return Ok(requested);
        }
        let currency = &self.business.currency;
        // The balance as stored now: the customer in the cart may be an older copy.
        let available = match &cart.customer {
            None => return Err(Error::CreditWithoutCustomer),
            Some(CartCustomer::Existing(c)) => self
                .customer_by_id(c.id)?
                .map_or(Money::ZERO, |now| now.store_credit),
            Some(CartCustomer::New(_)) => Money::ZERO,
        };
        if available < requested {
            return Err(Error::NotEnoughCredit {
                available: currency.format(available),
                requested: currency.format(requested),
            });
        }
        if requested > due {
            return Err(Error::CreditOverDue {
                requested: currency.format(requested),
                due: currency.format(due),
            });
        }
        Ok(requested)
    }

    fn check_priced_points(&self, cart: &Cart, priced: &PricedCart) -> Result<Money> {
        let requested = cart.redeem_points;
        let value = self.points_value(requested)?;
        if requested == 0 {
            return Ok(value);
        }
        // The balance as stored now: the customer in the cart may be an older copy.
        let available = match &cart.customer {
            None => return Err(Error::PointsWithoutCustomer),
            Some(CartCustomer::Existing(c)) => self
                .customer_by_id(c.id)?
                .map_or(0, |now| now.loyalty_points),
            Some(CartCustomer::New(_)) => 0,
        };
        if available < requested {
            return Err(Error::NotEnoughPoints {
                available,
                requested,
            });
        }
        if value > priced.total {
            return Err(Error::PointsOverTotal { requested });
        }
        Ok(value)
    }

    /// Whether `actor` may sell the cart as it is. Any discount needs `apply_discounts`;
    /// a cashier's are capped by the business setting. A percentage is judged as keyed
    /// (10% stays 10% after rounding to the cent), an amount as a share of what it comes
    /// off. A weight typed instead of weighed needs `key_weights`. [`Till::complete_sale`]
    /// and [`Till::park`] check the same; a screen calls this to refuse a change when it
    /// is keyed.
    pub fn check_cart(&self, actor: &Actor, cart: &Cart) -> Result<()> {
        self.check_priced_discounts(actor, cart, &self.price(cart)?)?;
        check_keyed_weights(actor, cart)
    }

    fn check_priced_discounts(
        &self,
        actor: &Actor,
        cart: &Cart,
        priced: &PricedCart,
    ) -> Result<()> {
        if priced.discount_total.minor() == 0 {
            return Ok(());
        }
        actor.require(Permission::ApplyDiscounts)?;
        if actor.role() != Role::Cashier {
            return Ok(());
        }
        let limit = self.business.max_cashier_discount;
        let over = |discount: Option<Discount>, base: Money| match discount {
            Some(Discount::Percent(p)) => p > limit,
            Some(Discount::Amount(amount)) => exceeds_percent(amount, base, limit),
            None => false,
        };
        let after_lines = priced
            .subtotal
            .checked_sub(priced.discount_total.checked_sub(priced.cart_discount)?)?;
        let over_line = cart
            .lines
            .iter()
            .zip(&priced.lines)
            .any(|(line, p)| over(line.discount, p.gross));
        if over_line || over(cart.discount, after_lines) {
            return Err(Error::DiscountOverLimit {
                limit: limit.to_string(),
            });
        }
        Ok(())
    }

    /// A completed sale or return by id.
    pub fn sale(&self, id: Id) -> Result<Option<Sale>> {
        transaction::load(&self.conn, self.business.id, id)
    }
}

/// What is left to pay for a cart after what the customer spends from their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    /// What the loyalty points spent are worth.
    pub points_value: Money,
    pub store_credit: Money,
    /// The total less both: what the tenders pay.
    pub due: Money,
}

/// Everything a sale writes, gathered so that the transaction body reads top to bottom.
struct SaleRecord<'a> {
    actor: &'a Actor,
    cart: &'a Cart,
    priced: &'a PricedCart,
    settlement: &'a Settlement,
    earned: i64,
    redeemed: i64,
}

impl SaleRecord<'_> {
    /// Writes the sale inside the caller's transaction and returns it as stored.
    fn write(&self, tx: &Tx<'_>, ctx: &Ctx<'_>) -> Result<Sale> {
        let now = ids::now();
        let customer = match &self.cart.customer {
            Some(CartCustomer::Existing(c)) => Some(c.id),
            Some(CartCustomer::New(new)) => Some(customers::insert(tx, ctx, new, now)?.id),
            None => None,
        };
        let credit = paid_in(&self.settlement.payments, PaymentKind::StoreCredit)?;
        if let Some(customer) = customer {
            // Checked again on what the transaction sees: another sale may have spent them.
            let held = customers::balances(tx, ctx, customer)?;
            if held.points < self.redeemed {
                return Err(Error::NotEnoughPoints {
                    available: held.points,
                    requested: self.redeemed,
                });
            }
            if held.credit < credit {
                return Err(Error::NotEnoughCredit {
                    available: ctx.business.currency.format(held.credit),
                    requested: ctx.business.currency.format(credit),
                });
            }
        } else if self.redeemed > 0 {
            return Err(Error::PointsWithoutCustomer);
        } else if credit.minor() > 0 {
            return Err(Error::CreditWithoutCustomer);
        }
        let shift = shift::require_open_shift(tx)?;
        let sale_number = next_number(tx, ctx.till_code, TillCounter::Sale)?;
        let mut sale = self.sale(ctx, sale_number, customer, now);
        sale.shift_id = Some(shift);
        transaction::insert(tx, ctx.business.id, &ctx.business.currency, &sale, true)?;
        journal::append(tx, ctx, Event::Sale, &sale.id.to_string(), sale.created_at)?;
        if let Some(parked) = sale.parked_sale_id {
            parked::complete(tx, ctx, parked, sale.id, now)?;
        }

        for item in &sale.items {
            stock::record(
                tx,
                ctx,
                &Movement {
                    product_id: item.product_id,
                    movement_type: MovementType::Sale,
                    quantity: -item.quantity,
                    handled_by: sale.cashier_id,
                    reason: "",
                    transaction_id: Some(sale.id),
                },
                sale.created_at,
            )?;
        }

        if let Some(customer) = customer {
            let delta = sale.loyalty_points_earned - sale.loyalty_points_redeemed;
            customers::record_purchase(
                tx,
                ctx,
                customer,
                PurchaseEntry {
                    transaction_id: sale.id,
                    date: sale.created_at,
                    amount: sale.total_amount,
                },
                delta,
                Money::ZERO.checked_sub(credit)?,
                None,
            )?;
        }
        Ok(sale)
    }

    /// The sale as it will be stored.
    fn sale(
        &self,
        ctx: &Ctx<'_>,
        sale_number: String,
        customer: Option<Id>,
        now: DateTime<Utc>,
    ) -> Sale {
        let p = self.priced;
        let items = self
            .cart
            .lines
            .iter()
            .zip(&p.lines)
            .map(|(line, priced)| SaleItem {
                product_id: line.product.id,
                product_name: line.product.product_name.clone(),
                sku: line.product.sku.clone(),
                quantity: line.quantity,
                unit: line.product.unit,
                unit_price: line.product.price,
                line_discount: priced.line_discount,
                cart_discount: priced.cart_discount,
                tax_rate: line.product.tax_rate,
                tax_amount: priced.tax,
                total_price: priced.total,
                original_line_no: None,
                damaged: false,
            })
            .collect();
        let payments = self.settlement.payments.clone();
        Sale {
            id: Id::new(),
            transaction_type: TransactionType::Sale,
            sale_number,
            created_at: now,
            store_id: ctx.store.id,
            till_id: ctx.till_id,
            cashier_id: self.actor.user_id(),
            cashier_name: self.actor.name().to_owned(),
            customer_id: customer,
            currency: ctx.business.currency.code().to_owned(),
            items,
            payment_method: payment_method_name(&payments),
            payments,
            subtotal: p.subtotal,
            discount_total: p.discount_total,
            cart_discount: p.cart_discount,
            tax_total: p.tax_total,
            total_amount: p.total,
            amount_tendered: self.settlement.tendered,
            change_due: self.settlement.change,
            loyalty_points_earned: self.earned,
            loyalty_points_redeemed: self.redeemed,
            taxes: p.taxes.clone(),
            original_transaction_id: None,
            original_sale_number: None,
            reason: String::new(),
            approved_by: None,
            shift_id: None,
            voided: None,
            parked_sale_id: self.cart.parked_sale(),
        }
    }
}
