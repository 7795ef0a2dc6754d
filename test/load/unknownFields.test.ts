import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onlyUnknownFields } from '../../src/load/unknownFields.js';

// Reports as cwl-ts-auto writes them (abridged to two of the classes it tries).
const UNKNOWN_ONLY = `tried _RecordLoader but
 Trying 'CommandLineTool'
   the \`inputs\` field is not valid because: 
     tried _ArrayLoader but
       Expected a list
     tried _RecordLoader but
       Trying 'CommandInputParameter'
         the \`inputBinding\` field is not valid because: 
           tried _PrimitiveLoader but
             Expected a Undefined but got object
           tried _RecordLoader but
             Trying 'CommandLineBinding'
               invalid field postion,             expected one of: \`loadContents\`,\`position\`
   invalid field foo,             expected one of: \`id\`,\`label\`
tried _RecordLoader but
 Trying 'Workflow'
   the \`class\` field is not valid because: 
     Expected one of Workflow
   invalid field baseCommand,             expected one of: \`id\`,\`label\`
tried _ArrayLoader but
 Expected a list
`;

test('a report whose only problems are unknown fields gives them, through unions and nested records', () => {
  assert.deepEqual(onlyUnknownFields(UNKNOWN_ONLY), [
    'invalid field postion, expected one of: `loadContents`,`position`',
    'invalid field foo, expected one of: `id`,`label`',
  ]);
});

test('any other problem beside them (a wrong type, a wrong class) gives undefined: the document is refused as before', () => {
  assert.equal(onlyUnknownFields(UNKNOWN_ONLY.replace('   invalid field foo,', '   the `stdout` field is not valid because: \n     Expected a str\n   invalid field foo,')), undefined);
  assert.equal(onlyUnknownFields(UNKNOWN_ONLY.replace("Trying 'CommandLineTool'\n", "Trying 'CommandLineTool'\n   the `class` field is not valid because: \n     Expected one of CommandLineTool\n")), undefined);
  assert.equal(onlyUnknownFields('tried _ArrayLoader but\n Expected a list\n'), undefined);
});
