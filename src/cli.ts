/**
 * `ndfi`: the operator's command line. Talks to storage directly (same services as the API), so it works
 * with the server stopped: migrations, seeding, audit verification, registering participants and users.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { buildPlatform, openStorage, startApp } from './app.ts';
import { seedDemoWorld } from './demo/index.ts';
import { ConfigError, DomainError, loadConfig, verifyAudit } from './platform/index.ts';

const USAGE = `ndfi — National Digital Financial Infrastructure

  ndfi start [--port N]                 run the whole platform (API, portal, workers)
  ndfi migrate                          apply database migrations
  ndfi seed                             seed the demo world into an empty database
  ndfi audit verify                     check the audit log's hash chain; names the first bad entry
  ndfi demo traffic [--rate N] [--duration S]
                                        keep IMTS and IPS busy with simulated banks (needs a running platform)
  ndfi demo fraud [--payments N] [--seed S]
                                        synthetic traffic with labelled fraud; mule detection and its precision
  ndfi participant list [--json]
  ndfi participant add --name N --type T [--bic B] [--tax-id BIN] [--bin-ranges a,b]
  ndfi user add --participant ID|BIC --username U --display-name D [--roles admin,user] [--password P]

Configuration: environment (PORT, DATABASE_URL, NATS_URL, NDFI_DATA_DIR, LOG_LEVEL, …) or ndfi.config.json.`;

const CLI_ACTOR = { id: `cli:${process.env.USER ?? 'operator'}` };

function bar(label: string) {
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      bic: { type: 'string' },
      'tax-id': { type: 'string' },
      'bin-ranges': { type: 'string' },
      participant: { type: 'string' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      payments: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  const overrides = values.port ? { port: Number(values.port) } : {};
  const config = loadConfig(process.env, overrides);

  if (cmd === 'start') {
    const t0 = Date.now();
    const app = await startApp(overrides);
    console.log(
      `NDFI ${app.platform.db.engine} · events ${config.natsUrl ? 'nats' : 'in-process'} · ready in ${Date.now() - t0} ms`,
    );
    console.log(`  portal    ${app.url}/`);
    console.log(`  API docs  ${app.url}/docs   (OpenAPI: ${app.url}/openapi.json)`);
    if (config.demo) console.log(`  demo logins and TOTP secrets: ${app.demoLoginsPath}`);
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1; // keep running
  }

  if (cmd === 'demo' && sub === 'fraud') {
    // offline: generated traffic, nothing stored; the same generator the mule benchmark measures on
    const { fraudDemo, formatFraudDemo } = await import('./afc/index.ts');
    const payments = Number(values.payments ?? '100000');
    const seed = Number(values.seed ?? '42');
    if (!Number.isInteger(payments) || payments < 1000 || payments > 5_000_000) {
      throw new DomainError('validation', '--payments: a whole number from 1000 to 5000000');
    }
    if (!Number.isInteger(seed)) throw new DomainError('validation', '--seed: a whole number');
    console.log(formatFraudDemo(fraudDemo({ payments, seed })));
    return 0;
  }

  if (cmd === 'demo' && sub === 'traffic') {
    // the simulated banks are outside the platform: they speak to it over its public API only
    const { runDemoTraffic } = await import('../simulators/index.ts');
    const logins = JSON.parse(readFileSync(`${config.dataDir}/demo-logins.json`, 'utf8')) as {
      portalUrl: string;
      users: { username: string; password: string; totpSecret: string; participantType: string }[];
    };
    const operator = logins.users.find((u) => u.participantType === 'operator');
    if (!operator) throw new DomainError('not-found', 'no operator login in the demo logins file');
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    const r = await runDemoTraffic({
      baseUrl: config.publicUrl ?? logins.portalUrl,
      operatorLogin: operator,
      rate: Number(values.rate ?? '20'),
      ...(values.duration ? { durationSeconds: Number(values.duration) } : {}),
      signal: stop.signal,
    });
    console.log(`done: sent ${r.sent}, settled ${r.settled}, queued ${r.queued}, rejected ${r.rejected}`);
    return 0;
  }

  if (cmd === 'migrate') {
    const db = await openStorage(config);
    console.log(`migrations applied on ${db.engine}`);
    await db.close();
    return 0;
  }

  if (cmd === 'audit' && sub === 'verify') {
    const db = await openStorage(config);
    const b = bar('verifying audit log');
    let started = false;
    const r = await verifyAudit(db, {
      onProgress: (done: number, total: number) => {
        if (!started) {
          b.start(total, 0);
          started = true;
        }
        b.update(done);
      },
    });
    if (started) b.stop();
    await db.close();
    if (r.ok) {
      console.log(`audit log intact: ${r.count} entries, hash chain verified`);
      return 0;
    }
    console.error(`audit log TAMPERED: first bad entry seq ${r.firstBad.seq}: ${r.firstBad.reason}`);
    return 2;
  }

  // the remaining commands use the services, without the HTTP listener
  const platform = await buildPlatform({ ...config, demo: false });
  try {
    if (cmd === 'seed') {
      const b = bar('seeding demo world');
      let started = false;
      const r = await seedDemoWorld(platform, {
        portalUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
        loginsPath: `${config.dataDir}/demo-logins.json`,
        onProgress: (done, total) => {
          if (!started) {
            b.start(total, 0);
            started = true;
          }
          b.update(done);
        },
      });
      if (started) b.stop();
      console.log(
        r.seeded ? `seeded; logins in ${config.dataDir}/demo-logins.json` : 'database not empty: nothing seeded',
      );
      return 0;
    }
    if (cmd === 'participant' && sub === 'list') {
      const items = await platform.participants.list();
      if (values.json) console.log(JSON.stringify(items, null, 2));
      else
        for (const p of items)
          console.log(`${p.id}  ${p.status.padEnd(9)} ${p.type.padEnd(17)} ${(p.bic ?? '').padEnd(11)} ${p.name}`);
      return 0;
    }
    if (cmd === 'participant' && sub === 'add') {
      const p = await platform.participants.register(CLI_ACTOR, {
        name: values.name ?? '',
        type: values.type ?? '',
        bic: values.bic,
        taxId: values['tax-id'],
        binRanges: values['bin-ranges']?.split(',').filter(Boolean),
      });
      console.log(JSON.stringify(p, null, 2));
      return 0;
    }
    if (cmd === 'user' && sub === 'add') {
      const ref = values.participant ?? '';
      const p = (await platform.participants.getById(ref)) ?? (await platform.participants.byBic(ref));
      if (!p) throw new DomainError('not-found', `no participant with id or BIC ${ref}`);
      const password = values.password ?? randomBytes(12).toString('base64url');
      const r = await platform.participants.addUser(CLI_ACTOR, {
        participantId: p.id,
        username: values.username ?? '',
        displayName: values['display-name'] ?? values.username ?? '',
        password,
        roles: (values.roles ?? 'user').split(','),
      });
      console.log(`user ${r.user.username} (${r.user.id}) added to ${p.name}`);
      if (!values.password) console.log(`password:    ${password}`);
      console.log(`TOTP secret: ${r.totpSecret}\nTOTP URI:    ${r.totpUri}`);
      return 0;
    }
    console.error(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 1;
  } finally {
    await platform.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof ConfigError || err instanceof DomainError) console.error(`ndfi: ${err.message}`);
    else console.error(err);
    process.exit(1);
  },
);
