// The gateway's REST API, typed from its OpenAPI document: `schema.d.ts` is generated from
// server/openapi.json by `npm run types` (openapi-typescript), never written by hand. The
// session is the browser's cookie; every change carries the session's CSRF token.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type SessionView = Schemas["SessionView"];
export type Dashboard = Schemas["Dashboard"];

let csrf = "";
const signedOutListeners: Array<() => void> = [];

/** The CSRF token of the session the page is in. */
export function useSession(session: SessionView | null): void {
  csrf = session?.csrf_token ?? "";
}

/** Calls `listener` whenever the gateway says the session has ended. */
export function onSignedOut(listener: () => void): void {
  signedOutListeners.push(listener);
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== "GET" && csrf) request.headers.set("X-CSRF-Token", csrf);
    return request;
  },
  onResponse({ request, response }) {
    // A 401 ends the page's session, but for the session's own errands: a sign-in, a
    // password link, a second factor's code, each refused in words instead.
    const path = new URL(request.url).pathname;
    const own = path === "/v1/session" ? request.method === "POST" : path.startsWith("/v1/session/");
    if (response.status === 401 && !own) signedOutListeners.forEach((listener) => listener());
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(session);

/** What went wrong, in the gateway's words: a problem's detail, or why there was no answer. */
export function words(error: unknown): string {
  if (error && typeof error === "object" && "detail" in error && typeof error.detail === "string") {
    return error.detail;
  }
  if (error instanceof Error) return `The Sell Sync server could not be reached: ${error.message}`;
  return "The Sell Sync server gave an answer this page does not understand.";
}
