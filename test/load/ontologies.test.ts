/** The format ontology parser: time linear in its input however it is crafted, subclass and equivalence links read, large ones parsed off the engine's thread. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scratch } from '../helpers/cli.js';
import { loadOntologies, parseOntologyText } from '../../src/load/ontologies.js';
import type { Process } from '../../src/model/types.js';

/** An EDAM-like ontology of about `bytes` characters, in RDF/XML or Turtle. */
function ordinaryOntology(kind: 'xml' | 'turtle', bytes: number): string {
  const parts: string[] = kind === 'turtle' ? ['@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix edam: <http://edamontology.org/> .\n'] : [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const part = kind === 'turtle'
      ? `edam:format_${i} rdfs:subClassOf edam:format_${i + 1} .\n`
      : `<owl:Class rdf:about="http://edamontology.org/format_${i}">\n  <rdfs:subClassOf rdf:resource="http://edamontology.org/format_${i + 1}"/>\n</owl:Class>\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** Texts of about `bytes` characters made to make a backtracking parser scan the rest of the text from each position. */
const CRAFTED: Readonly<Record<string, (bytes: number) => string>> = {
  'unclosed owl:Class blocks': (n) => '<owl:Class rdf:about="x">'.repeat(n / 25),
  'one long prefixed-name-like word': (n) => `@prefix a: <http://x/> .\n${'a'.repeat(n)}`,
  'IRIs that never close': (n) => `@prefix a: <http://x/> .\n${'<a '.repeat(n / 3)}`,
  '@prefix lines that never close': (n) => '@prefix a: <'.repeat(n / 12),
  'a text of blank lines': (n) => '\n'.repeat(n),
};

function parseMs(text: string): number {
  const started = performance.now();
  parseOntologyText(text, new Map());
  return performance.now() - started;
}

test('a crafted 4 MiB ontology parses in time linear in its size: at most 5 times an ordinary one of the same size', { timeout: 60_000 }, () => {
  const bytes = 4 * 2 ** 20;
  const ordinary = Math.max(parseMs(ordinaryOntology('xml', bytes)), parseMs(ordinaryOntology('turtle', bytes)));
  for (const [name, make] of Object.entries(CRAFTED)) {
    const ms = parseMs(make(bytes));
    assert.ok(ms <= 5 * ordinary + 50, `${name}: ${Math.round(ms)} ms, against ${Math.round(ordinary)} ms for an ordinary ontology`);
  }
});

test('the ontology parser still reads subclass and equivalence links from RDF/XML and Turtle', () => {
  const links = new Map<string, string[]>();
  parseOntologyText(ordinaryOntology('xml', 300), links);
  assert.deepEqual(links.get('http://edamontology.org/format_0'), ['http://edamontology.org/format_1']);
  const turtle = new Map<string, string[]>();
  parseOntologyText('@prefix edam: <http://edamontology.org/> .\nedam:a owl:equivalentClass <http://x/b>.\nedam:c rdfs:subClassOf edam:d .\n', turtle);
  assert.deepEqual(Object.fromEntries(turtle), {
    'http://edamontology.org/a': ['http://x/b'], 'http://x/b': ['http://edamontology.org/a'], 'http://edamontology.org/c': ['http://edamontology.org/d'],
  });
});

test('a large ontology is parsed off the engine\'s thread: its event loop never waits long', { timeout: 60_000 }, async () => {
  const dir = await scratch({ 'big.ttl': `@prefix a: <http://x/> .\n${'<a '.repeat(5 * 2 ** 20)}` });
  const process = { class: 'CommandLineTool', schemas: [`file://${path.join(dir, 'big.ttl')}`] } as unknown as Process;
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  try {
    await loadOntologies(process, (m) => assert.fail(m));
  } finally {
    clearInterval(ticker);
  }
  const elapsed = performance.now() - started;
  // Up to the end: a block just before it is seen by no tick.
  longestGap = Math.max(longestGap, performance.now() - last);
  assert.ok(longestGap < elapsed / 4, `the event loop waited ${Math.round(longestGap)} ms at once, of ${Math.round(elapsed)} ms loading`);
});
