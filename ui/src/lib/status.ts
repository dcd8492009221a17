// The status bar's words.
import type { StatusView } from "./api";

/** How syncing stands, in a cashier's words. */
export function syncLabel(status: StatusView): string {
  switch (status.sync) {
    case "not_set_up":
      return "Offline: no central database set up";
    case "connecting":
      return "Connecting to the central database…";
    case "online":
      return status.last_sync ? `Online · synced ${status.last_sync}` : "Online";
    case "offline":
      return status.last_sync ? `Offline since ${status.last_sync} · retrying` : "Offline · retrying";
  }
}
