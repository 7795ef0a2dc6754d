import { rm } from 'node:fs/promises';
import type { PathLayout } from '../backends/backend.js';
import type { JobDirectories } from '../job/commandLineJob.js';
import { SpareTmpdirs, makeTempDir, removeTree, removeTrees } from './jobDirectories.js';

/** --tmpdir-prefix and --tmp-outdir-prefix, as the run makes its job directories from them. */
export interface ScratchPrefixes {
  readonly tmpdir: string;
  readonly tmpOutdir: string;
}

/**
 * The run's job directories, owned in one place: made from the scratch
 * prefixes as the backend lays them out, known (every job output directory
 * still there, the only places relocation may move outputs from), and
 * removed as jobs end and when the run ends. Under --leave-tmpdir nothing
 * is removed. Built once by the CLI; a scatter works through a view of it
 * that hands its finished jobs' empty scratch directories to its next jobs.
 */
export class ScratchSpace {
  #outdirs = new Set<string>();
  #spare: SpareTmpdirs | undefined;

  constructor(readonly prefixes: ScratchPrefixes, readonly layout: PathLayout, readonly leaves: boolean) {}

  /** Every job output directory made and not removed. */
  get outdirs(): ReadonlySet<string> {
    return this.#outdirs;
  }

  /**
   * Where one attempt at a tool run keeps its files; outdir is kept until
   * outputs are relocated. The staging directory is only named here: it is
   * created when something is staged, which most small jobs never need.
   */
  async jobDirectories(): Promise<JobDirectories> {
    // Both at once: the job holds its place in the resource pool meanwhile.
    const [hostTmpdir, hostOutdir] = await Promise.all([this.#spare?.take() ?? makeTempDir(this.prefixes.tmpdir), makeTempDir(this.prefixes.tmpOutdir)]);
    this.#outdirs.add(hostOutdir);
    const podTmpdir = this.layout.privateTmpdir(this.prefixes.tmpdir);
    // Staged inputs must be where the process can see them: beside the output
    // directory when the scratch space is the backend's own.
    if (podTmpdir !== undefined) return { hostOutdir, hostTmpdir, hostStageDir: `${hostOutdir}.stage`, podTmpdir };
    return { hostOutdir, hostTmpdir, hostStageDir: `${hostTmpdir}.stage` };
  }

  /** An output directory alone: an ExpressionTool's, or one a cached step's outputs are restored into. */
  async outdir(): Promise<string> {
    const dir = await makeTempDir(this.prefixes.tmpOutdir);
    this.#outdirs.add(dir);
    return dir;
  }

  /**
   * Removes an attempt's scratch space, and its output directory unless its
   * outputs are used: a failed or cancelled attempt's outputs never are.
   */
  async release(dirs: JobDirectories, staged: boolean, keepOutdir: boolean): Promise<void> {
    if (this.leaves) return;
    // The staging directory is named after the scratch one: gone before another job may take that.
    if (staged) await rm(dirs.hostStageDir, { recursive: true, force: true });
    if (!this.#spare?.keep(dirs.hostTmpdir)) await removeTree(dirs.hostTmpdir);
    if (!keepOutdir) {
      this.#outdirs.delete(dirs.hostOutdir);
      await removeTree(dirs.hostOutdir);
    }
  }

  /** The same scratch space for one scatter's jobs, which pass their empty scratch directories on. */
  withSpareTmpdirs(): ScratchSpace {
    const scoped = new ScratchSpace(this.prefixes, this.layout, this.leaves);
    scoped.#outdirs = this.#outdirs;
    scoped.#spare = new SpareTmpdirs();
    return scoped;
  }

  /** Removes the spare scratch directories no job took, once the scatter has settled. */
  async removeSpareTmpdirs(): Promise<void> {
    await this.#spare?.removeAll();
  }

  /** A successful run's end: the job output directories go, their outputs moved or copied out. */
  async removeOutdirs(): Promise<void> {
    if (!this.leaves) await removeTrees(this.#outdirs);
  }

  /**
   * A failed run's end: every job output directory and its staging directory.
   * The jobs' own clean-up runs concurrently, so this is a second pass over the same set.
   */
  async removeAll(): Promise<void> {
    if (this.leaves) return;
    await Promise.all([...this.#outdirs].flatMap((d) => [rm(d, { recursive: true, force: true }), rm(`${d}.stage`, { recursive: true, force: true })]));
  }
}
