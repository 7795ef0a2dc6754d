/**
 * The catalogue of cwltool's and Calrissian's options (src/cli/peerOptions.ts)
 * against the peers' own option lists (peerOptionLists.ts, extracted from
 * their parsers), against what the command line does with each
 * (readPeerArguments) and against the docs table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ENGINE_OPTIONS, takesValue } from '../../src/cli/options.js';
import { readPeerArguments } from '../../src/cli/peerArguments.js';
import { PEER_OPTIONS, peerOption, type PeerOption } from '../../src/cli/peerOptions.js';
import { splitArgv } from '../../src/cli/splitArgv.js';
import { CALRISSIAN_0_18_1, CWLTOOL_3_3, type PeerFlagList } from './peerOptionLists.js';
import { COMPATIBILITY_DOC, documentedTable, peerOptionsTable } from './peerOptionsTable.js';

const longName = (list: PeerFlagList): string => list.flags.find((f) => f.startsWith('--'))!.slice(2);

test('the peer lists are the 108 options of cwltool 3.3 (96) and Calrissian 0.18.1 (12 of its own)', () => {
  assert.equal(CWLTOOL_3_3.length, 96);
  assert.equal(CALRISSIAN_0_18_1.length, 12);
  assert.equal(new Set([...CWLTOOL_3_3, ...CALRISSIAN_0_18_1].map(longName)).size, 108);
});

test('the catalogue has exactly the peers\' options, with their short aliases, values and owner', () => {
  const expected = [
    ...CWLTOOL_3_3.map((l) => ({ l, calrissianOnly: false })),
    ...CALRISSIAN_0_18_1.map((l) => ({ l, calrissianOnly: true })),
  ];
  assert.deepEqual(PEER_OPTIONS.map((o) => o.name).sort(), expected.map(({ l }) => longName(l)).sort());
  for (const { l, calrissianOnly } of expected) {
    const entry = PEER_OPTIONS.find((o) => o.name === longName(l))!;
    assert.equal(entry.value, l.value, entry.name);
    assert.equal(entry.short, l.flags.find((f) => !f.startsWith('--')), entry.name);
    assert.equal(entry.calrissianOnly ?? false, calrissianOnly, entry.name);
    assert.ok(entry.note.length > 0, entry.name);
  }
});

test('a honoured option that bespin names itself takes a value exactly when the peer\'s does', () => {
  for (const o of PEER_OPTIONS.filter((p) => p.treatment === 'honoured' && Object.hasOwn(ENGINE_OPTIONS, p.name))) {
    assert.equal(ENGINE_OPTIONS[o.name]!.type === 'boolean', o.value === 'none', o.name);
  }
});

/**
 * Whether bespin reads the next argument as the option's value: a required
 * one, or an optional one (Calrissian's `nargs='?'`) of a bespin option, which
 * bespin always takes with a value; `--generate-help-preview`'s optional
 * value is not read (the option is refused anyway).
 */
function hasValue(o: PeerOption): boolean {
  return o.value === 'required' || (o.value === 'optional' && Object.hasOwn(ENGINE_OPTIONS, o.name));
}

/** The option as a user gives it, with a value when it takes one. */
function given(o: PeerOption, flag = `--${o.name}`): string[] {
  return hasValue(o) ? [flag, 'VALUE'] : [flag];
}

test('each unsupported option ends the command line: one line naming it, exit 33', () => {
  const unsupported = PEER_OPTIONS.filter((o) => o.treatment === 'unsupported');
  assert.ok(unsupported.length >= 11);
  for (const o of unsupported) {
    const reading = readPeerArguments(['--outdir', 'x', ...given(o)]);
    assert.deepEqual(reading, { kind: 'exit', code: 33, line: `ERROR --${o.name} is not supported: ${o.note}` });
  }
});

test('each ignored option is dropped (with its value) with one warning line naming it', () => {
  const ignored = PEER_OPTIONS.filter((o) => o.treatment === 'accepted-ignored');
  const reading = readPeerArguments(['--quiet', ...ignored.flatMap((o) => given(o)), '--outdir', 'x']);
  assert.equal(reading.kind, 'read');
  if (reading.kind !== 'read') return;
  assert.deepEqual(reading.engine, ['--quiet', '--outdir', 'x']);
  assert.deepEqual(reading.warnings, ignored.map((o) => `--${o.name} is ignored: ${o.note}`));
});

test('each honoured option reaches the options: as given to yargs, short aliases spelt long, or as a peer flag', () => {
  for (const o of PEER_OPTIONS.filter((p) => p.treatment === 'honoured')) {
    for (const flag of [`--${o.name}`, ...(o.short ? [o.short] : [])]) {
      const reading = readPeerArguments(given(o, flag));
      assert.equal(reading.kind, 'read', flag);
      if (reading.kind !== 'read') continue;
      assert.deepEqual(reading.warnings, [], flag);
      const asBespin = Object.hasOwn(ENGINE_OPTIONS, o.name) || o.name === 'help' || o.name === 'version';
      assert.deepEqual(reading.engine, asBespin ? given(o) : [], flag);
      assert.deepEqual(reading.flags, asBespin ? {} : { [o.name]: true }, flag);
    }
  }
});

test('a peer option\'s value is not taken for the document, nor the document for a value-less flag', () => {
  for (const o of PEER_OPTIONS) {
    for (const flag of [`--${o.name}`, ...(o.short ? [o.short] : [])]) {
      assert.equal(peerOption(flag), o, flag);
      assert.equal(takesValue(flag), hasValue(o), flag);
      const split = splitArgv([...given(o, flag), 'doc.cwl', 'job.yml']);
      assert.equal(split.document, 'doc.cwl', flag);
    }
  }
});

test('an option no peer has is one line, exit 2, naming it without its value', () => {
  assert.deepEqual(readPeerArguments(['--quiet', '--frobnicate=3']), { kind: 'exit', code: 2, line: 'bespin: error: unrecognized option --frobnicate; see bespin --help' });
  assert.deepEqual(readPeerArguments(['-x']), { kind: 'exit', code: 2, line: 'bespin: error: unrecognized option -x; see bespin --help' });
  // boolean-negation is off: `--no-` of a bespin flag is not an option either.
  assert.equal(readPeerArguments(['--no-parallel']).kind, 'exit');
});

test('docs/cli-compatibility.md holds the table the catalogue gives (regenerate: node dist/test/cli/peerOptionsTable.js)', () => {
  const table = peerOptionsTable();
  assert.equal(table.split('\n').filter((l) => l.startsWith('| `')).length, 108);
  assert.equal(documentedTable(readFileSync(COMPATIBILITY_DOC, 'utf8')), table);
});
