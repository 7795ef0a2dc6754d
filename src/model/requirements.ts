import type { Process, Requirement } from '../model/types.js';

/**
 * The requirements in force for one process run: its own requirements win over
 * those inherited from enclosing workflows/steps, which win over any hint.
 */
export class RequirementSet {
  readonly #requirements: readonly Requirement[];
  readonly #hints: readonly Requirement[];
  /** `cwl:requirements` of the job object: they win over everything in the documents. */
  readonly #overrides: readonly Requirement[];

  constructor(requirements: readonly Requirement[], hints: readonly Requirement[], overrides: readonly Requirement[] = []) {
    this.#requirements = requirements;
    this.#hints = hints;
    this.#overrides = overrides;
  }

  static fromJobObject(overrides: readonly Requirement[]): RequirementSet {
    return new RequirementSet([], [], overrides);
  }

  static forProcess(process: Process, inherited?: RequirementSet): RequirementSet {
    const base = inherited ?? EMPTY;
    return base.withLayer(process.requirements, process.hints);
  }

  /** A set for a step: the step's own requirements/hints layered on the workflow's. */
  withLayer(requirements: readonly Requirement[], hints: readonly Requirement[]): RequirementSet {
    return new RequirementSet([...this.#requirements, ...requirements], [...this.#hints, ...hints], this.#overrides);
  }

  /** The effective entry of a class: the last requirement, else the last hint. */
  get(cls: string): Requirement | undefined {
    for (let i = this.#overrides.length - 1; i >= 0; i--) if (this.#overrides[i]!.class === cls) return this.#overrides[i];
    for (let i = this.#requirements.length - 1; i >= 0; i--) if (this.#requirements[i]!.class === cls) return this.#requirements[i];
    for (let i = this.#hints.length - 1; i >= 0; i--) if (this.#hints[i]!.class === cls) return this.#hints[i];
    return undefined;
  }

  isRequired(cls: string): boolean {
    return this.#requirements.some((r) => r.class === cls) || this.#overrides.some((r) => r.class === cls);
  }

  /** The effective entry of every class named anywhere in the set, in order of first appearance. */
  effective(): Requirement[] {
    const classes = new Set([...this.#hints, ...this.#requirements, ...this.#overrides].map((r) => r.class));
    return [...classes].map((cls) => this.get(cls)!);
  }

  has(cls: string): boolean {
    return this.get(cls) !== undefined;
  }
}

const EMPTY = new RequirementSet([], []);
