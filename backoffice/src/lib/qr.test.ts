import { describe, expect, it } from "vitest";
import { enrolmentTicket, qrSvg } from "./qr";

describe("enrolment tickets", () => {
  it("hold the address without its slash, then the code", () => {
    expect(enrolmentTicket("https://sync.example.com/", " sse_abc_DEF ")).toBe("https://sync.example.com#sse_abc_DEF");
  });
});

describe("QR codes", () => {
  it("are SVG, and larger for longer texts", async () => {
    const short = await qrSvg("sse_1");
    const long = await qrSvg(`https://sync.example.com#sse_${"x".repeat(120)}`);
    expect(short.startsWith("<svg")).toBe(true);
    const size = (svg: string) => Number(/viewBox="0 0 (\d+)/.exec(svg)?.[1]);
    expect(size(long)).toBeGreaterThan(size(short));
  });
});
