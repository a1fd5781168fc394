// `npm run chaos -- <module>`: crash tests; each ends with one JSON line and a non-zero exit on loss.
const MODULES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  ledger: () => import('./chaos-ledger.ts'),
  imts: () => import('./chaos-imts.ts'),
  ips: () => import('./chaos-ips.ts'),
};

const [name] = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const load = name ? MODULES[name] : undefined;
if (!load) {
  console.error(`usage: npm run chaos -- <${Object.keys(MODULES).join('|')}>`);
  process.exit(2);
}
await (await load()).run();
