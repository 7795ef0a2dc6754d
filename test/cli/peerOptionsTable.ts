import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEER_OPTIONS, type PeerOption } from '../../src/cli/peerOptions.js';

/** docs/cli-compatibility.md, from dist/test/cli/. */
export const COMPATIBILITY_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/cli-compatibility.md');

const START = '<!-- peer-options table: generated from src/cli/peerOptions.ts by `node dist/test/cli/peerOptionsTable.js`; test/cli/peerOptions.test.ts checks it -->';
const END = '<!-- end of peer-options table -->';

const WHAT: Readonly<Record<PeerOption['treatment'], string>> = {
  honoured: 'honoured',
  'accepted-ignored': 'ignored, one warning',
  unsupported: 'exit 33',
};

/** The docs table of every peer option and what bespin does with it, from the catalogue. */
export function peerOptionsTable(): string {
  const rows = PEER_OPTIONS.map((o) => {
    const flags = [`--${o.name}`, ...(o.short ? [o.short] : [])].map((f) => `\`${f}\``).join(', ');
    const value = o.value === 'none' ? '' : o.value === 'required' ? ' VALUE' : ' [VALUE]';
    return `| ${flags}${value} | ${o.calrissianOnly ? 'Calrissian' : 'cwltool, Calrissian'} | ${WHAT[o.treatment]} | ${o.note.replaceAll('|', '\\|')} |`;
  });
  return [START, '', '| Option | Of | bespin | What bespin does |', '|---|---|---|---|', ...rows, '', END].join('\n');
}

/** The table as the doc holds it now, or undefined without the markers. */
export function documentedTable(doc: string): string | undefined {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start < 0 || end < start ? undefined : doc.slice(start, end + END.length);
}

// Run as a script: rewrites the table in place.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(COMPATIBILITY_DOC, 'utf8');
  const current = documentedTable(doc);
  if (current === undefined) throw new Error(`${COMPATIBILITY_DOC}: no peer-options table markers`);
  writeFileSync(COMPATIBILITY_DOC, doc.replace(current, peerOptionsTable()));
}
