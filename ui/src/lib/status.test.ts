import { describe, expect, it } from "vitest";
import { syncLabel } from "./status";
import type { StatusView } from "./api";

const base: StatusView = {
  sync: "online", central: "db.example.net/shop", sync_error: null,
  pending: 0, parked: 0, last_sync: "14:05", printer: null,
};

describe("the status bar", () => {
  it("says whether the till is online and when it last synced", () => {
    expect(syncLabel(base)).toBe("Online · synced 14:05");
    expect(syncLabel({ ...base, last_sync: null })).toBe("Online");
    expect(syncLabel({ ...base, sync: "offline" })).toBe("Offline since 14:05 · retrying");
    expect(syncLabel({ ...base, sync: "offline", last_sync: null })).toBe("Offline · retrying");
    expect(syncLabel({ ...base, sync: "not_set_up" })).toBe("Offline: no central database set up");
    expect(syncLabel({ ...base, sync: "connecting" })).toContain("Connecting");
  });
});
