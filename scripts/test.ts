// `npm test`: every check CI runs, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps: [string, string[]][] = [
  ['typecheck', ['npm', 'run', '-s', 'typecheck']],
  ['lint', ['npm', 'run', '-s', 'lint']],
  ['boundaries', ['npm', 'run', '-s', 'boundaries']],
  ['portal build', ['npm', 'run', '-s', 'build']],
  ['unit and integration', ['npm', 'run', '-s', 'test:unit']],
  ['browser e2e', ['npm', 'run', '-s', 'test:e2e']],
];

console.log(
  `engines: sqlite${process.env.DATABASE_URL ? ' + postgres' : ''}; events: in-process${process.env.NATS_URL ? ' + nats' : ''}`,
);
for (const [name, [cmd, ...args]] of steps) {
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd!, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed`);
    process.exit(r.status ?? 1);
  }
}
