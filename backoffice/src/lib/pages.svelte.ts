// A list read a page at a time by cursor, as every list of the gateway answers: the page
// shown, where the next begins, and the way back (each page's cursor so far). A search
// asked while typing waits for a pause first.
import { words } from "./api";

type Answer<T> = { data?: { data: T[]; next_cursor?: string | null }; error?: unknown };

export class Pages<T> {
  items = $state<T[]>([]);
  next = $state<string | null>(null);
  before = $state<string[]>([]);
  error = $state("");
  #read: (cursor?: string) => Promise<Answer<T>>;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `read` asks the gateway for the page that begins at a cursor (the first without). */
  constructor(read: (cursor?: string) => Promise<Answer<T>>) {
    this.#read = read;
  }

  async #load(cursor?: string): Promise<void> {
    this.error = "";
    try {
      const { data, error } = await this.#read(cursor);
      if (!data) {
        this.error = words(error);
        return;
      }
      this.items = data.data;
      this.next = data.next_cursor ?? null;
    } catch (e) {
      this.error = words(e);
    }
  }

  /** The first page again (after a change of what is asked). */
  first(): Promise<void> {
    this.before = [];
    return this.#load();
  }

  /** The first page, once typing pauses. */
  firstSoon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.first(), 250);
  }

  forward(): void {
    if (!this.next) return;
    this.before = [...this.before, this.next];
    this.#load(this.next);
  }

  back(): void {
    this.before = this.before.slice(0, -1);
    this.#load(this.before.at(-1));
  }
}
