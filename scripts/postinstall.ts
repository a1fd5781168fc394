// Builds the portal once after `npm install`, so `npm start` serves it without a build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('portal/index.html') && existsSync('node_modules/vite')) {
  const r = spawnSync('npx', ['vite', 'build', '--config', 'portal/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
