// A till as a row of a table, on the dashboard and the tills page alike.
import type { Schemas } from "./api";

const when = (at: string | null | undefined, never: string) => (at ? new Date(at).toLocaleString() : never);

export function tillRow(till: Schemas["TillView"], store: string) {
  return {
    id: till.id,
    till: till.till_code,
    store,
    status: till.status === "active" ? (till.online ? "online" : "offline") : "revoked",
    last_contact: when(till.last_contact, "never"),
    enrolled: when(till.enrolled_at, ""),
    credential: till.label,
  };
}
