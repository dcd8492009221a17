// The till's commands, as the Rust shell answers them. Their types are generated from the
// shell's (bindings.ts); what is here is only the calls. Amounts arrive formatted by core:
// nothing here computes a price or a tax.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppState, ApprovalInput, BreakdownView, CartView, Command, CorrectionInput, CountView, Failure, NoReceiptLineInput, NotificationView, OrderView, ParkedView, PayView, PaymentMethodView, PostedCountView, PrinterInput, ProductForm, ProductInput, ProductView, QuickKeysView, ReceivedInput, ReportView, ReturnDoneView, ReturnInput, ReturnPreviewView, ReturnableView, ScaleInput, ScannedInput, FamilyInput, SettingsView, ShiftView, StatusView, StockView, StoreView, SupplierView, TenderInput, TransferView, UserView } from "./bindings";

export type * from "./bindings";

/** What the window says when the shell could not read what it was sent (a number where
 * a whole one was due, a field missing): never the shell's own message, which names Rust
 * types and commands. */
export const UNREADABLE: Failure = {
  code: "unreadable",
  message: "The till could not read what was typed: check the numbers (whole numbers for items) and try again.",
};

/** Calls a command of the shell by its name, which must be one it answers. A refusal is
 * core's `Failure`, in words; any other error is logged and shown as `UNREADABLE`. */
async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isFailure(error)) throw error;
    console.error(`${command}:`, error);
    throw UNREADABLE;
  }
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
  appState: () => call<AppState>("app_state"),
  openDemo: () => call<AppState>("open_demo"),
  provision: (uri: string, database: string, storeId: string) =>
    call<AppState>("provision", { uri, database, storeId }),
  enrol: (server: string, code: string) => call<AppState>("enrol", { server, code }),
  signIn: (email: string, pin: string) => call<UserView>("sign_in", { email, pin }),
  signOut: () => call<void>("sign_out"),
  cart: () => call<CartView>("cart"),
  search: (text: string) => call<ProductView[]>("search", { text }),
  quickKeys: () => call<QuickKeysView[]>("quick_keys"),
  // Quantities as decimal strings ("3", "0.742"), or whole numbers: never a fraction.
  // No quantity: one, or what the scale weighs of goods sold by weight.
  scan: (code: string, quantity: string | number | null = null) => call<CartView>("scan", { code, quantity }),
  setQuantity: (line: number, quantity: string | number) =>
    call<CartView>("set_quantity", { line, quantity }),
  removeLine: (line: number) => call<CartView>("remove_line", { line }),
  setLineDiscount: (line: number, discount: string) =>
    call<CartView>("set_line_discount", { line, discount }),
  setCartDiscount: (discount: string) => call<CartView>("set_cart_discount", { discount }),
  attachCustomer: (contact: string) => call<CartView>("attach_customer", { contact }),
  newCustomer: (name: string, phone: string, email: string) =>
    call<CartView>("new_customer", { name, phone: phone || null, email: email || null }),
  detachCustomer: () => call<CartView>("detach_customer"),
  redeemPoints: (points: number) => call<CartView>("redeem_points", { points }),
  useStoreCredit: (amount: string) => call<CartView>("use_store_credit", { amount }),
  paymentMethods: () => call<PaymentMethodView[]>("payment_methods"),
  pay: (tenders: TenderInput[]) => call<PayView>("pay", { tenders }),
  reprint: (sale: string) => call<void>("reprint", { sale }),
  openDrawer: () => call<void>("open_drawer"),
  park: (note: string) => call<ParkedView>("park", { note }),
  parkedSales: () => call<ParkedView[]>("parked_sales"),
  resumeParked: (parked: string) => call<CartView>("resume_parked", { parked }),
  discardParked: (parked: string) => call<ParkedView[]>("discard_parked", { parked }),
  saleToReturn: (code: string) => call<ReturnableView>("sale_to_return", { code }),
  previewReturn: (input: ReturnInput) => call<ReturnPreviewView>("preview_return", { input }),
  makeReturn: (input: ReturnInput, approve: ApprovalInput | null) =>
    call<ReturnDoneView>("make_return", { input, approve }),
  /** `creditTo`: a customer's phone or email to refund as their store credit; null: cash. */
  previewNoReceipt: (lines: NoReceiptLineInput[], creditTo: string | null) =>
    call<ReturnPreviewView>("preview_no_receipt", { lines, creditTo }),
  returnNoReceipt: (lines: NoReceiptLineInput[], reason: string, creditTo: string | null, approve: ApprovalInput | null) =>
    call<ReturnDoneView>("return_no_receipt", { lines, reason, creditTo, approve }),
  voidSale: (sale: string, reason: string, approve: ApprovalInput | null) =>
    call<string>("void_sale", { sale, reason, approve }),
  shift: () => call<ShiftView>("shift"),
  openShift: (float: string) => call<ShiftView>("open_shift", { float }),
  moveCash: (cashIn: boolean, amount: string, reason: string) =>
    call<ShiftView>("move_cash", { cashIn, amount, reason }),
  closeShift: (
    counted: string,
    approveEmail: string | null,
    approvePin: string | null,
    keepParked: boolean,
  ) => call<ReportView>("close_shift", { counted, approveEmail, approvePin, keepParked }),
  breakdown: (by: string, date: string) => call<BreakdownView>("breakdown", { by, date }),
  /** Asks where to save the report as CSV; where it went, or null when the dialog was cancelled. */
  exportBreakdown: (by: string, date: string) =>
    call<string | null>("export_breakdown", { by, date }),
  printZReport: (number: number) => call<void>("print_z_report", { number }),
  status: () => call<StatusView>("status"),
  stock: (lowOnly: boolean) => call<StockView[]>("stock", { lowOnly }),
  adjustStock: (code: string, correction: CorrectionInput, reason: string) =>
    call<StockView>("adjust_stock", { code, correction, reason }),
  product: (code: string) => call<ProductForm>("product", { code }),
  saveProduct: (input: ProductInput, isNew: boolean) =>
    call<StockView>("save_product", { input, isNew }),
  suppliers: () => call<SupplierView[]>("suppliers"),
  addSupplier: (name: string, contact: string, email: string, phone: string) =>
    call<SupplierView>("add_supplier", { name, contact, email, phone }),
  purchaseOrders: () => call<OrderView[]>("purchase_orders"),
  createOrder: (supplier: string) => call<OrderView>("create_order", { supplier }),
  orderAdd: (order: string, code: string, quantity: number) =>
    call<OrderView>("order_add", { order, code, quantity }),
  orderSet: (order: string, code: string, quantity: number) =>
    call<OrderView>("order_set", { order, code, quantity }),
  markOrdered: (order: string) => call<OrderView>("mark_ordered", { order }),
  /** Asks where to save the order's page (a CSV beside it); where, or null when cancelled. */
  exportOrder: (order: string) => call<string | null>("export_order", { order }),
  exportLabelSheet: (skus: string[]) => call<string | null>("export_label_sheet", { skus }),
  cancelOrder: (order: string) => call<OrderView>("cancel_order", { order }),
  receiveOrder: (order: string, lines: ReceivedInput[]) =>
    call<OrderView>("receive_order", { order, lines }),
  otherStores: () => call<StoreView[]>("other_stores"),
  transfers: () => call<TransferView[]>("transfers"),
  sendTransfer: (to: string, lines: ScannedInput[], note: string) =>
    call<TransferView>("send_transfer", { to, lines, note }),
  receiveTransfer: (transfer: string, lines: ScannedInput[] | null) =>
    call<TransferView>("receive_transfer", { transfer, lines }),
  cancelTransfer: (transfer: string) => call<TransferView>("cancel_transfer", { transfer }),
  openCount: () => call<CountView | null>("open_count"),
  startCount: (category: string) => call<CountView>("start_count", { category }),
  countProduct: (code: string, counted: number | null) =>
    call<CountView>("count_product", { code, counted }),
  postCount: () => call<PostedCountView>("post_count"),
  cancelCount: () => call<void>("cancel_count"),
  unread: () => call<number>("unread"),
  notifications: () => call<NotificationView[]>("notifications"),
  markNotificationsRead: () => call<number>("mark_notifications_read"),
  settings: () => call<SettingsView>("settings"),
  saveSyncSettings: (uri: string, database: string) =>
    call<SettingsView>("save_sync_settings", { uri, database }),
  savePrinter: (input: PrinterInput) => call<SettingsView>("save_printer", { input }),
  saveScale: (input: ScaleInput) => call<SettingsView>("save_scale", { input }),
  addFamily: (input: FamilyInput) => call<StockView[]>("add_family", { input }),
  testPrint: () => call<void>("test_print"),
  /** Reads labels by a country's ready layouts; null: reads none. */
  setLabelLayout: (country: string | null) => call<SettingsView>("set_label_layout", { country }),
};

/** Events the shell pushes: the status bar, the number of unread notifications, and the
 * signed-in user removed centrally (signed out by the shell). */
export const events = {
  signedOut: (handler: () => void) => listen<null>("signed_out", () => handler()),
  status: (handler: (status: StatusView) => void) =>
    listen<StatusView>("status", (e) => handler(e.payload)),
  unread: (handler: (count: number) => void) =>
    listen<number>("unread", (e) => handler(e.payload)),
};
