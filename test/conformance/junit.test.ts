import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEntities, JUnitParseError, parseJUnit } from '../../conformance/junit.js';

// The shape cwltest 2.7 writes through junit_xml 1.9.
const CWLTEST_REPORT = `<?xml version="1.0" ?>
<testsuites disabled="0" errors="0" failures="1" tests="3" time="1.5">
\t<testsuite disabled="0" errors="0" failures="1" name="conformance_tests" skipped="1" tests="3" time="1.5">
\t\t<testcase name="General test" time="0.7" class="required, command_line_tool" file="cl_basic_generation" url="cwltest:conformance_tests#1">
\t\t\t<system-out>{}
</system-out>
\t\t</testcase>
\t\t<testcase name="Nested &quot;prefixes&quot;" time="0.4" class="schema_def, command_line_tool" file="nested_prefixes_arrays" url="cwltest:conformance_tests#2">
\t\t\t<failure type="failure">expected: {
    &quot;output&quot;: 2
}
got: {}</failure>
\t\t\t<system-err>Error &lt;boom&gt;</system-err>
\t\t</testcase>
\t\t<testcase name="Unsupported one" time="0.1" class="docker" file="stdout_redirect_docker" url="cwltest:conformance_tests#3">
\t\t\t<skipped type="skipped" message="Unsupported"/>
\t\t</testcase>
\t</testsuite>
</testsuites>
`;

describe('parseJUnit', () => {
  it('reads cwltest testcases with their attributes and outcomes', () => {
    const cases = parseJUnit(CWLTEST_REPORT);
    assert.equal(cases.length, 3);
    assert.deepEqual(cases[0], {
      attributes: {
        name: 'General test',
        time: '0.7',
        class: 'required, command_line_tool',
        file: 'cl_basic_generation',
        url: 'cwltest:conformance_tests#1',
      },
      outcome: 'passed',
    });
    assert.equal(cases[1]!.attributes['name'], 'Nested "prefixes"');
    assert.equal(cases[1]!.outcome, 'failed');
    assert.equal(cases[1]!.message, 'expected: {\n    "output": 2\n}\ngot: {}');
    assert.equal(cases[2]!.outcome, 'skipped');
    assert.equal(cases[2]!.message, 'Unsupported');
  });

  it('handles self-closing testcases, errors, CDATA, comments and single quotes', () => {
    const cases = parseJUnit(
      `<testsuite><!-- a <comment> --><testcase name='a' classname="x.y"/>` +
        `<testcase name="b"><error message="kaput &amp; gone"/></testcase>` +
        `<testcase name="c"><failure><![CDATA[<raw> & text]]></failure></testcase></testsuite>`,
    );
    assert.deepEqual(
      cases.map((c) => [c.attributes['name'], c.outcome, c.message]),
      [
        ['a', 'passed', undefined],
        ['b', 'error', 'kaput & gone'],
        ['c', 'failed', '<raw> & text'],
      ],
    );
    assert.equal(cases[0]!.attributes['classname'], 'x.y');
  });

  it('keeps the worst outcome when a case has several outcome elements', () => {
    const [c] = parseJUnit('<testcase name="x"><failure message="f"/><skipped message="s"/></testcase>');
    assert.equal(c!.outcome, 'failed');
    assert.equal(c!.message, 'f');
  });

  it('does not take a ">" inside an attribute value for the end of the tag', () => {
    const [c] = parseJUnit('<testcase name="a > b" file="x"></testcase>');
    assert.equal(c!.attributes['name'], 'a > b');
    assert.equal(c!.attributes['file'], 'x');
  });

  it('returns no cases for a report without testcases', () => {
    assert.deepEqual(parseJUnit('<?xml version="1.0" ?><testsuites><testsuite name="s"/></testsuites>'), []);
  });

  it('rejects malformed documents', () => {
    assert.throws(() => parseJUnit('<testsuite><testcase name="a">'), JUnitParseError);
    assert.throws(() => parseJUnit('<testsuite></testcase>'), JUnitParseError);
    assert.throws(() => parseJUnit('<testcase name="a'), JUnitParseError);
  });
});

describe('decodeEntities', () => {
  it('decodes the predefined and numeric entities and leaves unknown ones', () => {
    assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&nbsp;&constructor;'), `<>&"'AB&nbsp;&constructor;`);
  });
});
