/** Object validation (422 Invalid) and decoding checks (400 BadRequest), per resource. */
import { QUANTITY_SYNTAX_MESSAGE, parseQuantity } from './quantity.js';
import { configKeyErrors, labelValueErrors, objectNameErrors } from './names.js';
import { mapErrors, podSpecErrors, podUpdateErrors } from './podValidation.js';
import type { ResourceDef } from './resources.js';
import { ApiError, type FieldError, invalid, notSupported, required } from './status.js';
import type { KObject, Obj } from './store.js';

const LABEL_NAMED = new Set(['namespaces', 'serviceaccounts']);

function metadataErrors(def: ResourceDef, meta: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const nameKind = LABEL_NAMED.has(def.plural) ? 'label' : 'subdomain';
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const e of objectNameErrors(meta.name, nameKind)) errs.push(invalid('metadata.name', meta.name, e));
  if (meta.generateName) for (const e of objectNameErrors(meta.generateName, nameKind, true)) errs.push(invalid('metadata.generateName', meta.generateName, e));
  errs.push(...mapErrors('metadata.labels', meta.labels, true));
  errs.push(...mapErrors('metadata.annotations', meta.annotations, false));
  const size = Object.entries((meta.annotations ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > 262144) errs.push({ type: 'TooLong', field: 'metadata.annotations', detail: 'must have at most 262144 bytes' });
  (meta.ownerReferences ?? []).forEach((r: Obj, i: number) => {
    for (const k of ['apiVersion', 'kind', 'name', 'uid']) if (!r[k]) errs.push(invalid(`metadata.ownerReferences[${i}].${k}`, r[k] ?? '', `${k} must not be empty`));
  });
  if ((meta.ownerReferences ?? []).filter((r: Obj) => r.controller).length > 1) errs.push(invalid('metadata.ownerReferences', meta.ownerReferences, 'Only one reference can have Controller set to true'));
  return errs;
}

function jobErrors(job: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = job.spec ?? {};
  if (!spec.template) return [required('spec.template')];
  errs.push(...mapErrors('spec.template.metadata.labels', spec.template.metadata?.labels, true));
  const jobName = spec.template.metadata?.labels?.['job-name'];
  if (jobName !== undefined) for (const e of labelValueErrors(jobName)) errs.push(invalid('spec.template.labels', jobName, e));
  errs.push(...podSpecErrors('spec.template.spec', spec.template.spec));
  const rp = spec.template.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported('spec.template.spec.restartPolicy', rp ?? 'Always', ['OnFailure', 'Never']));
  for (const k of ['parallelism', 'completions', 'backoffLimit']) {
    if (spec[k] !== undefined && spec[k] !== null && !(Number.isInteger(spec[k]) && spec[k] >= 0)) errs.push(invalid(`spec.${k}`, spec[k], 'must be greater than or equal to 0'));
  }
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds > 0)) errs.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than or equal to 1'));
  if (old && JSON.stringify(old.spec?.template) !== JSON.stringify(spec.template)) errs.push(invalid('spec.template', spec.template, 'field is immutable'));
  return errs;
}

function pvcErrors(pvc: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const modes = pvc.spec?.accessModes;
  const supported = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
  if (!Array.isArray(modes) || modes.length === 0) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  else for (const m of modes) if (!supported.includes(m)) errs.push(notSupported('spec.accessModes', m, supported));
  const storage = pvc.spec?.resources?.requests?.storage;
  if (storage === undefined) errs.push(required('spec.resources[storage]'));
  else if (!((parseQuantity(storage) ?? 0) > 0)) errs.push(invalid('spec.resources[storage]', String(storage), 'must be greater than zero'));
  if (old && JSON.stringify({ ...old.spec, resources: undefined }) !== JSON.stringify({ ...pvc.spec, resources: undefined })) {
    errs.push({ type: 'Forbidden', field: 'spec', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
  }
  return errs;
}

function dataKeyErrors(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['data', 'binaryData', 'stringData']) {
    for (const k of Object.keys(obj[field] ?? {})) for (const e of configKeyErrors(k)) errs.push(invalid(`${field}[${k}]`, k, e));
  }
  for (const k of Object.keys(obj.binaryData ?? {})) if (obj.data && Object.hasOwn(obj.data, k)) errs.push({ type: 'Duplicate', field: `data[${k}]`, value: k });
  return errs;
}

/** Validation of a (defaulted) object, as create and update run it; `old` for updates. */
export function validate(def: ResourceDef, obj: KObject, old?: KObject): void {
  const errs = metadataErrors(def, obj.metadata);
  switch (def.plural) {
    case 'pods':
      errs.push(...podSpecErrors('spec', obj.spec));
      if (old) errs.push(...podUpdateErrors(old.spec, obj.spec));
      break;
    case 'jobs': errs.push(...jobErrors(obj, old)); break;
    case 'persistentvolumeclaims': errs.push(...pvcErrors(obj, old)); break;
    case 'secrets': case 'configmaps': errs.push(...dataKeyErrors(obj)); break;
  }
  if (errs.length) throw ApiError.invalid(def, obj.metadata.name ?? '', errs);
}

// ---- decoding: what the real server rejects before validation, with 400 ----

function cannotHandle(def: ResourceDef, detail: string): ApiError {
  const kind = def.group ? `${def.kind}` : def.kind;
  return ApiError.badRequest(`${kind} in version "${def.version}" cannot be handled as a ${kind}: ${detail}`);
}

function checkStringMap(def: ResourceDef, field: string, goField: string, map: unknown): void {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) throw cannotHandle(def, `json: cannot unmarshal ${Array.isArray(map) ? 'array' : typeof map} into Go struct field ${goField}.${field} of type map[string]string`);
  for (const v of Object.values(map)) {
    if (typeof v !== 'string') throw cannotHandle(def, `json: cannot unmarshal ${typeof v} into Go struct field ${goField}.${field} of type string`);
  }
}

function checkPodSpec(def: ResourceDef, path: string, spec: unknown): void {
  if (spec === undefined || spec === null) return;
  const s = spec as Obj;
  for (const listName of ['containers', 'initContainers', 'volumes']) {
    if (s[listName] !== undefined && s[listName] !== null && !Array.isArray(s[listName])) {
      throw cannotHandle(def, `json: cannot unmarshal ${typeof s[listName]} into Go struct field PodSpec.${path}.${listName} of type []v1.${listName === 'volumes' ? 'Volume' : 'Container'}`);
    }
  }
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])] as Obj[]) {
    for (const k of ['command', 'args']) {
      const v = c?.[k];
      if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
        throw cannotHandle(def, `json: cannot unmarshal ${Array.isArray(v) ? 'number' : typeof v} into Go struct field Container.${path}.containers.${k} of type ${Array.isArray(v) ? 'string' : '[]string'}`);
      }
    }
    for (const which of ['requests', 'limits']) {
      for (const q of Object.values((c?.resources?.[which] ?? {}) as Record<string, unknown>)) {
        if (parseQuantity(q) === undefined) throw cannotHandle(def, QUANTITY_SYNTAX_MESSAGE);
      }
    }
    for (const e of (c?.env ?? []) as Obj[]) {
      if (e?.value !== undefined && e.value !== null && typeof e.value !== 'string') throw cannotHandle(def, `json: cannot unmarshal ${typeof e.value} into Go struct field EnvVar.${path}.containers.env.value of type string`);
    }
  }
  for (const v of (s.volumes ?? []) as Obj[]) {
    if (v?.emptyDir?.sizeLimit !== undefined && parseQuantity(v.emptyDir.sizeLimit) === undefined) throw cannotHandle(def, QUANTITY_SYNTAX_MESSAGE);
  }
}

/** Rejects bodies the real server could not decode into its Go types. */
export function decodeCheck(def: ResourceDef, body: Obj): void {
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || body.metadata === null || Array.isArray(body.metadata))) {
    throw cannotHandle(def, `json: cannot unmarshal ${typeof body.metadata} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`);
  }
  checkStringMap(def, 'metadata.labels', 'ObjectMeta', body.metadata?.labels);
  checkStringMap(def, 'metadata.annotations', 'ObjectMeta', body.metadata?.annotations);
  if (def.plural === 'pods') checkPodSpec(def, 'spec', body.spec);
  if (def.plural === 'jobs') {
    checkStringMap(def, 'spec.template.metadata.labels', 'ObjectMeta', body.spec?.template?.metadata?.labels);
    checkPodSpec(def, 'spec.template.spec', body.spec?.template?.spec);
  }
  if (def.plural === 'persistentvolumeclaims') {
    for (const q of Object.values((body.spec?.resources?.requests ?? {}) as Record<string, unknown>)) if (parseQuantity(q) === undefined) throw cannotHandle(def, QUANTITY_SYNTAX_MESSAGE);
  }
  if (def.plural === 'secrets' || def.plural === 'configmaps') {
    checkStringMap(def, def.plural === 'secrets' ? 'data' : 'data', def.kind, body.data);
    if (def.plural === 'secrets') {
      checkStringMap(def, 'stringData', def.kind, body.stringData);
      for (const v of Object.values((body.data ?? {}) as Record<string, string>)) {
        const bad = /[^A-Za-z0-9+/=]/.exec(v);
        if (bad || v.length % 4 !== 0) throw cannotHandle(def, `illegal base64 data at input byte ${bad ? bad.index : v.length}`);
      }
    }
  }
}
