import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const ENGINE_MARKER = randomBytes(12).toString('hex');
let stepsMarked = 0;

/** The environment variable that marks every process a host tool starts. */
export const STEP_TOKEN_VARIABLE = 'BESPIN_STEP_TOKEN';

/** How many times a sweep looks again: a process may fork between the listing and its kill. */
const MAX_SWEEPS = 10;

/** Up to this many pids handed out since the tool started are tried one by one; beyond, /proc is listed. */
const MAX_PROBED_PIDS = 256;

/**
 * A host tool's whole process tree, found by a random marker in the
 * environment every process it starts inherits (`BESPIN_STEP_TOKEN`). Its
 * process group is killed as before; what left the group (setsid, setpgid,
 * a daemon's double fork) is found under /proc by the marker and killed
 * too. It needs no privilege and no extra process per step: /proc/PID/environ
 * is readable for the user's own processes (and for all as root). Only
 * processes started after the tool are read (pids are handed out in
 * increasing order until they wrap; a short step's are tried one by one), so
 * a sweep reads a few files, not every process's. A process that clears or
 * rewrites its environment and re-execs carries no marker and is not found.
 */
export class StepProcesses {
  /** `enclosing`: the marker of the step this engine itself runs in (bespin run by bespin's host tool), kept beside its own. */
  constructor(readonly enclosing?: string) {}

  /** 96 random bits drawn once per engine, then a count: no other process's environment holds it by chance, and a step costs no draw. */
  readonly token = `${ENGINE_MARKER}${(stepsMarked++).toString(36)}.`;
  readonly #needle = Buffer.from(this.token);

  /**
   * The job's environment with the marker. An engine that is itself a
   * step's tool (bespin run by bespin) keeps that step's marker too, so the
   * outer engine's sweep still finds what the inner one starts.
   */
  environment(env: Readonly<Record<string, string>>): Record<string, string> {
    return { ...env, [STEP_TOKEN_VARIABLE]: this.enclosing ? `${this.enclosing} ${this.token}` : this.token };
  }

  /** SIGKILLs every process that carries the marker, started at or after `firstPid`; returns how many. */
  killAll(firstPid: number): number {
    // A killed process may still be exiting (its environment readable) when
    // the next round looks: only a process not yet signalled means another round.
    const signalled = new Set<number>();
    for (let round = 0; round < MAX_SWEEPS; round++) {
      const fresh = this.#marked(firstPid).filter((pid) => !signalled.has(pid));
      if (fresh.length === 0) break;
      for (const pid of fresh) {
        signalled.add(pid);
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ }
      }
    }
    return signalled.size;
  }

  #marked(firstPid: number): number[] {
    const last = lastPid();
    // Few pids handed out since the tool started (a short step): try each;
    // else (a long step, or the pids wrapped) list /proc.
    const candidates = last >= firstPid && last - firstPid <= MAX_PROBED_PIDS
      ? Array.from({ length: last - firstPid + 1 }, (_, i) => firstPid + i)
      : procEntries().map(Number).filter((pid) => Number.isInteger(pid) && (last < firstPid || pid >= firstPid));
    return candidates.filter((pid) => this.#carriesMarker(pid));
  }

  #carriesMarker(pid: number): boolean {
    const file = `/proc/${pid}/environ`;
    // Most pids tried are gone: an existence check costs less than a thrown ENOENT.
    if (!existsSync(file)) return false;
    let environ: Buffer;
    try {
      environ = readFileSync(file);
    } catch {
      return false; // gone, or another user's
    }
    return environ.includes(this.#needle);
  }
}

function procEntries(): string[] {
  try {
    return readdirSync('/proc');
  } catch {
    return [];
  }
}

/** The last pid handed out in this pid namespace; 0 (look at every process) when the kernel does not say. */
function lastPid(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8')) || 0;
  } catch {
    return 0;
  }
}
