/**
 * A small Docker Engine API client over the daemon's socket (what `docker
 * run/inspect/logs/events/kill/rm` do, without a process per call).
 */
import http from 'node:http';
import { PassThrough, type Readable } from 'node:stream';

export interface ContainerState {
  Status: string;
  Running: boolean;
  OOMKilled: boolean;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

export interface ContainerInfo { Id: string; Image: string; State: ContainerState; Config: { Labels: Record<string, string> } }
export interface ImageInfo { Id: string; RepoTags: string[] | null; RepoDigests?: string[]; Config: { User?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string } }
export interface DockerEvent { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; time: number; timeNano: number }

export class DockerError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export class Docker {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  readonly #socketPath: string;
  readonly #host?: { host: string; port: number };

  constructor(dockerHost = process.env.DOCKER_HOST) {
    if (dockerHost?.startsWith('tcp://')) {
      const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      this.#host = { host: u.hostname, port: Number(u.port || 2375) };
      this.#socketPath = '';
    } else {
      this.#socketPath = dockerHost?.startsWith('unix://') ? dockerHost.slice(7) : '/var/run/docker.sock';
    }
  }

  #open(method: string, path: string, body: unknown, stream: boolean): Promise<http.IncomingMessage> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request({
        ...(this.#host ?? { socketPath: this.#socketPath }), method, path, agent: stream ? false : this.#agent,
        headers: { host: 'docker', ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}) },
      }, resolve);
      req.on('error', reject);
      req.end(data);
    });
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, okMissing = false): Promise<T | undefined> {
    const res = await this.#open(method, path, body, false);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const status = res.statusCode ?? 0;
    if (status === 404 && okMissing) return undefined;
    if (status >= 300 && status !== 304) {
      let message = text;
      try { message = JSON.parse(text).message ?? text; } catch { /* plain text */ }
      throw new DockerError(status, message.trim());
    }
    return (text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : undefined) as T;
  }

  imageInspect(ref: string): Promise<ImageInfo | undefined> {
    return this.request<ImageInfo>('GET', `/images/${encodeURIComponent(ref)}/json`, undefined, true);
  }

  async createContainer(name: string, config: unknown): Promise<string> {
    const r = await this.request<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(name)}`, config);
    return r!.Id;
  }

  async start(id: string): Promise<void> { await this.request('POST', `/containers/${id}/start`); }

  async kill(id: string, signal = 'KILL'): Promise<void> {
    try {
      await this.request('POST', `/containers/${id}/kill?signal=${signal}`);
    } catch (error) {
      // Not running (409) or gone (404): nothing to kill.
      if (!(error instanceof DockerError && (error.status === 409 || error.status === 404))) throw error;
    }
  }

  /** Resolves when the container is not running. */
  async wait(id: string): Promise<void> {
    await this.request('POST', `/containers/${id}/wait?condition=not-running`, undefined, true);
  }

  async remove(id: string): Promise<void> {
    try {
      await this.request('DELETE', `/containers/${id}?force=1&v=1`);
    } catch (error) {
      if (!(error instanceof DockerError && (error.status === 404 || /already in progress/.test(error.message)))) throw error;
    }
  }

  inspect(id: string): Promise<ContainerInfo | undefined> {
    return this.request<ContainerInfo>('GET', `/containers/${id}/json`, undefined, true);
  }

  list(label: string): Promise<{ Id: string; Names: string[]; State: string }[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    return this.request<{ Id: string; Names: string[]; State: string }[]>('GET', `/containers/json?all=1&filters=${filters}`).then((r) => r ?? []);
  }

  /**
   * The container's log (stdout and stderr interleaved) as one demultiplexed
   * stream; with `follow` it ends when the container stops.
   */
  async logs(id: string, opts: { follow?: boolean; timestamps?: boolean; since?: number; tail?: number }): Promise<Readable> {
    const q = new URLSearchParams({ stdout: '1', stderr: '1', follow: opts.follow ? '1' : '0', timestamps: opts.timestamps ? '1' : '0' });
    if (opts.since !== undefined) q.set('since', opts.since.toFixed(9));
    if (opts.tail !== undefined) q.set('tail', String(opts.tail));
    const res = await this.#open('GET', `/containers/${id}/logs?${q}`, undefined, true);
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw new DockerError(res.statusCode ?? 0, Buffer.concat(chunks).toString());
    }
    return demux(res);
  }

  /** Streams container events for containers with `label`, from `since` (unix seconds), until stopped. */
  events(label: string, since: number, onEvent: (e: DockerEvent) => void, onEnd: (error?: Error) => void): () => void {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: [label] }));
    const path = `/events?since=${since.toFixed(9)}&filters=${filters}`;
    req = http.request({ ...(this.#host ?? { socketPath: this.#socketPath }), path, method: 'GET', agent: false, headers: { host: 'docker' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) { try { onEvent(JSON.parse(line)); } catch (error) { console.error('docker event handler failed:', error); } }
        }
      });
      res.on('end', () => { if (!stopped) onEnd(); });
      res.on('error', (e) => { if (!stopped) onEnd(e); });
    });
    req.on('error', (e) => { if (!stopped) onEnd(e); });
    req.end();
    return () => { stopped = true; req?.destroy(); req = undefined; };
  }

  close(): void { this.#agent.destroy(); }
}

/** Splits Docker's multiplexed stream (8-byte frame headers) into plain output. */
function demux(res: http.IncomingMessage): Readable {
  const out = new PassThrough();
  let pending: Buffer = Buffer.alloc(0);
  res.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      out.write(pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
  });
  res.on('end', () => out.end());
  res.on('error', (e) => out.destroy(e));
  out.on('close', () => res.destroy());
  return out;
}
