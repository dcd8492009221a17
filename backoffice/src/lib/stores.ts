// The dashboard's comparison of stores: each store's share of the business's net takings
// and its average sale, from the figures the gateway added up.
import type { Schemas } from "./api";

export interface StoreComparison {
  store_id: string;
  store: string;
  net: number;
  /** Of the business's net, in percent to one decimal; 0 when the net is not above 0. */
  share: number;
  /** Sales' takings over their count, to the cent; 0 without sales. */
  average_sale: number;
}

const cents = (value: number) => Math.round(value * 100) / 100;

export function compareStores(stores: Schemas["StoreTakings"][]): StoreComparison[] {
  const total = stores.reduce((sum, s) => sum + Number(s.net), 0);
  return stores
    .map((s) => ({
      store_id: s.store_id,
      store: s.store_name,
      net: Number(s.net),
      share: total > 0 ? Math.round((Number(s.net) / total) * 1000) / 10 : 0,
      average_sale: s.sales_count > 0 ? cents(Number(s.sales) / s.sales_count) : 0,
    }))
    .sort((a, b) => b.net - a.net || a.store.localeCompare(b.store));
}
