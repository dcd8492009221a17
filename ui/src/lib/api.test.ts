import { describe, expect, it, vi } from "vitest";

// The shell, as the window reaches it: answers set by each test.
const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const { api, messageOf, codeOf, UNREADABLE } = await import("./api");

/** What a call that must fail fails with. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded");
}

describe("calls to the shell", () => {
  it("pass core's refusals on as they are, in words", async () => {
    invoke.mockImplementation(() => Promise.reject({ code: "bad_quantity", message: "You can return at most 1 × Milk." }));
    const error = await failureOf(api.scan("PRO-001", 0));
    expect(codeOf(error)).toBe("bad_quantity");
    expect(messageOf(error)).toBe("You can return at most 1 × Milk.");
  });

  it("never show what the shell says of arguments it could not read", async () => {
    invoke.mockImplementation(() =>
      Promise.reject(
        "invalid args `input` for command `preview_return`: invalid type: floating point `1.5`, expected i64",
      ),
    );
    vi.spyOn(console, "error").mockImplementation(() => {});
    const error = await failureOf(api.setQuantity(0, 1.5));
    expect(error).toEqual(UNREADABLE);
    expect(messageOf(error)).not.toMatch(/invalid|i64|command|args/);
  });

  it("answer what the shell answers", async () => {
    invoke.mockResolvedValue(["Produce"]);
    expect(await api.quickKeys()).toEqual(["Produce"]);
    expect(invoke).toHaveBeenCalledWith("quick_keys", undefined);
  });
});
