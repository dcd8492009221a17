// QR codes drawn in the page, as SVG: an enrolment ticket a till's scanner reads, and the
// address of a second factor an authenticator app reads. Nothing leaves the browser.
import QRCode from "qrcode";

/** `text` as a QR code, an SVG document's text. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/**
 * What a new till is enrolled with in one piece: this server's address and a store's
 * code, `https://sync.example.com#sse_…` (read by `read_enrolment_ticket` in the
 * contract crate, which the till's code field and `sellsync init --enrol` take).
 */
export function enrolmentTicket(origin: string, code: string): string {
  return `${origin.trim().replace(/\/+$/, "")}#${code.trim()}`;
}
