/** Pod spec validation (pkg/apis/core/validation), the part bespin can get wrong. */
import { parseQuantity, canonicalAmount } from './quantity.js';
import { dns1123LabelErrors, envNameErrors, labelKeyErrors, labelValueErrors } from './names.js';
import { type FieldError, duplicate, forbiddenField, invalid, notFoundField, notSupported, required } from './status.js';
import type { Obj } from './store.js';

const VOLUME_SOURCES = ['persistentVolumeClaim', 'emptyDir', 'secret', 'configMap', 'hostPath', 'projected', 'downwardAPI', 'nfs', 'csi', 'ephemeral'];
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const OVERCOMMITTABLE = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function mapErrors(field: string, map: unknown, values: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries((map ?? {}) as Record<string, string>)) {
    for (const e of labelKeyErrors(k)) errs.push(invalid(field, k, e));
    if (values) for (const e of labelValueErrors(String(v))) errs.push(invalid(field, v, e));
  }
  return errs;
}

const isExtended = (name: string): boolean => name.includes('/') && !name.startsWith('kubernetes.io/') && !name.includes('.kubernetes.io/');

function resourceErrors(path: string, resources: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const requests = (resources?.requests ?? {}) as Record<string, unknown>;
  const limits = (resources?.limits ?? {}) as Record<string, unknown>;
  for (const [which, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, raw] of Object.entries(list)) {
      const f = `${path}.${which}[${name}]`;
      const shown = String(raw);
      if (name.startsWith('hugepages-')) continue;
      if (!name.includes('/') ? !STANDARD_CONTAINER_RESOURCES.has(name) : !isExtended(name)) {
        errs.push(invalid(f, name, 'must be a standard resource for containers'));
        continue;
      }
      const v = parseQuantity(raw);
      if (v === undefined) continue; // rejected when decoding
      if (v < 0) errs.push(invalid(f, shown, 'must be greater than or equal to 0'));
      if (isExtended(name) && !Number.isInteger(v)) errs.push(invalid(f, shown, 'must be an integer'));
    }
  }
  for (const [name, raw] of Object.entries(requests)) {
    const req = parseQuantity(raw);
    if (req === undefined) continue;
    const limRaw = limits[name];
    const lim = parseQuantity(limRaw);
    if (isExtended(name)) {
      if (lim === undefined) errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
      else if (canonicalAmount(name, req) !== canonicalAmount(name, lim)) errs.push(invalid(`${path}.requests[${name}]`, String(raw), `must be equal to ${name} limit of ${String(limRaw)}`));
    } else if (OVERCOMMITTABLE.has(name) && lim !== undefined && canonicalAmount(name, req) > canonicalAmount(name, lim)) {
      errs.push(invalid(`${path}.requests`, String(raw), `must be less than or equal to ${name} limit of ${String(limRaw)}`));
    }
  }
  return errs;
}

function idRange(field: string, v: unknown): FieldError[] {
  return v === undefined || v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2147483647) ? [] : [invalid(field, v, 'must be between 0 and 2147483647, inclusive')];
}

function securityContextErrors(path: string, sc: Obj | undefined): FieldError[] {
  if (!sc) return [];
  return [...idRange(`${path}.runAsUser`, sc.runAsUser), ...idRange(`${path}.runAsGroup`, sc.runAsGroup), ...idRange(`${path}.fsGroup`, sc.fsGroup)];
}

function containerErrors(path: string, c: Obj, volumes: Set<string>, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else {
    for (const e of dns1123LabelErrors(c.name)) errs.push(invalid(`${path}.name`, c.name, e));
    if (names.has(c.name)) errs.push(duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image || !String(c.image).trim()) errs.push(required(`${path}.image`));
  if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) errs.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  if (c.terminationMessagePolicy !== undefined && !['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) errs.push(notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  (c.env ?? []).forEach((e: Obj, i: number) => {
    const f = `${path}.env[${i}]`;
    if (!e.name) errs.push(required(`${f}.name`));
    else for (const m of envNameErrors(e.name)) errs.push(invalid(`${f}.name`, e.name, m));
    if (e.valueFrom) {
      const kinds = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => e.valueFrom[k]);
      if (e.value) errs.push(invalid(`${f}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      if (kinds.length !== 1) errs.push(invalid(`${f}.valueFrom`, '', 'may not have more than one field specified at a time'));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) if (e.valueFrom[k] && !e.valueFrom[k].key) errs.push(required(`${f}.valueFrom.${k}.key`));
      if (e.valueFrom.fieldRef && !e.valueFrom.fieldRef.fieldPath) errs.push(required(`${f}.valueFrom.fieldRef.fieldPath`));
    }
  });
  (c.envFrom ?? []).forEach((e: Obj, i: number) => {
    const n = (e.configMapRef ? 1 : 0) + (e.secretRef ? 1 : 0);
    if (n !== 1) errs.push(invalid(`${path}.envFrom[${i}]`, '', 'may not have more than one field specified at a time'));
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m: Obj, i: number) => {
    const f = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(required(`${f}.name`));
    else if (!volumes.has(m.name)) errs.push(notFoundField(`${f}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${f}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(`${f}.mountPath`, m.mountPath, 'must be unique'));
    else mountPaths.add(m.mountPath);
    if (m.subPath) {
      if (String(m.subPath).startsWith('/')) errs.push(invalid(`${f}.subPath`, m.subPath, 'must be a relative path'));
      if (String(m.subPath).split('/').includes('..')) errs.push(invalid(`${f}.subPath`, m.subPath, "must not contain '..'"));
    }
  });
  errs.push(...resourceErrors(`${path}.resources`, c.resources));
  errs.push(...securityContextErrors(`${path}.securityContext`, c.securityContext));
  return errs;
}

/** Errors in a pod spec at `path` (`spec`, or `spec.template.spec` for a job). */
export function podSpecErrors(path: string, spec: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = spec ?? {};
  const volumes = new Set<string>();
  (s.volumes ?? []).forEach((v: Obj, i: number) => {
    const f = `${path}.volumes[${i}]`;
    if (!v.name) errs.push(required(`${f}.name`));
    else {
      for (const e of dns1123LabelErrors(v.name)) errs.push(invalid(`${f}.name`, v.name, e));
      if (volumes.has(v.name)) errs.push(duplicate(`${f}.name`, v.name));
      volumes.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((k) => v[k] !== undefined);
    if (sources.length === 0) errs.push(required(f, 'must specify a volume type'));
    else if (sources.length > 1) errs.push(forbiddenField(`${f}.${sources[1]}`, 'may not specify more than 1 volume type'));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(required(`${f}.persistentVolumeClaim.claimName`));
    if (v.secret && !v.secret.secretName) errs.push(required(`${f}.secret.secretName`));
    if (v.configMap && !v.configMap.name) errs.push(required(`${f}.configMap.name`));
    if (v.hostPath && !v.hostPath.path) errs.push(required(`${f}.hostPath.path`));
  });
  const names = new Set<string>();
  (s.initContainers ?? []).forEach((c: Obj, i: number) => errs.push(...containerErrors(`${path}.initContainers[${i}]`, c, volumes, names)));
  if (!Array.isArray(s.containers) || s.containers.length === 0) errs.push(required(`${path}.containers`));
  else s.containers.forEach((c: Obj, i: number) => errs.push(...containerErrors(`${path}.containers[${i}]`, c, volumes, names)));
  if (s.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(s.restartPolicy)) errs.push(notSupported(`${path}.restartPolicy`, s.restartPolicy, ['Always', 'OnFailure', 'Never']));
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null && !(Number.isInteger(s.activeDeadlineSeconds) && s.activeDeadlineSeconds >= 1 && s.activeDeadlineSeconds <= 2147483647)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  if (s.terminationGracePeriodSeconds !== undefined && s.terminationGracePeriodSeconds < 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, s.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  errs.push(...mapErrors(`${path}.nodeSelector`, s.nodeSelector, true));
  errs.push(...securityContextErrors(`${path}.securityContext`, s.securityContext));
  return errs;
}

/** Pods are immutable but for a few fields; anything else is Forbidden as on the real server. */
export function podUpdateErrors(oldSpec: Obj, newSpec: Obj): FieldError[] {
  const strip = (spec: Obj): Obj => {
    const s = structuredClone(spec);
    for (const list of [s.containers, s.initContainers]) for (const c of list ?? []) delete c.image;
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    return s;
  };
  const errs: FieldError[] = [];
  if (JSON.stringify(strip(oldSpec)) !== JSON.stringify(strip(newSpec))) {
    errs.push(forbiddenField('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
  }
  const oldDeadline = oldSpec.activeDeadlineSeconds, newDeadline = newSpec.activeDeadlineSeconds;
  if (oldDeadline !== undefined && (newDeadline === undefined || newDeadline > oldDeadline)) {
    errs.push(invalid('spec.activeDeadlineSeconds', newDeadline ?? null, 'must be less than or equal to previous value'));
  }
  return errs;
}
