/**
 * Throughput of parse (+ XSD validation) for a one-transaction pacs.008, single thread.
 * Run: node_modules/.bin/node packages/iso20022/bench.ts [seconds-per-case]
 */
import { build, createValidator, parse } from './index.ts';
import { examplePacs008, officialXsdDir } from './testing.ts';

const seconds = Number(process.argv[2] ?? 3);
const xml = build(examplePacs008());
const bytes = new TextEncoder().encode(xml);
const validator = createValidator(officialXsdDir(), { preload: ['pacs.008.001.09'] });

function measure(name: string, run: () => unknown): void {
  for (let i = 0; i < 2000; i++) run(); // warm up the JIT and the WASM heap
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) run();
    n += 100;
  }
  const perSecond = (n / (performance.now() - start)) * 1000;
  process.stdout.write(
    `${name.padEnd(38)} ${Math.round(perSecond).toString().padStart(7)} msg/s  ${(1e6 / perSecond).toFixed(1)} µs/msg\n`,
  );
}

process.stdout.write(`pacs.008, 1 transaction, ${xml.length} bytes\n`);
measure('build', () => build(examplePacs008()));
measure('parse (structural validation)', () => parse(xml));
measure('validate only (libxml2 XSD)', () => validator.validate(xml, 'pacs.008.001.09'));
measure('parse + XSD validation (string)', () => parse(xml, { validator }));
measure('parse + XSD validation (bytes)', () => parse(bytes, { validator }));
validator.close();
