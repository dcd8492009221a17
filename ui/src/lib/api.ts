// The till's commands, as the Rust shell answers them. Amounts arrive formatted by core:
// nothing here computes a price or a tax.
import { invoke } from "@tauri-apps/api/core";

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
  staff: Staff[];
  signed_in: User | null;
}

export interface CartLine {
  name: string;
  sku: string;
  quantity: number;
  unit_price: string;
  total: string;
}

export interface CartView {
  lines: CartLine[];
  items: number;
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
  current: number | null;
}

export interface SaleView {
  sale_number: string;
  total: string;
  tendered: string;
  change: string;
}

export interface Status {
  pending: number;
  parked: number;
  sync_configured: boolean;
  last_sync: string | null;
  printer: string | null;
}

export interface StockItem {
  sku: string;
  name: string;
  category: string;
  stock: number;
  threshold: number;
  low: boolean;
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

/** A command's failure carries core's message, written for a cashier. */
export function messageOf(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

export const api = {
  appState: () => invoke<AppState>("app_state"),
  openDemo: () => invoke<AppState>("open_demo"),
  signIn: (email: string, pin: string) => invoke<User>("sign_in", { email, pin }),
  signOut: () => invoke<void>("sign_out"),
  scan: (code: string) => invoke<CartView>("scan", { code }),
  setQuantity: (line: number, quantity: number) =>
    invoke<CartView>("set_quantity", { line, quantity }),
  removeLine: (line: number) => invoke<CartView>("remove_line", { line }),
  pay: (tenders: TenderInput[]) => invoke<SaleView>("pay", { tenders }),
  status: () => invoke<Status>("status"),
  stock: (lowOnly: boolean) => invoke<StockItem[]>("stock", { lowOnly }),
  adjustStock: (code: string, delta: number, reason: string) =>
    invoke<StockItem>("adjust_stock", { code, delta, reason }),
  notifications: () => invoke<Note[]>("notifications"),
};
