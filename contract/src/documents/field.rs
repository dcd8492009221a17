//! The central field names, by collection. Nested fields are given as the dotted paths
//! MongoDB filters and updates use (`settings.currency`).

// Every collection.
pub const ID: &str = "_id";
pub const BUSINESS_ID: &str = "business_id";
pub const STORE_ID: &str = "store_id";
pub const CREATED_AT: &str = "created_at";
/// When a document was last changed; an update's payload carries it (newest wins).
pub const UPDATED_AT: &str = "updated_at";

// businesses
pub const BUSINESS_NAME: &str = "business_name";
pub const BUSINESS_OWNER: &str = "business_owner";
pub const PACKAGE_PLAN: &str = "package_plan";
pub const SUBSCRIPTION_STATUS: &str = "subscription_status";
pub const SETTINGS: &str = "settings";
/// The one-time upgrades of central's documents done for the business
/// (`sellsync_central::upgrade`), by name: `key_weights`.
pub const UPGRADES: &str = "upgrades";
/// Inside `settings`.
pub const CURRENCY: &str = "currency";
pub const TIMEZONE: &str = "timezone";
pub const TAX_INCLUSIVE: &str = "tax_inclusive";
pub const DEFAULT_TAX_RATE: &str = "default_tax_rate";
pub const MAX_CASHIER_DISCOUNT: &str = "max_cashier_discount";
pub const LOYALTY_POINTS_PER_UNIT: &str = "loyalty_points_per_unit";
pub const LOYALTY_POINT_VALUE: &str = "loyalty_point_value";
pub const RETURN_WINDOW_DAYS: &str = "return_window_days";
pub const CASHIER_REFUND_LIMIT: &str = "cashier_refund_limit";
pub const MAX_CASH_DIFFERENCE: &str = "max_cash_difference";
pub const SETTINGS_CURRENCY: &str = "settings.currency";
pub const SETTINGS_TIMEZONE: &str = "settings.timezone";
pub const SETTINGS_TAX_INCLUSIVE: &str = "settings.tax_inclusive";
pub const SETTINGS_DEFAULT_TAX_RATE: &str = "settings.default_tax_rate";
pub const SETTINGS_MAX_CASHIER_DISCOUNT: &str = "settings.max_cashier_discount";
pub const SETTINGS_LOYALTY_POINTS_PER_UNIT: &str = "settings.loyalty_points_per_unit";
pub const SETTINGS_LOYALTY_POINT_VALUE: &str = "settings.loyalty_point_value";
pub const SETTINGS_RETURN_WINDOW_DAYS: &str = "settings.return_window_days";
pub const SETTINGS_CASHIER_REFUND_LIMIT: &str = "settings.cashier_refund_limit";
pub const SETTINGS_MAX_CASH_DIFFERENCE: &str = "settings.max_cash_difference";
pub const BARCODE_RULES: &str = "barcode_rules";
pub const SETTINGS_BARCODE_RULES: &str = "settings.barcode_rules";
/// Inside a barcode rule (with `ITEM` and `VALUE`).
pub const RULE_NAME: &str = "name";
pub const SYMBOLOGY: &str = "symbology";
pub const PREFIX: &str = "prefix";
pub const MEANING: &str = "meaning";
pub const DECIMALS: &str = "decimals";
pub const VERIFIER: &str = "verifier";
/// Inside a rule's `item` and `value`: the first digit (counting from 1) and how many.
pub const FROM: &str = "from";
pub const DIGITS: &str = "digits";

// suppliers
pub const SUPPLIER_NAME: &str = "supplier_name";
pub const CONTACT_PERSON: &str = "contact_person";
pub const ADDRESS: &str = "address";

// purchase_orders
pub const ORDER_NUMBER: &str = "order_number";
pub const CREATED_BY: &str = "created_by";
pub const ORDER_STATUS: &str = "order_status";
pub const EXPECTED_DELIVERY: &str = "expected_delivery";
/// Inside `items`.
pub const QUANTITY_ORDERED: &str = "quantity_ordered";
pub const QUANTITY_RECEIVED: &str = "quantity_received";
pub const QUANTITY_DAMAGED: &str = "quantity_damaged";
pub const ITEMS_PRODUCT_ID: &str = "items.product_id";
/// An automatic draft's place among its store's drafts to its supplier (0, 1, …).
pub const REORDER_GENERATION: &str = "reorder_generation";
/// The automatic reorders whose lines an order took (central's record, for once-only).
pub const REORDER_IDS: &str = "reorder_ids";
/// The automatic reorders that came for an order after it was closed and went on to the
/// next draft.
pub const REORDERS_PASSED_ON: &str = "reorders_passed_on";
/// A `reorder` operation's payload: its id, the draft it makes if there is none, the line.
pub const REORDER_ID: &str = "reorder_id";
/// In a till's update of an automatic draft: the products it took off (not sent centrally).
pub const REMOVED_PRODUCTS: &str = "removed_products";
pub const ORDER: &str = "order";
pub const ITEM: &str = "item";

// api_keys (and businesses.api_key)
/// The key's public label (`ssk_3kR9wQ…`); the key itself is never stored.
pub const API_KEY: &str = "api_key";
/// SHA-256 of the key, in hex: what a key is looked up by.
pub const KEY_HASH: &str = "key_hash";
/// The API key that made this one through the API, if a key did.
pub const CREATED_BY_KEY: &str = "created_by_key";
/// `read`, `write`.
pub const SCOPES: &str = "scopes";
pub const LAST_USED: &str = "last_used";

// stock_transfers
pub const FROM_STORE_ID: &str = "from_store_id";
pub const TO_STORE_ID: &str = "to_store_id";
pub const TRANSFER_NUMBER: &str = "transfer_number";
pub const SENT_BY: &str = "sent_by";
pub const RECEIVED_BY: &str = "received_by";
pub const RECEIVED_AT: &str = "received_at";
/// Inside `items`.
pub const QUANTITY_SENT: &str = "quantity_sent";

// stores
pub const STORE_NAME: &str = "store_name";
pub const LOCATION: &str = "location";
pub const PHONE: &str = "phone";
pub const OPERATING_HOURS: &str = "operating_hours";
/// Inside `operating_hours`.
pub const OPEN: &str = "open";
pub const CLOSE: &str = "close";
pub const OPERATING_HOURS_OPEN: &str = "operating_hours.open";
pub const OPERATING_HOURS_CLOSE: &str = "operating_hours.close";

// users (and customers: name, email)
pub const NAME: &str = "name";
pub const EMAIL: &str = "email";
pub const PASSWORD_HASH: &str = "password_hash";
pub const PIN_HASH: &str = "pin_hash";
pub const ROLE: &str = "role";
pub const PERMISSIONS: &str = "permissions";

// products
pub const PRODUCT_NAME: &str = "product_name";
pub const SKU: &str = "sku";
pub const BARCODE: &str = "barcode";
pub const CATEGORY: &str = "category";
pub const PRICE: &str = "price";
pub const TAX_RATE: &str = "tax_rate";
/// The total over the stores' levels.
pub const STOCK: &str = "stock";
pub const OPENING_STOCK: &str = "opening_stock";
/// `[{store_id, opening_stock, stock}]`, one per store.
pub const STOCK_LEVELS: &str = "stock_levels";
pub const STOCK_LEVELS_STORE_ID: &str = "stock_levels.store_id";
pub const STOCK_THRESHOLD: &str = "stock_threshold";
pub const SUPPLIER_ID: &str = "supplier_id";
/// Sell Sync's own: how many to order when the product falls to its threshold.
pub const REORDER_QUANTITY: &str = "reorder_quantity";
/// Sell Sync's own: what the supplier charges for one.
pub const UNIT_COST: &str = "unit_cost";
pub const UNIT: &str = "unit";
pub const TARE: &str = "tare";
pub const FAMILY_ID: &str = "family_id";
pub const FAMILY_NAME: &str = "family_name";
pub const OPTIONS: &str = "options";
/// The reconciler's own: movements being counted into the product without a transaction.
pub const PENDING_MOVEMENTS: &str = "pending_movements";

// stock_movements
pub const PRODUCT_ID: &str = "product_id";
pub const MOVEMENT_TYPE: &str = "movement_type";
pub const QUANTITY: &str = "quantity";
pub const HANDLED_BY: &str = "handled_by";
pub const REASON: &str = "reason";
pub const TRANSACTION_ID: &str = "transaction_id";
/// The reconciler's own: the movement is counted into its product's stock.
pub const STOCK_APPLIED: &str = "stock_applied";

// sales_transactions
pub const TILL_ID: &str = "till_id";
pub const SALE_NUMBER: &str = "sale_number";
pub const CASHIER_ID: &str = "cashier_id";
pub const CUSTOMER_ID: &str = "customer_id";
pub const ITEMS: &str = "items";
pub const PAYMENTS: &str = "payments";
pub const PAYMENT_METHOD: &str = "payment_method";
pub const SUBTOTAL: &str = "subtotal";
pub const DISCOUNT_TOTAL: &str = "discount_total";
pub const TAX_TOTAL: &str = "tax_total";
pub const TOTAL_AMOUNT: &str = "total_amount";
pub const AMOUNT_TENDERED: &str = "amount_tendered";
pub const CHANGE_DUE: &str = "change_due";
pub const LOYALTY_POINTS_EARNED: &str = "loyalty_points_earned";
pub const LOYALTY_POINTS_REDEEMED: &str = "loyalty_points_redeemed";
pub const TRANSACTION_STATUS: &str = "transaction_status";
/// `sale` or `return`.
pub const TRANSACTION_TYPE: &str = "transaction_type";
/// When central first held a sale: set by the reconciler, never by a till.
pub const SYNCED_AT: &str = "synced_at";
/// On a return: the sale it gives back (`null` without a receipt).
pub const ORIGINAL_TRANSACTION_ID: &str = "original_transaction_id";
/// On a void's `customer_purchase`: the sale whose points and credit it gives back.
pub const VOIDED_TRANSACTION_ID: &str = "voided_transaction_id";
/// The manager who approved what the cashier could not do alone.
pub const APPROVED_BY: &str = "approved_by";
/// A voided sale: who voided it and why (its `updated_at` says when).
pub const VOIDED_BY: &str = "voided_by";
pub const VOID_REASON: &str = "void_reason";
/// The till's shift it was made in (and a Z report's own `_id`).
pub const SHIFT_ID: &str = "shift_id";
/// The parked sale a sale completed.
pub const PARKED_SALE_ID: &str = "parked_sale_id";
/// Inside `items`.
pub const UNIT_PRICE: &str = "unit_price";
/// On a return's item: the line of the sale it returns, from 1.
pub const ORIGINAL_LINE_NO: &str = "original_line_no";
/// On a return's item: came back damaged, written off rather than back to stock.
pub const DAMAGED: &str = "damaged";
pub const DISCOUNT: &str = "discount";
pub const TAX_AMOUNT: &str = "tax_amount";
pub const TOTAL_PRICE: &str = "total_price";
/// Inside `payments` (and `payment_methods`: method_name, provider, kind).
pub const PAYMENT_METHOD_ID: &str = "payment_method_id";
pub const METHOD_NAME: &str = "method_name";
pub const KIND: &str = "kind";
pub const TENDERED: &str = "tendered";
pub const AMOUNT: &str = "amount";

// customers
pub const LOYALTY_POINTS: &str = "loyalty_points";
/// Sell Sync's own: a customer's store credit.
pub const STORE_CREDIT: &str = "store_credit";
pub const PURCHASE_HISTORY: &str = "purchase_history";
pub const PURCHASE_HISTORY_TRANSACTION_ID: &str = "purchase_history.transaction_id";
/// Inside `purchase_history`.
pub const DATE: &str = "date";

// payment_methods
pub const PROVIDER: &str = "provider";

// notifications
pub const USER_ID: &str = "user_id";
pub const MESSAGE: &str = "message";
pub const STATUS: &str = "status";

// z_reports (the _id is the shift's; store_id, till_id, currency as in sales)
pub const Z_NUMBER: &str = "z_number";
pub const OPENED_AT: &str = "opened_at";
pub const OPENED_BY: &str = "opened_by";
pub const CLOSED_AT: &str = "closed_at";
pub const CLOSED_BY: &str = "closed_by";
pub const OPENING_FLOAT: &str = "opening_float";
pub const COUNTED_CASH: &str = "counted_cash";
/// `[{value, count}]`, when the drawer was counted by denomination.
pub const DENOMINATIONS: &str = "denominations";
pub const EXPECTED_CASH: &str = "expected_cash";
/// `[{counted_cash, denominations, over_short, counted_by, counted_at}]`: every count made
/// at the close, the refused ones too (absent in reports closed before counts were kept).
pub const COUNTS: &str = "counts";
pub const COUNTED_BY: &str = "counted_by";
pub const COUNTED_AT: &str = "counted_at";
pub const OVER_SHORT: &str = "over_short";
pub const SALES_COUNT: &str = "sales_count";
pub const RETURNS_COUNT: &str = "returns_count";
pub const GROSS_SALES: &str = "gross_sales";
pub const DISCOUNTS: &str = "discounts";
pub const SALES_TOTAL: &str = "sales_total";
pub const RETURNS_TOTAL: &str = "returns_total";
pub const NET_SALES: &str = "net_sales";
/// `[{tax_rate, taxable, tax_amount}]`.
pub const TAXES: &str = "taxes";
/// `[{method_name, kind, sales, refunds}]`.
pub const TENDERS: &str = "tenders";
pub const CASH_IN: &str = "cash_in";
pub const CASH_OUT: &str = "cash_out";
pub const NO_SALE_OPENINGS: &str = "no_sale_openings";
pub const VOIDS_COUNT: &str = "voids_count";
pub const VOIDS_TOTAL: &str = "voids_total";
pub const LINES_REMOVED: &str = "lines_removed";
/// `[{name, sales_count, sales, returns_count, returns}]`.
pub const CASHIERS: &str = "cashiers";
pub const FIRST_SALE_NUMBER: &str = "first_sale_number";
pub const LAST_SALE_NUMBER: &str = "last_sale_number";
pub const GRAND_TOTAL: &str = "grand_total";
/// Inside the lists above.
pub const TAXABLE: &str = "taxable";
pub const SALES: &str = "sales";
pub const REFUNDS: &str = "refunds";
pub const RETURNS: &str = "returns";
pub const VALUE: &str = "value";
pub const COUNT: &str = "count";

// parked_sales (store_id, till_id, customer_id, items, total_amount, status,
// transaction_id as in sales; the items' product_id, product_name, sku, quantity,
// unit_price too)
pub const PARK_NUMBER: &str = "park_number";
pub const PARKED_BY: &str = "parked_by";
pub const PARKED_BY_NAME: &str = "parked_by_name";
pub const NOTE: &str = "note";
/// A discount as keyed, on an item or the whole cart: one of these two.
pub const DISCOUNT_PERCENT: &str = "discount_percent";
pub const DISCOUNT_AMOUNT: &str = "discount_amount";
pub const CLAIMED_BY_TILL: &str = "claimed_by_till";
pub const CLAIMED_BY: &str = "claimed_by";
pub const CLAIMED_AT: &str = "claimed_at";

// journal_entries (kind as in payments; store_id, till_id as in sales)
pub const SEQ: &str = "seq";
pub const SUBJECT_ID: &str = "subject_id";
pub const AT: &str = "at";
pub const CONTENT: &str = "content";
/// The previous entry's `hash` (not `*_hash`: those are secrets, hidden when shown).
pub const PREV_HASH: &str = "previous";
pub const HASH: &str = "hash";

// The gateway's own collections: `enrolments` (one-time codes), `devices` (enrolled tills),
// `verifications` and `person_lockouts` (people verified at a till), `idempotency_keys`,
// `quota_leases` (business_id, store_id, user_id, label, status, created_at as above).
pub const CODE_HASH: &str = "code_hash";
pub const TOKEN_HASH: &str = "token_hash";
pub const LABEL: &str = "label";
pub const DEVICE_ID: &str = "device_id";
pub const TILL_CODE: &str = "till_code";
/// The till that asked for an enrolment code or pushed an API key; null: the operator's.
pub const MADE_BY_DEVICE: &str = "made_by_device";
pub const EXPIRES_AT: &str = "expires_at";
pub const USED_AT: &str = "used_at";
pub const REVOKED_AT: &str = "revoked_at";
pub const FAILURES: &str = "failures";
pub const LOCKED_UNTIL: &str = "locked_until";
pub const API_KEY_ID: &str = "api_key_id";
pub const REQUEST_HASH: &str = "request_hash";
pub const BODY: &str = "body";
pub const HOLDER: &str = "holder";
pub const UNTIL: &str = "until";
