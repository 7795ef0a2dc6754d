/** SecretMask on its own: words masked before quoting, text cleaned of every form of a secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shellQuote } from '../../src/job/commandLine.js';
import { SecretMask } from '../../src/job/secrets.js';

// A value with a quote, a double quote and a backslash: its shell-quoted and
// JSON-escaped forms differ from the raw one, so a mask that only looks for
// the raw value misses them.
const SECRET = `it's "hun\\ter2"`;

/** Every form the secret could be written in: raw, shell-quoted, JSON-escaped (and both). */
function forms(secret: string): string[] {
  const json = (s: string): string => JSON.stringify(s).slice(1, -1);
  return [secret, shellQuote(secret), json(secret), json(shellQuote(secret))];
}

test('SecretMask: words are masked before quoting; text loses every form, the longer secret first', () => {
  const mask = new SecretMask();
  assert.equal(mask.text(`x ${SECRET}`), `x ${SECRET}`, 'nothing is masked before a secret is known');
  mask.add(SECRET);
  mask.add('hun');
  const words = [{ text: 'echo', shellQuote: true }, { text: `--pw=${SECRET}`, shellQuote: true }, { text: '| cat', shellQuote: false }];
  assert.equal(mask.commandLine(words, true), `/bin/sh -c echo '--pw=(secret)' | cat`);
  assert.equal(mask.commandLine(words, false), 'echo --pw=(secret) | cat');
  for (const form of forms(SECRET)) assert.match(mask.text(`<${form}>`), /^<'?\(secret\)'?>$/, form);
  assert.equal(mask.text(JSON.stringify({ msg: `a ${shellQuote(`--pw=${SECRET}`)}` })), '{"msg":"a \'--pw=(secret)\'"}');
  assert.equal(mask.text('a hunch'), 'a (secret)ch', 'a secret inside a word is still a secret');
});
