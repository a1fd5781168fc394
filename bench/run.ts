// `npm run bench -- <module>`: runs that module's benchmarks; each result is one JSON line on stdout.
const MODULES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  ledger: () => import('./ledger.ts'),
  ics: () => import('./ics.ts'),
  'ics-cycle': () => import('./ics-cycle.ts'),
  imts: () => import('./imts.ts'),
  ips: () => import('./ips.ts'),
  afc: () => import('./afc.ts'),
  'afc-mules': () => import('./afc-mules.ts'),
};

const which = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = which.length ? which : Object.keys(MODULES);
for (const name of names) {
  const load = MODULES[name];
  if (!load) {
    console.error(`unknown benchmark module "${name}"; known: ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
  await (await load()).run();
}
