import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRequestTotals, requestsBetween } from './apiserverMetrics.js';

const sample = (creates: number, logs: number): string => `# HELP apiserver_request_total [STABLE] Counter of apiserver requests
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="",scope="",subresource="/healthz",verb="GET",version=""} 7
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="POST",version="v1"} ${creates}
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="POST",version="v1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="log",verb="CONNECT",version="v1"} ${logs}
apiserver_request_duration_seconds_bucket{verb="POST",resource="pods",le="0.1"} 99
`;

test('request totals are summed over codes by verb and resource, leaving out non-resource paths and other metrics', () => {
  assert.deepEqual(parseRequestTotals(sample(5, 2)), { 'POST pods': 6, 'CONNECT pods/log': 2 });
});

test('the requests between two readings are the differences that are not zero', () => {
  assert.deepEqual(requestsBetween(parseRequestTotals(sample(5, 2)), parseRequestTotals(sample(9, 2))), { 'POST pods': 4 });
});
