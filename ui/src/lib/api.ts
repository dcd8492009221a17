// The till's commands, as the Rust shell answers them. Amounts arrive formatted by core:
// nothing here computes a price or a tax.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

export interface Staff {
  name: string;
  email: string;
  role: string;
  locked: boolean;
}

export interface User {
  name: string;
  role: string;
}

export interface AppState {
  has_till: boolean;
  store_name: string;
  currency: string;
  currency_symbol: string;
  staff: Staff[];
  signed_in: User | null;
  problem: string | null;
}

export interface CartLine {
  name: string;
  sku: string;
  quantity: number;
  unit_price: string;
  discount: string | null;
  total: string;
}

export interface CartCustomer {
  name: string;
  contact: string;
  loyalty_points: number;
  /** Their store credit, when they have some. */
  store_credit: string | null;
  new: boolean;
}

export interface CartView {
  lines: CartLine[];
  items: number;
  subtotal: string;
  discount: string;
  cart_discount: string | null;
  tax: string;
  total: string;
  /** Loyalty points the customer spends, what they are worth, what is left to pay. */
  redeem_points: number;
  points_value: string;
  /** Store credit the customer spends, if any. */
  store_credit: string | null;
  due: string;
  quick_cash: string[];
  customer: CartCustomer | null;
  current: number | null;
}

export interface Product {
  sku: string;
  name: string;
  price: string;
  stock: number;
}

export interface QuickKeys {
  category: string;
  products: Product[];
}

export interface PaymentMethod {
  name: string;
  kind: "cash" | "card" | "other";
}

export interface SaleView {
  sale_number: string;
  total: string;
  tendered: string;
  change: string;
  printing: boolean;
}

export interface Balance {
  tenders: { method: string; amount: string | null }[];
  due: string;
  paid: string;
  remaining: string;
  quick_cash: string[];
  change: string;
}

export interface PayView {
  balance: Balance;
  sale: SaleView | null;
}

export type SyncState = "not_set_up" | "connecting" | "online" | "offline";

export interface Status {
  sync: SyncState;
  central: string | null;
  sync_error: string | null;
  pending: number;
  parked: number;
  last_sync: string | null;
  printer: { name: string; problem: string | null } | null;
}

export interface StockItem {
  sku: string;
  name: string;
  category: string;
  stock: number;
  threshold: number;
  low: boolean;
  on_order: number;
  in_transit: number;
}

export interface ProductForm {
  sku: string;
  name: string;
  price: string;
  barcode: string;
  category: string;
  tax_rate: string;
  threshold: number;
  supplier_id: string;
  reorder_quantity: number;
  unit_cost: string;
}

export interface ProductInput extends ProductForm {
  stock: number;
}

export interface Supplier {
  id: string;
  name: string;
  contact: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  ordered: number;
  received: number;
  damaged: number;
  difference: number;
  unit_price: string | null;
}

export type OrderStatus = "draft" | "ordered" | "partially_received" | "received" | "cancelled";

export interface Order {
  id: string;
  number: string;
  supplier: string;
  status: OrderStatus;
  automatic: boolean;
  expected: string | null;
  total: string;
  lines: OrderLine[];
}

export interface ReceivedInput {
  code: string;
  quantity: number;
  damaged: number;
}

export interface Store {
  id: string;
  name: string;
  location: string;
}

export interface TransferLine {
  sku: string;
  name: string;
  sent: number;
  received: number;
  missing: number;
}

export interface Transfer {
  id: string;
  number: string;
  from: string;
  to: string;
  status: "in_transit" | "received" | "cancelled";
  incoming: boolean;
  note: string;
  lines: TransferLine[];
}

export interface Scanned {
  code: string;
  quantity: number;
}

export interface CountLine {
  sku: string;
  product_name: string;
  expected: number;
  counted: number;
  difference: number;
}

export interface StockCount {
  category: string | null;
  lines: CountLine[];
  not_counted: number;
}

export interface PostedCount {
  adjusted: number;
  net_difference: number;
}

export interface Note {
  kind: string;
  message: string;
  unread: boolean;
  at: string;
}

export interface TenderInput {
  method: string;
  amount: string | null;
}

export interface PrinterSettings {
  connection: string;
  paper: string;
  code_page: string;
  footer: string;
  open_drawer_on_cash: boolean;
}

export interface Settings {
  central: string | null;
  printer: PrinterSettings | null;
  code_pages: string[];
}

/** A parked sale waiting to be taken up. */
export interface Parked {
  id: string;
  number: string;
  note: string;
  parked_by: string;
  parked_at: string;
  items: number;
  total: string;
  /** Taken up at this till and not finished (after a restart, say). */
  taken_up_here: boolean;
}

/** A day broken down by hour, product, category, cashier or tender. */
export interface BreakdownView {
  date: string;
  by: string;
  rows: {
    key: string;
    sales: number;
    quantity: number;
    amount: string;
    returned: string;
    net: string;
    /** The net in minor units, to draw the bars to scale. */
    net_minor: number;
  }[];
  net: string;
}

/** A report as core lays it out: a title and its lines (label, value). */
export interface Report {
  title: string;
  rows: [string, string][];
  /** A Z report's number, to print it. */
  z_number: number | null;
}

export interface ShiftState {
  open: boolean;
  opened_by: string;
  opened_at: string;
  float: string;
  /** The X report so far, for those who may see it. */
  x: Report | null;
}

/** A sale found by its receipt, with what is left to return of each line. */
export interface Returnable {
  id: string;
  sale_number: string;
  sold_at: string;
  cashier: string;
  total: string;
  lines: { name: string; sku: string; sold: number; returned: number; left: number; total: string }[];
  tenders: { name: string; paid: string; refunded: string }[];
  refunded: string;
  return_numbers: string[];
  age_days: number;
  /** A sale of this till's open shift that nothing came back of: a manager may void it. */
  voidable: boolean;
}

/** A line picked to come back: the sale's line (from 0), how many, damaged or not. */
export interface Pick {
  line: number;
  quantity: number;
  damaged: boolean;
}

export interface ReturnInput {
  sale: string;
  lines: Pick[];
  reason: string;
  /** One of the sale's payment methods; null: back to its payments in proportion. */
  refund_to: string | null;
}

/** An item coming back without a receipt, at the price a manager confirms. */
export interface NoReceiptLine {
  code: string;
  quantity: number;
  price: string;
  damaged: boolean;
}

/** What a return gives back, as core works it out before it is made. */
export interface ReturnPreview {
  total: string;
  tax: string;
  refunds: string[];
  points_taken: number;
  points_given: number;
  approval_needed: string | null;
}

export interface ReturnDone {
  return_number: string;
  total: string;
  refunds: string[];
  /** Cash to hand the customer from the drawer, if any. */
  cash: string | null;
  printing: boolean;
}

export interface ManagerApproval {
  email: string;
  pin: string;
}

/** A command's failure: a stable code to decide by, and core's message for a cashier. */
export interface Failure {
  code: string;
  message: string;
}

function isFailure(error: unknown): error is Failure {
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/** The words to show for a failure. */
export function messageOf(error: unknown): string {
  if (isFailure(error)) return String(error.message);
  return error instanceof Error ? error.message : String(error);
}

/** A failure's code (`account_locked`, `permission_denied`, …); null for anything else. */
export function codeOf(error: unknown): string | null {
  return isFailure(error) ? String(error.code) : null;
}

export const api = {
  appState: () => invoke<AppState>("app_state"),
  openDemo: () => invoke<AppState>("open_demo"),
  provision: (uri: string, database: string, storeId: string) =>
    invoke<AppState>("provision", { uri, database, storeId }),
  enrol: (server: string, code: string) => invoke<AppState>("enrol", { server, code }),
  signIn: (email: string, pin: string) => invoke<User>("sign_in", { email, pin }),
  signOut: () => invoke<void>("sign_out"),
  cart: () => invoke<CartView>("cart"),
  search: (text: string) => invoke<Product[]>("search", { text }),
  quickKeys: () => invoke<QuickKeys[]>("quick_keys"),
  scan: (code: string) => invoke<CartView>("scan", { code }),
  setQuantity: (line: number, quantity: number) =>
    invoke<CartView>("set_quantity", { line, quantity }),
  removeLine: (line: number) => invoke<CartView>("remove_line", { line }),
  setLineDiscount: (line: number, discount: string) =>
    invoke<CartView>("set_line_discount", { line, discount }),
  setCartDiscount: (discount: string) => invoke<CartView>("set_cart_discount", { discount }),
  attachCustomer: (contact: string) => invoke<CartView>("attach_customer", { contact }),
  newCustomer: (name: string, phone: string, email: string) =>
    invoke<CartView>("new_customer", { name, phone: phone || null, email: email || null }),
  detachCustomer: () => invoke<CartView>("detach_customer"),
  redeemPoints: (points: number) => invoke<CartView>("redeem_points", { points }),
  useStoreCredit: (amount: string) => invoke<CartView>("use_store_credit", { amount }),
  paymentMethods: () => invoke<PaymentMethod[]>("payment_methods"),
  pay: (tenders: TenderInput[]) => invoke<PayView>("pay", { tenders }),
  reprint: (sale: string) => invoke<void>("reprint", { sale }),
  openDrawer: () => invoke<void>("open_drawer"),
  park: (note: string) => invoke<Parked>("park", { note }),
  parkedSales: () => invoke<Parked[]>("parked_sales"),
  resumeParked: (parked: string) => invoke<CartView>("resume_parked", { parked }),
  discardParked: (parked: string) => invoke<Parked[]>("discard_parked", { parked }),
  saleToReturn: (code: string) => invoke<Returnable>("sale_to_return", { code }),
  previewReturn: (input: ReturnInput) => invoke<ReturnPreview>("preview_return", { input }),
  makeReturn: (input: ReturnInput, approve: ManagerApproval | null) =>
    invoke<ReturnDone>("make_return", { input, approve }),
  /** `creditTo`: a customer's phone or email to refund as their store credit; null: cash. */
  previewNoReceipt: (lines: NoReceiptLine[], creditTo: string | null) =>
    invoke<ReturnPreview>("preview_no_receipt", { lines, creditTo }),
  returnNoReceipt: (lines: NoReceiptLine[], reason: string, creditTo: string | null, approve: ManagerApproval | null) =>
    invoke<ReturnDone>("return_no_receipt", { lines, reason, creditTo, approve }),
  voidSale: (sale: string, reason: string, approve: ManagerApproval | null) =>
    invoke<string>("void_sale", { sale, reason, approve }),
  shift: () => invoke<ShiftState>("shift"),
  openShift: (float: string) => invoke<ShiftState>("open_shift", { float }),
  moveCash: (cashIn: boolean, amount: string, reason: string) =>
    invoke<ShiftState>("move_cash", { cashIn, amount, reason }),
  closeShift: (
    counted: string,
    approveEmail: string | null,
    approvePin: string | null,
    keepParked: boolean,
  ) => invoke<Report>("close_shift", { counted, approveEmail, approvePin, keepParked }),
  breakdown: (by: string, date: string) => invoke<BreakdownView>("breakdown", { by, date }),
  exportBreakdown: (by: string, date: string) =>
    invoke<string>("export_breakdown", { by, date }),
  printZReport: (number: number) => invoke<void>("print_z_report", { number }),
  status: () => invoke<Status>("status"),
  stock: (lowOnly: boolean) => invoke<StockItem[]>("stock", { lowOnly }),
  adjustStock: (code: string, delta: number, reason: string) =>
    invoke<StockItem>("adjust_stock", { code, delta, reason }),
  product: (code: string) => invoke<ProductForm>("product", { code }),
  saveProduct: (input: ProductInput, isNew: boolean) =>
    invoke<StockItem>("save_product", { input, isNew }),
  suppliers: () => invoke<Supplier[]>("suppliers"),
  addSupplier: (name: string, contact: string, email: string, phone: string) =>
    invoke<Supplier>("add_supplier", { name, contact, email, phone }),
  purchaseOrders: () => invoke<Order[]>("purchase_orders"),
  createOrder: (supplier: string) => invoke<Order>("create_order", { supplier }),
  orderAdd: (order: string, code: string, quantity: number) =>
    invoke<Order>("order_add", { order, code, quantity }),
  orderSet: (order: string, code: string, quantity: number) =>
    invoke<Order>("order_set", { order, code, quantity }),
  markOrdered: (order: string) => invoke<Order>("mark_ordered", { order }),
  exportOrder: (order: string) => invoke<string>("export_order", { order }),
  cancelOrder: (order: string) => invoke<Order>("cancel_order", { order }),
  receiveOrder: (order: string, lines: ReceivedInput[]) =>
    invoke<Order>("receive_order", { order, lines }),
  otherStores: () => invoke<Store[]>("other_stores"),
  transfers: () => invoke<Transfer[]>("transfers"),
  sendTransfer: (to: string, lines: Scanned[], note: string) =>
    invoke<Transfer>("send_transfer", { to, lines, note }),
  receiveTransfer: (transfer: string, lines: Scanned[] | null) =>
    invoke<Transfer>("receive_transfer", { transfer, lines }),
  cancelTransfer: (transfer: string) => invoke<Transfer>("cancel_transfer", { transfer }),
  openCount: () => invoke<StockCount | null>("open_count"),
  startCount: (category: string) => invoke<StockCount>("start_count", { category }),
  countProduct: (code: string, counted: number | null) =>
    invoke<StockCount>("count_product", { code, counted }),
  postCount: () => invoke<PostedCount>("post_count"),
  cancelCount: () => invoke<void>("cancel_count"),
  unread: () => invoke<number>("unread"),
  notifications: () => invoke<Note[]>("notifications"),
  markNotificationsRead: () => invoke<number>("mark_notifications_read"),
  settings: () => invoke<Settings>("settings"),
  saveSyncSettings: (uri: string, database: string) =>
    invoke<Settings>("save_sync_settings", { uri, database }),
  savePrinter: (input: PrinterSettings) => invoke<Settings>("save_printer", { input }),
  testPrint: () => invoke<void>("test_print"),
};

/** Events the shell pushes: the status bar, the number of unread notifications, and the
 * signed-in user removed centrally (signed out by the shell). */
export const events = {
  signedOut: (handler: () => void) => listen<null>("signed_out", () => handler()),
  status: (handler: (status: Status) => void) =>
    listen<Status>("status", (e) => handler(e.payload)),
  unread: (handler: (count: number) => void) =>
    listen<number>("unread", (e) => handler(e.payload)),
};
