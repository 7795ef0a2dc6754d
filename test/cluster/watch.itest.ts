import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from './index.js';
import { TestClient, shellPod } from './testClient.js';

// One cluster for every suite of this file; the suites run one after another.
let cluster: TestCluster;
let admin: TestClient;
before(async () => {
  cluster = await startTestCluster({ nodeAgent: false, bookmarkIntervalMs: 150, historySize: 50 });
  admin = new TestClient(cluster.url, cluster.adminToken, cluster.namespace);
});
after(() => cluster.stop());

describe('watch: from a list and from nothing', () => {
  test('list then watch from the list resourceVersion sees every later change, in order', async () => {
    await admin.createPod(shellPod('before', 'true', { labels: { w: '1' } }));
    const list = await admin.get(admin.pods('?labelSelector=w%3D1'));
    const rv = list.body.metadata.resourceVersion;
    const w = await admin.watch(admin.pods(`?watch=1&labelSelector=w%3D1&resourceVersion=${rv}`));
    assert.equal(w.status, 200);
    await admin.createPod(shellPod('w-a', 'true', { labels: { w: '1' } }));
    await admin.createPod(shellPod('w-other', 'true', { labels: { w: '2' } }));
    await admin.patch(admin.pods('/w-a'), { metadata: { annotations: { x: 'y' } } });
    await admin.delete(admin.pods('/w-a'));
    const events = [await w.next(), await w.next(), await w.next()];
    assert.deepEqual(events.map((e) => [e?.type, e?.object.metadata.name]), [['ADDED', 'w-a'], ['MODIFIED', 'w-a'], ['DELETED', 'w-a']]);
    assert.equal(events[0]!.object.kind, 'Pod');
    const rvs = events.map((e) => Number(e!.object.metadata.resourceVersion));
    assert.ok(rvs[0]! > Number(rv) && rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `${rvs}`);
    w.close();
  });

  test('a watch without resourceVersion starts with ADDED for existing objects', async () => {
    await admin.createPod(shellPod('init-1', 'true', { labels: { init: 'y' } }));
    const w = await admin.watch(admin.pods('?watch=true&labelSelector=init'));
    const e = await w.next();
    assert.equal(e?.type, 'ADDED');
    assert.equal(e?.object.metadata.name, 'init-1');
    w.close();
  });
});

describe('watch: selectors and bookmarks', () => {
  test('selectors: an object that stops matching is DELETED for the watcher, and ADDED when it matches again', async () => {
    const created = await admin.createPod(shellPod('flip', 'true', { labels: { team: 'a' } }));
    const w = await admin.watch(admin.pods(`?watch=1&labelSelector=team%3Da&resourceVersion=${created.body.metadata.resourceVersion}`));
    await admin.patch(admin.pods('/flip'), { metadata: { labels: { team: 'b' } } });
    await admin.patch(admin.pods('/flip'), { metadata: { labels: { team: 'a' } } });
    const byName = await admin.watch(admin.pods(`?watch=1&fieldSelector=metadata.name%3Dflip&resourceVersion=${created.body.metadata.resourceVersion}`));
    const e1 = await w.next(), e2 = await w.next();
    assert.equal(e1?.type, 'DELETED');
    assert.equal(e1?.object.metadata.labels.team, 'b');
    assert.equal(e2?.type, 'ADDED');
    assert.deepEqual([(await byName.next())?.type, (await byName.next())?.type], ['MODIFIED', 'MODIFIED']);
    w.close();
    byName.close();
  });

  test('bookmarks carry only the resourceVersion', async () => {
    const w = await admin.watch(admin.pods(`?watch=1&allowWatchBookmarks=true&resourceVersion=${(await admin.get(admin.pods())).body.metadata.resourceVersion}`));
    const e = await w.until((x) => x.type === 'BOOKMARK', 3000);
    assert.deepEqual(Object.keys(e.object.metadata), ['resourceVersion']);
    assert.equal(e.object.kind, 'Pod');
    assert.match(e.object.metadata.resourceVersion, /^\d+$/);
    w.close();
  });
});

describe('watch: timeouts, dropped watches and expired history', () => {
  test('timeoutSeconds ends the watch; dropWatches closes all cleanly; counters follow', async () => {
    // Watches the earlier tests aborted close on the server as their connections go.
    for (let i = 0; i < 100 && cluster.counters.watchesOpen > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const before = cluster.counters.snapshot();
    // The stand-in's 1 s is a timer of this process, as this one is: their order stands however loaded the machine.
    let eightTenths = false;
    const timer = setTimeout(() => { eightTenths = true; }, 800);
    const timed = await admin.watch(admin.pods('?watch=1&timeoutSeconds=1'));
    const a = await admin.watch(admin.pods('?watch=1&labelSelector=none'));
    const b = await admin.watch('/apis/batch/v1/namespaces/bespin-test/jobs?watch=1');
    assert.equal(cluster.counters.watchesOpen, before.watches.open + 3);
    await timed.done;
    clearTimeout(timer);
    assert.ok(eightTenths, 'the watch ended after a 0.8 s timer started before it');
    assert.equal(cluster.faults.dropWatches(), 2);
    await a.done;
    await b.done;
    assert.ok(!a.events.some((e) => e.type === 'ERROR'));
    assert.equal(cluster.counters.watchesOpen, before.watches.open);
    assert.ok(cluster.counters.watchesMaxOpen >= 3);
    assert.equal(cluster.counters.watchesTotal, before.watches.total + 3);
    assert.ok((cluster.counters.requests['watch pods'] ?? 0) >= 2);
  });

  test('a watch from a resourceVersion older than the history gets 410 Expired', async () => {
    const rv = (await admin.get(admin.pods())).body.metadata.resourceVersion;
    await admin.createPod(shellPod('exp-1', 'true'));
    cluster.faults.expireWatchHistory();
    const w = await admin.watch(admin.pods(`?watch=1&resourceVersion=${rv}`));
    assert.equal(w.status, 200);
    const e = await w.next();
    assert.equal(e?.type, 'ERROR');
    assert.equal(e?.object.kind, 'Status');
    assert.equal(e?.object.code, 410);
    assert.equal(e?.object.reason, 'Expired');
    assert.match(e?.object.message, new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
    await w.done;
    assert.ok(w.ended, 'the server closes the stream after the error');
    // From the current resourceVersion it works again.
    const now = (await admin.get(admin.pods())).body.metadata.resourceVersion;
    const ok = await admin.watch(admin.pods(`?watch=1&resourceVersion=${now}`));
    await admin.createPod(shellPod('exp-2', 'true'));
    assert.equal((await ok.next())?.object.metadata.name, 'exp-2');
    ok.close();
    // History is a window: 50 events per resource here.
    const old = (await admin.get(admin.pods())).body.metadata.resourceVersion;
    for (let i = 0; i < 30; i++) await admin.patch(admin.pods('/exp-2'), { metadata: { labels: { i: String(i) } } });
    const stillOk = await admin.watch(admin.pods(`?watch=1&resourceVersion=${old}`));
    assert.equal((await stillOk.next())?.type, 'MODIFIED');
    stillOk.close();
    for (let i = 0; i < 30; i++) await admin.patch(admin.pods('/exp-2'), { metadata: { labels: { i: `b${i}` } } });
    const tooOld = await admin.watch(admin.pods(`?watch=1&resourceVersion=${old}`));
    assert.equal((await tooOld.next())?.object.code, 410);
  });
});
