/**
 * cwltool's --non-strict: a document whose only schema problems are fields
 * the schema does not name is run, with a warning per field. This reads the
 * schema checker's report (cwl-ts-auto's nested "tried X but" text) as the
 * tree it is: a union passes when one of its alternatives does, a record
 * when each of its problems does, and an unknown field is the one problem
 * that passes (leniently). Anything else (a wrong type, a missing field, the
 * wrong class) fails as before.
 */

interface ReportNode {
  readonly text: string;
  readonly children: ReportNode[];
}

/** The `invalid field …` lines that alone make the report fail (deduplicated), or undefined when something else fails too. */
export function onlyUnknownFields(report: string): string[] | undefined {
  const found = group(reportTree(report));
  return found && found.length > 0 ? [...new Set(found)] : undefined;
}

function reportTree(report: string): ReportNode[] {
  const root: ReportNode = { text: '', children: [] };
  const stack: Array<{ indent: number; node: ReportNode }> = [{ indent: -1, node: root }];
  for (const line of report.split('\n')) {
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
    const node: ReportNode = { text: line.trim().replace(/\s+/g, ' '), children: [] };
    stack.at(-1)!.node.children.push(node);
    stack.push({ indent, node });
  }
  return root.children;
}

/** Siblings: the alternatives of a union (`tried X but`), of which one must pass, or a record's problems, all of which must. */
function group(nodes: readonly ReportNode[]): string[] | undefined {
  if (nodes.length > 0 && nodes.every((n) => n.text.startsWith('tried '))) {
    for (const alternative of nodes) {
      const found = group(alternative.children);
      if (found) return found;
    }
    return undefined;
  }
  const fields: string[] = [];
  for (const n of nodes) {
    const found = problem(n);
    if (!found) return undefined;
    fields.push(...found);
  }
  return fields;
}

function problem(n: ReportNode): string[] | undefined {
  if (n.text.startsWith('invalid field ')) return n.children.length === 0 ? [n.text] : undefined;
  const nests = n.text.startsWith('Trying ') || n.text.startsWith('tried ') || /field is not valid because:?$/.test(n.text);
  return nests && n.children.length > 0 ? group(n.children) : undefined;
}
