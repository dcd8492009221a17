// Generated from the desktop shell's Rust types by src-tauri/src/bindings.rs: do not
// edit. `SELLSYNC_BINDINGS=write cargo test -p sellsync-desktop bindings` writes it anew.

/**
 * The first thing the window asks: is there a till, whose is it, who may sign in.
 */
export type AppState = { has_till: boolean, store_name: string, currency: string, 
/**
 * The sign shown before amounts (`$`, `€`).
 */
currency_symbol: string, staff: Array<StaffView>, signed_in: UserView | null, 
/**
 * Why the data folder's till could not be opened (then there is no till to offer).
 */
problem: string | null, };

/**
 * The manager's email and PIN, when the screen asked for them.
 */
export type ApprovalInput = { email: string, pin: string, };

/**
 * Where paying stands.
 */
export type BalanceView = { tenders: Array<TenderView>, due: string, paid: string, remaining: string, 
/**
 * The cash amounts to offer for what remains.
 */
quick_cash: Array<string>, change: string, };

/**
 * One of the business's rules for reading labels, as the settings screen lists it.
 */
export type BarcodeRuleView = { name: string, 
/**
 * The barcode and its prefix: `EAN-13 20…`.
 */
code: string, 
/**
 * Where the item's digits sit, counted from 1: `3–7`.
 */
item: string, 
/**
 * What the value is and where: `price in 9–12, 2 decimals, verified`.
 */
value: string, };

export type BreakdownRowView = { key: string, sales: number, 
/**
 * A product's in its unit (`2.350 kg`), a family's or a category's items; `""`
 * otherwise.
 */
quantity: string, amount: string, returned: string, net: string, net_minor: number, };

/**
 * A day broken down, for the reports screen: each row's amounts formatted, and its net in
 * minor units to draw the chart's bars to scale.
 */
export type BreakdownView = { date: string, by: string, rows: Array<BreakdownRowView>, net: string, };

export type CartLineView = { name: string, sku: string, 
/**
 * With its unit's decimals: `2`, `0.742`.
 */
quantity: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …: the line shows `0.742 kg × $2.99/kg`.
 */
unit: string, 
/**
 * The price of one unit.
 */
unit_price: string, 
/**
 * The line's own discount, if it has one.
 */
discount: string | null, 
/**
 * Quantity × price less the line's discount (the sale's discount and tax are
 * in the totals).
 */
total: string, };

export type CartView = { lines: Array<CartLineView>, items: number, subtotal: string, 
/**
 * All discounts, lines' and the cart's.
 */
discount: string, 
/**
 * The cart discount alone, if there is one.
 */
cart_discount: string | null, tax: string, total: string, 
/**
 * Loyalty points the customer spends, and what they are worth.
 */
redeem_points: number, points_value: string, 
/**
 * Store credit the customer spends, if any.
 */
store_credit: string | null, 
/**
 * What is left to pay once the points and the credit are off.
 */
due: string, 
/**
 * The cash amounts to offer for what is due (core's, in the currency's notes).
 */
quick_cash: Array<string>, customer: CustomerView | null, 
/**
 * The line just scanned or changed, to highlight.
 */
current: number | null, };

/**
 * A stock correction as the form sends it: the level counted on the shelf, or a change.
 */
export type CorrectionInput = { "counted": number | string } | { "by": number | string };

/**
 * A product of a count: what the ledger said when the count started, what was counted.
 */
export type CountLineView = { sku: string, product_name: string, 
/**
 * Quantities with the unit's decimals; the difference signed (`-3`, `+2`, `0`).
 */
expected: string, counted: string, difference: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, };

/**
 * A stock count as the counts screen shows it.
 */
export type CountView = { 
/**
 * `None`: the whole store.
 */
category: string | null, lines: Array<CountLineView>, 
/**
 * Products of the count's scope not scanned yet.
 */
not_counted: number, };

/**
 * The customer the sale is for.
 */
export type CustomerView = { name: string, contact: string, loyalty_points: number, 
/**
 * Their store credit, when they have some.
 */
store_credit: string | null, 
/**
 * Created together with the sale.
 */
new: boolean, };

/**
 * A command's failure: a stable code the window decides by, and the words core chose
 * for a cashier.
 */
export type Failure = { code: string, message: string, };

/**
 * A family and its grid, as the stock screen's form sends them.
 */
export type FamilyInput = { name: string, sku: string, price: string, category: string, options: Array<OptionInput>, variants: Array<VariantInput>, };

/**
 * An item coming back without a receipt: its code, how many, the price a manager
 * confirms (as typed), damaged or not.
 */
export type NoReceiptLineInput = { code: string, quantity: number | string, price: string, damaged: boolean, };

export type NotificationView = { kind: string, message: string, unread: boolean, 
/**
 * In the business's time zone.
 */
at: string, };

/**
 * An option of a new family and its values, as the grid form sends them.
 */
export type OptionInput = { name: string, values: Array<string>, };

export type OrderLineView = { sku: string, name: string, 
/**
 * Quantities with the unit's decimals.
 */
ordered: string, received: string, damaged: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, 
/**
 * Came in (sound or not) less ordered, signed (`-3`, `+2`, `0`), once anything came.
 */
difference: string | null, unit_price: string | null, };

/**
 * A purchase order on the orders screen; amounts formatted by core.
 */
export type OrderView = { id: string, number: string, supplier: string, status: string, automatic: boolean, expected: string | null, total: string, lines: Array<OrderLineView>, };

/**
 * A parked sale in the list to take up from.
 */
export type ParkedView = { id: string, number: string, note: string, parked_by: string, parked_at: string, items: number, total: string, 
/**
 * Taken up at this till and not finished (after a restart, say).
 */
taken_up_here: boolean, };

/**
 * The answer to paying: the balance, and the sale once it is paid in full.
 */
export type PayView = { balance: BalanceView, sale: SaleView | null, };

export type PaymentMethodView = { name: string, 
/**
 * `cash`, `card` or `other`: only cash gives change.
 */
kind: string, };

/**
 * A line of the sale to take back, as the screen picks it.
 */
export type PickInput = { line: number, quantity: number | string, damaged: boolean, };

/**
 * What posting a count did.
 */
export type PostedCountView = { 
/**
 * Products whose stock was adjusted.
 */
adjusted: number, 
/**
 * The sum of the differences (below zero: less on the shelves than the ledger said).
 */
net_difference: string, };

/**
 * The printer form as typed; an empty connection removes the printer.
 */
export type PrinterInput = { connection: string, paper: string, code_page: string, footer: string, open_drawer_on_cash: boolean, };

/**
 * The printer's part of the settings screen.
 */
export type PrinterSettingsView = { connection: string, paper: string, code_page: string, footer: string, open_drawer_on_cash: boolean, };

/**
 * The receipt printer as the status bar shows it.
 */
export type PrinterView = { name: string, 
/**
 * What went wrong with the latest job, if it did.
 */
problem: string | null, };

/**
 * A product as its edit form shows it.
 */
export type ProductForm = { sku: string, name: string, 
/**
 * Plain amounts, as they would be typed.
 */
price: string, barcode: string, category: string, tax_rate: string, 
/**
 * `piece`, `kg`, …: set when the product is made.
 */
unit: string, 
/**
 * Quantities as they would be typed, in the unit.
 */
threshold: string, 
/**
 * The supplier's id, or "".
 */
supplier_id: string, reorder_quantity: string, tare: string, 
/**
 * What the supplier charges for one, as typed, or "".
 */
unit_cost: string, };

/**
 * The product form as typed: amounts and rates as text, read by core.
 */
export type ProductInput = { sku: string, name: string, price: string, barcode: string, category: string, 
/**
 * Percent; empty: the business's default rate.
 */
tax_rate: string, 
/**
 * `piece`, `kg`, …: how a new product is sold (ignored when editing).
 */
unit: string, 
/**
 * Opening stock of a new product (ignored when editing: stock moves by corrections).
 */
stock: number | string, threshold: number | string, 
/**
 * The supplier's id, or "": none.
 */
supplier_id: string, reorder_quantity: number | string, 
/**
 * What its container weighs (goods sold by weight; 0 otherwise).
 */
tare: number | string, 
/**
 * What the supplier charges for one, or "": not known.
 */
unit_cost: string, };

/**
 * A product in the search results or on a quick key.
 */
export type ProductView = { sku: string, name: string, price: string, stock: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, };

export type QuickKeysView = { category: string, products: Array<ProductView>, };

/**
 * A product as scanned in from a delivery: how many sound, how many broken.
 */
export type ReceivedInput = { code: string, quantity: number | string, damaged: number | string, };

/**
 * A report on screen: its title and its lines, as core lays them out.
 */
export type ReportView = { title: string, rows: Array<[string, string]>, 
/**
 * A Z report's number, to print it.
 */
z_number: number | null, };

/**
 * A return made: its number, what went back to which tender, the cash to hand over.
 */
export type ReturnDoneView = { return_number: string, total: string, refunds: Array<string>, 
/**
 * Cash to take out of the drawer for the customer, if any.
 */
cash: string | null, 
/**
 * The refund receipt went to the printer's queue (the till has a printer).
 */
printing: boolean, };

/**
 * A return of a sale as the screen sends it: the sale's id, the picked lines, the
 * reason, and the one payment method of the sale to refund to (none: back to the sale's
 * payments in proportion).
 */
export type ReturnInput = { sale: string, lines: Array<PickInput>, reason: string, refund_to: string | null, };

/**
 * What a return would give back, shown before the cashier confirms it.
 */
export type ReturnPreviewView = { total: string, tax: string, 
/**
 * "Cash 12.34", one per tender that gets money back.
 */
refunds: Array<string>, points_taken: number, points_given: number, approval_needed: string | null, };

export type ReturnableLineView = { name: string, sku: string, 
/**
 * Quantities with the unit's decimals: a weighed line may come back in part.
 */
sold: string, returned: string, left: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, total: string, };

export type ReturnableTenderView = { name: string, paid: string, refunded: string, };

/**
 * A sale found by its receipt, as the return screen shows it.
 */
export type ReturnableView = { 
/**
 * The sale's id, which the return names.
 */
id: string, sale_number: string, sold_at: string, cashier: string, total: string, lines: Array<ReturnableLineView>, 
/**
 * Each tender: its name, what it paid, what went back to it so far.
 */
tenders: Array<ReturnableTenderView>, refunded: string, return_numbers: Array<string>, age_days: number, voidable: boolean, };

export type SaleView = { sale_number: string, total: string, tendered: string, change: string, 
/**
 * The receipt went to the printer's queue (the till has a printer).
 */
printing: boolean, };

/**
 * The scale form as typed; an empty port removes the scale.
 */
export type ScaleInput = { port: string, protocol: string, baud: number, unit: string, };

/**
 * The scale's part of the settings screen.
 */
export type ScaleSettingsView = { port: string, protocol: string, baud: number, unit: string, };

/**
 * A product as scanned: its code and how many.
 */
export type ScannedInput = { code: string, quantity: number | string, };

export type SettingsView = { 
/**
 * The central database the till syncs with (hosts, never a password).
 */
central: string | null, printer: PrinterSettingsView | null, 
/**
 * The counter scale, beside the printer.
 */
scale: ScaleSettingsView | null, 
/**
 * The protocols a scale may speak.
 */
scale_protocols: Array<string>, 
/**
 * The character tables a printer may use.
 */
code_pages: Array<string>, 
/**
 * How the business's price and weight labels are read.
 */
barcode_rules: Array<BarcodeRuleView>, 
/**
 * The countries whose common label layouts can be used.
 */
label_layouts: Array<string>, };

/**
 * The till's shift: open or not, since when and by whom, and (for those who may see it)
 * the X report so far.
 */
export type ShiftView = { open: boolean, opened_by: string, opened_at: string, float: string, x: ReportView | null, };

export type StaffView = { name: string, email: string, role: string, locked: boolean, };

/**
 * The status bar.
 */
export type StatusView = { sync: SyncState, 
/**
 * The central database (hosts, never a password).
 */
central: string | null, sync_error: string | null, 
/**
 * Operations waiting for the central database, and parked ones.
 */
pending: number, parked: number, 
/**
 * In the business's time zone.
 */
last_sync: string | null, 
/**
 * The receipt printer, if the till has one.
 */
printer: PrinterView | null, };

/**
 * A product on the stock screen.
 */
export type StockView = { sku: string, name: string, category: string, 
/**
 * Its price, formatted.
 */
price: string, 
/**
 * Quantities with the unit's decimals.
 */
stock: string, threshold: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, low: boolean, 
/**
 * Ordered from the supplier and not in yet.
 */
on_order: string, 
/**
 * Sent from another store and not received yet.
 */
in_transit: string, };

/**
 * Another store of the business, to send stock to.
 */
export type StoreView = { id: string, name: string, location: string, };

/**
 * A supplier, for the orders screen and the product form.
 */
export type SupplierView = { id: string, name: string, contact: string, };

/**
 * How syncing with the central database stands.
 */
export type SyncState = "not_set_up" | "connecting" | "online" | "offline";

/**
 * A payment as the pay dialog sends it: a method's name and an amount as typed (none:
 * the rest).
 */
export type TenderInput = { method: string, amount: string | null, };

/**
 * A tender taken in the pay dialog.
 */
export type TenderView = { method: string, 
/**
 * None: the rest.
 */
amount: string | null, };

export type TransferLineView = { sku: string, name: string, 
/**
 * Quantities with the unit's decimals; `missing` is `""` when none is.
 */
sent: string, received: string, missing: string, 
/**
 * `""` for pieces, else `kg`, `lb`, …
 */
unit: string, };

/**
 * A transfer on the transfers screen.
 */
export type TransferView = { id: string, number: string, from: string, to: string, status: string, incoming: boolean, note: string, lines: Array<TransferLineView>, };

export type UserView = { name: string, role: string, 
/**
 * What they may do (`process_sales`, `view_reports`, …): the window shows only the
 * screens they may use. Core checks every call all the same.
 */
permissions: Array<string>, 
/**
 * A shift is open at this till: without one, a sale cannot be paid.
 */
shift_open: boolean, };

/**
 * A row of the grid: its values, in the options' order, and what differs from the
 * family's ("": the family's SKU and values, the family's price).
 */
export type VariantInput = { values: Array<string>, sku: string, price: string, stock: number | string, };

/** The name of every command the shell answers. */
export type Command =
  | "add_family"
  | "add_supplier"
  | "adjust_stock"
  | "app_state"
  | "attach_customer"
  | "breakdown"
  | "cancel_count"
  | "cancel_order"
  | "cancel_transfer"
  | "cart"
  | "close_shift"
  | "count_product"
  | "create_order"
  | "detach_customer"
  | "discard_parked"
  | "enrol"
  | "export_breakdown"
  | "export_label_sheet"
  | "export_order"
  | "make_return"
  | "mark_notifications_read"
  | "mark_ordered"
  | "move_cash"
  | "new_customer"
  | "notifications"
  | "open_count"
  | "open_demo"
  | "open_drawer"
  | "open_shift"
  | "order_add"
  | "order_set"
  | "other_stores"
  | "park"
  | "parked_sales"
  | "pay"
  | "payment_methods"
  | "post_count"
  | "preview_no_receipt"
  | "preview_return"
  | "print_z_report"
  | "product"
  | "provision"
  | "purchase_orders"
  | "quick_keys"
  | "receive_order"
  | "receive_transfer"
  | "redeem_points"
  | "remove_line"
  | "reprint"
  | "resume_parked"
  | "return_no_receipt"
  | "sale_to_return"
  | "save_printer"
  | "save_product"
  | "save_scale"
  | "save_sync_settings"
  | "scan"
  | "search"
  | "send_transfer"
  | "set_cart_discount"
  | "set_label_layout"
  | "set_line_discount"
  | "set_quantity"
  | "settings"
  | "shift"
  | "sign_in"
  | "sign_out"
  | "start_count"
  | "status"
  | "stock"
  | "suppliers"
  | "test_print"
  | "transfers"
  | "unread"
  | "use_store_credit"
  | "void_sale"
;
