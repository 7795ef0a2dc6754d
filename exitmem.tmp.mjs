import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
let peak = 0, peakInfo = '';
const snap = () => { const m = {}; let cur = ''; for (const l of readFileSync('/proc/self/smaps', 'utf8').split('\n')) { const h = l.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/); if (h) { cur = h[1] || '[anon]'; if (cur.includes('.so')) cur='[libs]'; continue; } const r = l.match(/^Rss:\s+(\d+)/); if (r) m[cur] = (m[cur] ?? 0) + Number(r[1]); } return m; };
const sample = () => { const r = process.memoryUsage(); if (r.rss > peak) { peak = r.rss; const s = snap(); peakInfo = `rss ${r.rss>>20} heapTotal ${r.heapTotal>>20} used ${r.heapUsed>>20} ext ${r.external>>20} | ` + Object.entries(s).filter(([,v])=>v>1024).map(([k,v])=>`${k.replace(/.*\//,'')} ${(v/1024).toFixed(0)}`).join(', ') + ' | ' + v8.getHeapSpaceStatistics().filter(x=>x.physical_space_size>1e6).map(x=>`${x.space_name} ${(x.physical_space_size/1048576).toFixed(0)}`).join(', '); } };
setInterval(sample, 5).unref();
process.on('exit', () => { sample(); writeFileSync('/tmp/exitmem', peakInfo + '\n'); });
