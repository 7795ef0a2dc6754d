import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scratchPrefix } from '../../src/cli/options.js';

test('a scratch prefix keeps a trailing slash: it names the directory to make job directories in', () => {
  assert.equal(scratchPrefix('/calrissian/tmpout/', '/tmp/x-'), '/calrissian/tmpout/');
  assert.equal(scratchPrefix('/calrissian/tmpout//', '/tmp/x-'), '/calrissian/tmpout/');
  assert.equal(scratchPrefix('/calrissian/tmpout/run-', '/tmp/x-'), '/calrissian/tmpout/run-');
  assert.equal(scratchPrefix(undefined, '/tmp/bespin-out-'), '/tmp/bespin-out-');
  assert.equal(scratchPrefix('rel/dir/', '/tmp/x-'), `${path.resolve('rel/dir')}/`);
  assert.equal(scratchPrefix('/', '/tmp/x-'), '/');
});
