/**
 * One promise per key, made on first use and shared by every later and
 * concurrent caller: a document, a text or a download is fetched once however
 * many steps ask for it. A rejection is remembered like a value (each caller
 * sees it; nothing retries), and is marked handled here so that a promise no
 * caller awaits yet is not reported as unhandled.
 */
export class OncePerKey<V> {
  readonly #made = new Map<string, Promise<V>>();

  get(key: string, make: () => Promise<V>): Promise<V> {
    let made = this.#made.get(key);
    if (!made) {
      made = make();
      made.catch(() => undefined);
      this.#made.set(key, made);
    }
    return made;
  }
}
