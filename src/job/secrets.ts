import type { RequirementSet } from '../model/requirements.js';

/**
 * The values of inputs that cwltool's `Secrets` hint names (`secrets: [pw]`,
 * ids relative to the process or full ones like `#main/pw`): string values
 * only, as cwltool's secret store keeps them.
 */
export function secretValues(requirements: RequirementSet, inputs: Readonly<Record<string, unknown>>): string[] {
  const hint = requirements.get('cwltool:Secrets');
  const ids = Array.isArray(hint?.secrets) ? hint.secrets : [];
  return ids.flatMap((id) => {
    const name = String(id).split(/[#/]/).pop() ?? '';
    const value = inputs[name];
    return typeof value === 'string' && value.length > 0 ? [value] : [];
  });
}

/** `text` with every known secret value replaced, for anything that is logged. */
export function maskSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('(secret)');
  return out;
}
