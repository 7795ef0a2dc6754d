/** A small fetch-based Kubernetes client for the cluster's own tests (and anyone's): requests, watches, waiting. */

export type Json = any;

export interface Response { status: number; body: Json; text: string; headers: Headers }

export interface WatchEvent { type: string; object: Json }

export class TestClient {
  constructor(readonly url: string, readonly token: string | undefined, readonly namespace = 'bespin-test') {}

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = contentType;
    const res = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: Json = text;
    try { parsed = JSON.parse(text); } catch { /* plain text */ }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  pods(query = '', ns = this.namespace): string { return `/api/v1/namespaces/${ns}/pods${query}`; }

  get(path: string): Promise<Response> { return this.request('GET', path); }
  post(path: string, body: unknown): Promise<Response> { return this.request('POST', path, body); }
  patch(path: string, body: unknown, type = 'application/merge-patch+json'): Promise<Response> { return this.request('PATCH', path, body, type); }
  delete(path: string, body?: unknown): Promise<Response> { return this.request('DELETE', path, body); }

  createPod(pod: Json, ns = this.namespace): Promise<Response> { return this.post(this.pods('', ns), pod); }

  /** The pod via list + fieldSelector (what the engine's role allows). */
  async pod(name: string, ns = this.namespace): Promise<Json | undefined> {
    const r = await this.get(this.pods(`?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`, ns));
    if (r.status !== 200) throw new Error(`list pods: ${r.status} ${r.text}`);
    return r.body.items[0];
  }

  /** Polls the pod until `ok` holds (or throws with the last state after `timeoutMs`). */
  async waitForPod(name: string, ok: (pod: Json) => boolean, timeoutMs = 20_000, ns = this.namespace): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    let last: Json;
    for (;;) {
      last = await this.pod(name, ns);
      if (last && ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`pod ${name} did not get there in ${timeoutMs} ms; last: ${JSON.stringify(last?.status ?? last)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Opens a watch (path with query); events arrive in order through next(). */
  async watch(path: string): Promise<WatchStream> {
    const controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.url}${path}`, { headers, signal: controller.signal });
    return new WatchStream(res, controller);
  }
}

export class WatchStream {
  readonly events: WatchEvent[] = [];
  #read = 0;
  #waiters: (() => void)[] = [];
  ended = false;
  readonly done: Promise<void>;

  constructor(readonly response: globalThis.Response, readonly controller: AbortController) {
    this.done = this.#pump();
  }

  get status(): number { return this.response.status; }

  async #pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of this.response.body as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) this.events.push(JSON.parse(line));
          this.#wake();
        }
      }
    } catch { /* aborted */ }
    this.ended = true;
    this.#wake();
  }

  #wake(): void { for (const w of this.#waiters.splice(0)) w(); }

  /** The next event, or undefined when the stream ended or `timeoutMs` passed. */
  async next(timeoutMs = 10_000): Promise<WatchEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.events.length) {
      if (this.ended || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return this.events[this.#read++];
  }

  /** Skips events until one satisfies `ok`. */
  async until(ok: (e: WatchEvent) => boolean, timeoutMs = 20_000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (!e) throw new Error(`watch: no matching event in ${timeoutMs} ms (got ${this.events.map((x) => x.type).join(',')})`);
      if (ok(e)) return e;
    }
  }

  close(): void { this.controller.abort(); }
}

/** A minimal pod manifest: one container `main` with `image` running `sh -c script`. */
export function shellPod(name: string, script: string, extra: { image?: string; labels?: Record<string, string>; resources?: Json; spec?: Json; container?: Json } = {}): Json {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: extra.labels ?? {} },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: extra.image ?? 'docker.io/debian:stable-slim', command: ['sh', '-c', script], ...(extra.resources ? { resources: extra.resources } : {}), ...(extra.container ?? {}) }],
      ...(extra.spec ?? {}),
    },
  };
}
