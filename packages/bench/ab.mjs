// A/B: route the same events with main's core and this branch's core, interleaved rounds.
import { readFileSync } from 'node:fs';
const main = await import('/work/main/packages/core/dist/index.js');
const mine = await import('/work/wt/gov-invariants/packages/core/dist/index.js');
const rulesDir = '/work/main/rules';
const plainText = (await mine.loadRuleSet(rulesDir)); // with invariants (this branch's rules dir differs)
const a = await main.loadRuleSet(rulesDir);
const b = await mine.loadRuleSet(rulesDir);
const types = ['batch.failed','batch.completed','delivery.failed','content.review_requested','communication.generated','service.alert','lifecycle.changed'];
const docs = ['invoice','policy-change','legal-correspondence','statement','regulatory-letter'];
const regions = ['UK','DE','US','JP','FR','BR'];
const events = [];
for (let i = 0; i < 2000; i++) events.push({ id: `e${i}`, source: 's', type: types[i % 7], time: '2027-01-04T10:00:00Z', documentType: docs[i % 5], region: regions[i % 6], priority: ['low','normal','high','critical'][i % 4], data: { completionStatus: 'failed' } });
const clock = () => new Date('2027-01-04T10:00:00Z');
const ra = main.createRouter(a, { clock }); const rb = mine.createRouter(b, { clock });
const inv = await mine.loadRuleSet('/work/wt/gov-invariants/rules');
const rc = mine.createRouter(inv, { clock });
const time = (r) => { const s = process.hrtime.bigint(); for (let k = 0; k < 10; k++) for (const e of events) r.route(e); return Number(process.hrtime.bigint() - s) / 1e6; };
for (let w = 0; w < 3; w++) { time(ra); time(rb); time(rc); }
const ta = [], tb = [], tc = [];
for (let round = 0; round < 15; round++) { ta.push(time(ra)); tb.push(time(rb)); tc.push(time(rc)); }
const med = (x) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)];
console.log(`main ${med(ta).toFixed(1)} ms, branch (no invariants) ${med(tb).toFixed(1)} ms, branch (3 invariants) ${med(tc).toFixed(1)} ms`);
console.log(`ratio branch/main without invariants: ${(med(tb)/med(ta)).toFixed(3)}; with invariants / main: ${(med(tc)/med(ta)).toFixed(3)}`);
