import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, milliValue, resourceAmounts } from './quantity.js';
import { parseLabelSelector, matchesLabels, parseFieldSelector, matchesFields } from './selectors.js';
import { labelKeyErrors, labelValueErrors, objectNameErrors } from './names.js';
import { parseImage } from './images.js';
import { mergePatch, strategicMerge, jsonPatch } from './patch.js';
import { expand } from './containerConfig.js';
import { ApiError } from './status.js';

test('quantities follow the Kubernetes grammar', () => {
  const cases: [string, number][] = [
    ['100m', 0.1], ['1.5', 1.5], ['2Gi', 2 * 2 ** 30], ['512Mi', 512 * 2 ** 20], ['1e3', 1000], ['1G', 1e9], ['1k', 1000],
    ['.5', 0.5], ['5.', 5], ['+1', 1], ['-1', -1], ['1E3', 1000], ['1E', 1e18], ['1Ki', 1024], ['250u', 0.00025], ['3n', 3e-9], ['1e-3', 0.001],
  ];
  for (const [text, value] of cases) assert.equal(parseQuantity(text), value, text);
  for (const bad of ['', '1.2.3', '12XB', 'abc', '1 Gi', ' 1', 'Gi', '1gi', '1e', '1KiB', '--1', '1.5.Mi']) assert.equal(parseQuantity(bad), undefined, bad);
  assert.equal(parseQuantity(2), 2);
  assert.equal(milliValue(parseQuantity('0.1')!), 100);
  assert.equal(milliValue(parseQuantity('1m')!), 1);
  assert.deepEqual([...resourceAmounts({ cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' })], [['cpu', 500], ['memory', 2 ** 30], ['nvidia.com/gpu', 1]]);
});

test('label selectors parse and match like labels.Parse', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };
  const t = (sel: string): boolean => matchesLabels(parseLabelSelector(sel), labels);
  assert.ok(t('app=web'));
  assert.ok(t('app==web'));
  assert.ok(!t('app!=web'));
  assert.ok(t('missing!=x'));
  assert.ok(t('app in (web, api)'));
  assert.ok(!t('app notin (web)'));
  assert.ok(t('missing notin (web)'));
  assert.ok(t('tier'));
  assert.ok(!t('!tier'));
  assert.ok(t('!missing'));
  assert.ok(t('app=web,tier=front'));
  assert.ok(!t('app=web,tier=back'));
  assert.ok(t('version>2'));
  assert.ok(!t('version<2'));
  assert.ok(t(''));
  assert.ok(matchesLabels(parseLabelSelector('a='), { a: '' }));
  for (const bad of ['app in web', 'app=(x)', '=x', 'a b', 'bad key=x', 'a=b c']) {
    assert.throws(() => parseLabelSelector(bad), (e: unknown) => e instanceof ApiError && e.code === 400, bad);
  }
});

test('field selectors know the fields of each resource', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  assert.ok(matchesFields(parseFieldSelector('metadata.name=p,status.phase!=Failed', 'pods'), pod));
  assert.ok(!matchesFields(parseFieldSelector('spec.nodeName==n2', 'pods'), pod));
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName=', 'pods'), { metadata: { name: 'q' }, spec: {} }));
  assert.throws(() => parseFieldSelector('spec.foo=x', 'pods'), /field label not supported: spec.foo/);
  assert.throws(() => parseFieldSelector('status.phase=x', 'secrets'), /field label not supported/);
});

test('names, label keys and values are checked with the API server messages', () => {
  assert.deepEqual(objectNameErrors('ok-name.x', 'subdomain'), []);
  assert.match(objectNameErrors('Bad_Name', 'subdomain')[0]!, /^a lowercase RFC 1123 subdomain must consist of/);
  assert.match(objectNameErrors('x'.repeat(254), 'subdomain')[0]!, /must be no more than 253 characters/);
  assert.deepEqual(objectNameErrors('run-', 'subdomain', true), []);
  assert.deepEqual(labelKeyErrors('example.com/My_Key.1'), []);
  assert.match(labelKeyErrors('a/b/c')[0]!, /a qualified name must consist/);
  assert.match(labelKeyErrors('Bad.Prefix/x')[0]!, /^prefix part a lowercase RFC 1123 subdomain/);
  assert.match(labelKeyErrors(`${'k'.repeat(64)}`)[0]!, /^name part must be no more than 63 characters/);
  assert.deepEqual(labelValueErrors(''), []);
  assert.match(labelValueErrors('v'.repeat(64))[0]!, /must be no more than 63 characters/);
  assert.match(labelValueErrors('bad value')[0]!, /^a valid label must be an empty string or consist of/);
});

test('image references are parsed and normalized as the kubelet does', () => {
  assert.deepEqual(parseImage('debian'), { ok: true, normalized: 'docker.io/library/debian:latest' });
  assert.deepEqual(parseImage('docker.io/python:3-slim'), { ok: true, normalized: 'docker.io/library/python:3-slim' });
  assert.deepEqual(parseImage('eo/tool:1'), { ok: true, normalized: 'docker.io/eo/tool:1' });
  assert.deepEqual(parseImage('localhost:5000/x/y'), { ok: true, normalized: 'localhost:5000/x/y:latest' });
  const bad = parseImage('Debian:latest');
  assert.ok(!bad.ok && /repository name must be lowercase/.test(bad.message));
  const bad2 = parseImage('debian::1');
  assert.ok(!bad2.ok && bad2.message === 'Failed to apply default image tag "debian::1": couldn\'t parse image reference "debian::1": invalid reference format');
});

test('patches: merge, strategic (lists by key) and JSON patch', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] }), { a: 1, b: { d: 3, e: 4 }, f: [1] });
  const pod = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }, metadata: { finalizers: ['f1'] } };
  assert.deepEqual(strategicMerge(pod, { spec: { containers: [{ name: 'b', image: 'z' }] }, metadata: { finalizers: ['f2'] } }), {
    spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }] }, metadata: { finalizers: ['f1', 'f2'] },
  });
  assert.deepEqual(strategicMerge(pod, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }), { ...pod, spec: { containers: [{ name: 'b', image: 'y' }] } });
  assert.deepEqual(jsonPatch({ a: [1, 2], b: 1 }, [{ op: 'add', path: '/a/-', value: 3 }, { op: 'remove', path: '/b' }, { op: 'add', path: '/c~1d', value: true }]), { a: [1, 2, 3], 'c/d': true });
});

test('$(VAR) references expand as in command, args and env', () => {
  const env = new Map([['A', 'x'], ['B', 'y']]);
  assert.equal(expand('$(A)-$(B)-$(C)-$$(A)-$$', env), 'x-y-$(C)-$(A)-$');
});
