import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionLibraries, PendingEvaluations, settle } from '../../src/expressions/sandboxRequests.js';

const call = (code: string, libId = 0) => ({ kind: 'expression' as const, code, libId, data: '{}', expression: `$(${code})` });

describe('PendingEvaluations', () => {
  it('takes the oldest unanswered request as the running one', () => {
    const pending = new PendingEvaluations();
    const first = pending.add(call('a'), () => undefined, () => undefined, undefined, () => undefined);
    const second = pending.add(call('b'), () => undefined, () => undefined, undefined, () => undefined);
    assert.ok(second.id > first.id);
    assert.equal(pending.running, first);
    pending.delete(first.id);
    assert.equal(pending.running, second);
    assert.equal(pending.size, 1);
  });

  it('settles once: an answer after an abort is dropped', async () => {
    const pending = new PendingEvaluations();
    const controller = new AbortController();
    let resolved: unknown = 'unset';
    const rejected = new Promise<unknown>((resolveRejection) => {
      pending.add(call('a'), (v) => (resolved = v), resolveRejection, controller.signal, (entry) => settle(entry, false, 'aborted'));
    });
    controller.abort();
    assert.equal(await rejected, 'aborted');
    settle(pending.running!, true, 42);
    assert.equal(resolved, 'unset');
  });
});

describe('ExpressionLibraries', () => {
  it('gives a source one id, and sends it once per worker', () => {
    const libraries = new ExpressionLibraries();
    const id = libraries.id('function f() {}');
    assert.equal(libraries.id('function f() {}'), id);
    assert.equal(libraries.id(''), 0);
    const pending = new PendingEvaluations();
    const entry = pending.add(call('f()', id), () => undefined, () => undefined, undefined, () => undefined);
    assert.equal(libraries.request(entry).lib, 'function f() {}');
    assert.equal(libraries.request(entry).lib, undefined);
    libraries.forgetSent();
    assert.equal(libraries.request(entry).lib, 'function f() {}');
    const plain = pending.add(call('1'), () => undefined, () => undefined, undefined, () => undefined);
    assert.equal('lib' in libraries.request(plain), false);
  });
});
