import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../../src/platform/testing.ts';

const ndfi = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/cli.ts', ...args], {
    env: { ...process.env, NDFI_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });

describe('ndfi CLI', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    tmp = tempDir();
  });
  after(() => tmp.cleanup());

  it('demo fraud: labelled synthetic traffic, mule proposals with explanations and precision/recall; bad sizes refused', () => {
    const r = ndfi(tmp.dir, 'demo', 'fraud', '--payments', '20000', '--seed', '7');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /20000 payments, \d+ of them fraud/);
    const m = /precision ([\d.]+), recall ([\d.]+)/.exec(r.stdout);
    assert.ok(m && Number(m[1]) >= 0.8 && Number(m[2]) >= 0.8, r.stdout.split('\n')[1]);
    assert.match(r.stdout, /Proposed as a money mule \(score [\d.]+\): .*flag at/);
    const bad = ndfi(tmp.dir, 'demo', 'fraud', '--payments', '12.5');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--payments/);
  });

  it('seeds, adds a participant and a user, lists them', () => {
    const seed = ndfi(tmp.dir, 'seed');
    assert.equal(seed.status, 0, seed.stderr);
    assert.match(seed.stdout, /seeded/);
    const add = ndfi(tmp.dir, 'participant', 'add', '--name', 'CLI Bank', '--type', 'bank', '--bic', 'CLIBKZKA');
    assert.equal(add.status, 0, add.stderr);
    const user = ndfi(
      tmp.dir,
      'user',
      'add',
      '--participant',
      'CLIBKZKA',
      '--username',
      'cli.admin',
      '--roles',
      'admin',
    );
    assert.equal(user.status, 0, user.stderr);
    assert.match(user.stdout, /TOTP secret: [A-Z2-7]+/);
    const list = ndfi(tmp.dir, 'participant', 'list', '--json');
    const items = JSON.parse(list.stdout);
    assert.equal(items.filter((p: { bic: string }) => p.bic === 'CLIBKZKA').length, 1);
    assert.equal(items.length, 14);
  });

  it('refuses bad input with a message naming the field, changing nothing', () => {
    const r = ndfi(tmp.dir, 'participant', 'add', '--name', 'No BIC Bank', '--type', 'bank');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\/bic/);
    assert.equal(JSON.parse(ndfi(tmp.dir, 'participant', 'list', '--json').stdout).length, 14);
  });

  it('audit verify passes on an intact log and names the first tampered entry', () => {
    const ok = ndfi(tmp.dir, 'audit', 'verify');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /intact: \d+ entries/);

    // a database administrator who bypasses the append-only triggers and edits one entry
    const db = new DatabaseSync(join(tmp.dir, 'ndfi.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.exec(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 7`);
    db.close();
    const bad = ndfi(tmp.dir, 'audit', 'verify');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /first bad entry seq 7/);
  });

  it('a bad configuration value stops with a message naming the key', () => {
    const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/cli.ts', 'migrate'], {
      env: { ...process.env, NDFI_DATA_DIR: tmp.dir, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /port \(PORT\)/);
  });
});
