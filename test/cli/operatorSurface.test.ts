/**
 * Calrissian's operator surface without a run: where option values come
 * from (--conf, ~/.calrissian/default.json) and the RETRY_* defaults. The
 * files the platform reads and what a signal does are checked through the
 * CLI, as an operator sees them, in operatorSurface.itest.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scratch } from '../helpers/cli.js';
import { resolveOptions } from '../../src/cli/conf.js';
import { retryDelaySeconds } from '../../src/backends/kubernetes/apiRetry.js';
import { apiRetryPolicy } from '../../src/cli/environment.js';

test('option values: bespin defaults < ~/.calrissian/default.json < --conf < the command line', async () => {
  const home = await scratch({});
  await mkdir(path.join(home, '.calrissian'));
  await writeFile(path.join(home, '.calrissian', 'default.json'), JSON.stringify({ max_ram: '1G', max_cores: '2', outdir: '/from/default', use_container: false, pod_labels: '/from/default/labels.json' }));
  const conf = path.join(home, 'conf.json');
  await writeFile(conf, JSON.stringify({ max_ram: '2G', outdir: '/from/conf', env_from_secret: 'one' }));
  const env = { HOME: home };
  const none = await resolveOptions({}, { HOME: path.join(home, 'nowhere') }, () => {});
  assert.equal(none.outdir, '.', "bespin's own default");
  assert.equal(none['eval-timeout'], 60);
  const personal = await resolveOptions({}, env, () => {});
  assert.deepEqual([personal['max-ram'], personal['max-cores'], personal.outdir, personal['no-container']], ['1G', '2', '/from/default', true]);
  const withConf = await resolveOptions({ conf }, env, () => {});
  assert.deepEqual([withConf['max-ram'], withConf['max-cores'], withConf.outdir, withConf['env-from-secret'], withConf['pod-labels']], ['2G', '2', '/from/conf', ['one'], '/from/default/labels.json']);
  const cli = await resolveOptions({ conf, 'max-ram': '3G' }, env, () => {});
  assert.equal(cli['max-ram'], '3G');
  assert.equal(cli.outdir, '/from/conf');
});

test("cwltool's pull_image is --disable-pull's opposite; keys bespin does not use are one warning, not an error", async () => {
  const home = await scratch({});
  const conf = path.join(home, 'conf.json');
  await writeFile(conf, JSON.stringify({ pull_image: false, version: false, max_ram: '1G' }));
  const warnings: string[] = [];
  const values = await resolveOptions({ conf }, { HOME: home }, (w) => warnings.push(w));
  assert.deepEqual([values['disable-pull'], values['max-ram']], [true, '1G']);
  assert.deepEqual(warnings, [`conf file ${conf}: ignoring a key bespin does not use: version`]);
  await writeFile(conf, JSON.stringify({ pull_image: true }));
  assert.equal((await resolveOptions({ conf }, { HOME: home }, () => {}))['disable-pull'], false);
});

test("RETRY_* defaults are Calrissian's: about 40 minutes of retries before giving up", () => {
  const policy = apiRetryPolicy({});
  assert.deepEqual(policy, { multiplier: 5, minSeconds: 5, maxSeconds: 1200, attempts: 10 });
  const waits = Array.from({ length: policy.attempts - 1 }, (_, i) => retryDelaySeconds(policy, i + 1));
  assert.deepEqual(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1200]);
  assert.equal(waits.reduce((a, b) => a + b), 2475);
  assert.equal(apiRetryPolicy({ RETRY_ATTEMPTS: '3' }).attempts, 3);
});
