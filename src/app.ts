/**
 * Composition root: builds the kernel and the modules, wires their dependencies, starts the servers.
 * Every deployment shape runs this: embedded (SQLite, in-process events) or scale-out (PostgreSQL, NATS).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createValidator } from '../packages/iso20022/index.ts';
import {
  AfcIncidents,
  AfcInstruments,
  AfcKnowledge,
  AfcLists,
  AfcScreening,
  AfcStatistics,
  afcIncidentRoutes,
  afcIncidentsMigrations,
  afcInstrumentsMigrations,
  afcInstrumentsRoutes,
  afcKnowledgeMigrations,
  afcKnowledgeRoutes,
  afcListsMigrations,
  afcRoutes,
  imtsScreening,
  ipsScreening,
  type RelatedParticipant,
} from './afc/index.ts';
import { seedDemoWorld } from './demo/index.ts';
import { IcsService, icsMigrations, icsRoutes } from './ics/index.ts';
import { ImtsService, imtsMigrations, imtsRoutes } from './imts/index.ts';
import {
  aliasRoutes,
  disputeRoutes,
  IpsAliasService,
  IpsBulk,
  IpsDisputes,
  IpsNetDebitCaps,
  IpsReturns,
  IpsService,
  IpsTariffs,
  ipsAliasMigrations,
  ipsDisputesMigrations,
  ipsMerchantsMigrations,
  ipsMigrations,
  ipsRoutes,
  MerchantsService,
  merchantRoutes,
  qrRefusalError,
  RequestsToPay,
} from './ips/index.ts';
import { createLedger, type Ledger, ledgerMigrations, ledgerRoutes } from './ledger/index.ts';
import {
  binInRange,
  ParticipantsService,
  participantsMigrations,
  participantsRoutes,
  SESSION_COOKIE,
} from './participants/index.ts';
import {
  auditMigrations,
  type Config,
  createAuthorizationServer,
  createHttpServer,
  createLogger,
  cryptoMigrations,
  type Db,
  DomainError,
  type EventBus,
  eventsMigrations,
  InProcessBus,
  idempotencyMigrations,
  type Logger,
  loadConfig,
  loadOrCreateSigningKey,
  migrate,
  NatsJetStreamBus,
  OutboxDispatcher,
  openDb,
  PlatformCa,
  type Principal,
  systemClock,
  ulidGenerator,
  WebhookSender,
  webhooksMigrations,
} from './platform/index.ts';
import { auditRoutes, dashboardRoutes } from './reporting/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

export const ALL_MIGRATIONS = [
  cryptoMigrations,
  auditMigrations,
  eventsMigrations,
  idempotencyMigrations,
  participantsMigrations,
  ledgerMigrations,
  webhooksMigrations,
  imtsMigrations,
  icsMigrations,
  ipsMigrations,
  ipsAliasMigrations,
  ipsMerchantsMigrations,
  ipsDisputesMigrations,
  afcListsMigrations,
  afcIncidentsMigrations,
  afcKnowledgeMigrations,
  afcInstrumentsMigrations,
];

export interface Platform {
  config: Config;
  db: Db;
  logger: Logger;
  participants: ParticipantsService;
  ledger: Ledger;
  imts: ImtsService;
  ics: IcsService;
  ips: IpsService;
  afc: { lists: AfcLists; screening: AfcScreening; incidents: AfcIncidents };
  bus: EventBus;
  dispatcher: OutboxDispatcher;
  http: FastifyInstance;
  close(): Promise<void>;
}

/** Opens storage and runs every module's migrations. */
export async function openStorage(config: Config): Promise<Db> {
  const db = openDb(config);
  await migrate(db, ALL_MIGRATIONS);
  return db;
}

/** Builds the whole platform without listening; `startApp` listens. */
export async function buildPlatform(config: Config): Promise<Platform> {
  const logger = createLogger({ level: config.logLevel });
  const clock = systemClock;
  const ids = ulidGenerator(clock);
  const db = await openStorage(config);
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;

  const bus: EventBus = config.natsUrl
    ? await NatsJetStreamBus.connect({
        servers: config.natsUrl,
        logger,
        stream: config.natsStream,
        subjectPrefix: config.natsStream.toLowerCase(),
      })
    : new InProcessBus({ logger });
  const dispatcher = new OutboxDispatcher({ db, bus, logger });
  db.onCommit(() => dispatcher.nudge());

  const ca = await PlatformCa.loadOrCreate({ db, clock, name: 'NDFI Platform CA' });
  const signingKey = await loadOrCreateSigningKey({ db, use: 'access-token' });
  const participants = new ParticipantsService({ db, clock, ids, ca });
  const ledger = await createLedger({ db, clock, logger });
  const centralBank = async () => {
    const [cb] = await participants.list({ type: 'central_bank' });
    if (!cb) throw new DomainError('unavailable', 'no central bank is registered');
    const issuanceAccountId = `cb:${cb.id}:issuance:KZT`;
    await ledger.createAccounts([
      { id: issuanceAccountId, owner: cb.id, currency: 'KZT', code: 'issuance', flags: { history: true } },
    ]);
    return { id: cb.id, issuanceAccountId };
  };
  // Anti-Fraud Center: lists in memory (loaded before anything screens), screening for IMTS, IPS and the API
  const afcLists = new AfcLists({
    db,
    clock,
    ids,
    logger,
    recipients: async () =>
      (await participants.list({ status: 'active' }))
        .filter((p) => p.roles.includes('fraud_reporter'))
        .map((p) => p.id),
  });
  await afcLists.start();
  const afcScreening = new AfcScreening({
    lists: afcLists,
    db,
    clock,
    ids,
    knownBic: async (bic) => (await participants.byBic(bic)) !== undefined,
  });
  const imts = new ImtsService({
    db,
    ledger,
    clock,
    ids,
    logger,
    centralBank,
    lookup: async (bic) => {
      const p = await participants.byBic(bic);
      return p?.bic ? { id: p.id, bic: p.bic, status: p.status, roles: p.roles } : undefined;
    },
    screen: imtsScreening(afcScreening),
    reviewHoldMs: config.afcHoldHoursImts * 3_600_000,
  });
  await imts.start();
  const ics = new IcsService({
    db,
    clock,
    ids,
    logger,
    imts,
    lookup: async (bic) => {
      const p = await participants.byBic(bic);
      return p?.bic ? { id: p.id, bic: p.bic, status: p.status, roles: p.roles } : undefined;
    },
    // a close interrupted after IMTS settled is finished from IMTS's own record
    wasSettled: (id) => imts.ancillarySettled('ics', id),
  });
  await ics.start();
  const aliases = new IpsAliasService({
    db,
    clock,
    ids,
    logger,
    options: { lookupsPerMinutePerBank: config.ipsAliasLookupsPerMinutePerBank },
  });
  const ipsLookup = async (bic: string) => {
    const p = await participants.byBic(bic);
    return p?.bic ? { id: p.id, bic: p.bic, status: p.status } : undefined;
  };
  const merchants = new MerchantsService({
    db,
    clock,
    ids,
    bicOf: async (participantId) => (await participants.cached(participantId))?.bic ?? null,
  });
  const ipsTariffs = new IpsTariffs({
    db,
    ledger,
    clock,
    ids,
    operator: async () => {
      const [op] = await participants.list({ type: 'operator' });
      if (!op) throw new Error('no operator participant');
      return { id: op.id };
    },
  });
  const ipsCaps = new IpsNetDebitCaps({
    db,
    ledger,
    clock,
    isParticipant: async (bic) => (await ipsLookup(bic)) !== undefined,
  });
  const ips = new IpsService({
    caps: ipsCaps,
    db,
    ledger,
    imts,
    clock,
    ids,
    logger,
    centralBank,
    lookup: ipsLookup,
    endpoint: async (participantId) => (await participants.webhookTargets(participantId, 'ips.pacs008'))[0],
    resolveAlias: (phone) => aliases.resolve(phone, '/cdtTrfTxInf/0/cdtrAcct/prxy/id'),
    resolveQr: async (payload) => {
      const r = await merchants.resolveQr(payload);
      if (!r.ok) throw qrRefusalError(r);
      return {
        acquirerBic: r.acquirerBic,
        merchant: r.merchant,
        amount: r.amount,
        dynamic: r.dynamic,
        ...(r.qrId ? { qrId: r.qrId } : {}),
        ...(r.reference ? { reference: r.reference } : {}),
      };
    },
    markQrPaid: (qrId, paymentId, tx) => merchants.markPaid(qrId, paymentId, tx),
    fees: ipsTariffs,
    screen: ipsScreening(afcScreening),
    answerTimeoutMs: config.ipsAnswerTimeoutMs,
    reviewHoldMs: config.afcHoldHoursIps * 3_600_000,
  });
  const requestsToPay = new RequestsToPay({ db, ips, clock, ids, lookup: ipsLookup });
  const ipsReturns = new IpsReturns({ db, ledger, clock, ids, lookup: ipsLookup });
  const ipsBulk = new IpsBulk({ db, ips, clock, ids, lookup: ipsLookup });
  const ipsDisputes = new IpsDisputes({ db, clock, ids, logger, returns: ipsReturns, lookup: ipsLookup });
  const afcIncidents = new AfcIncidents({
    db,
    clock,
    ids,
    logger,
    lists: afcLists,
    // the beneficiary's bank: by phone through the alias directory, by account through the accounts the directory
    // knows, by card BIN through the BIN table, by BIC
    related: async (identifiers) => {
      const out: RelatedParticipant[] = [];
      for (const x of identifiers) {
        if (x.kind === 'phone') {
          const a = await aliases.resolve(x.value).catch(() => undefined);
          if (a)
            out.push({
              participantId: a.participantId,
              relation: 'beneficiary_bank',
              via: `alias directory (${x.field})`,
            });
        } else if (x.kind === 'bin') {
          for (const p of await participants.list({ status: 'active' })) {
            if (p.binRanges.some((r) => binInRange(r, x.value))) {
              out.push({ participantId: p.id, relation: 'card_issuer', via: `BIN table (${x.field})` });
            }
          }
        } else if (x.kind === 'account') {
          for (const participantId of await aliases.banksOfAccount(x.value)) {
            out.push({ participantId, relation: 'beneficiary_bank', via: `account registry (${x.field})` });
          }
        } else if (x.kind === 'bic') {
          const p = await participants.byBic(x.value);
          if (p) out.push({ participantId: p.id, relation: 'beneficiary_bank', via: `BIC on the card (${x.field})` });
        }
      }
      return out;
    },
    knownBic: async (bic) => (await participants.byBic(bic)) !== undefined,
    withRole: async (role) =>
      (await participants.list({ status: 'active' })).filter((p) => p.roles.includes(role)).map((p) => p.id),
    ipsReturned: (paymentId) => ipsReturns.returned(paymentId),
    participantOf: (id) => participants.cached(id),
  });
  await afcIncidents.start();
  const afcStatistics = new AfcStatistics({ db, lists: afcLists });
  const afcKnowledge = new AfcKnowledge({ db, clock, ids });
  // card issuers by BIN range or BIC (a suspended bank is still told about its instruments)
  const afcInstruments = new AfcInstruments({
    db,
    clock,
    ids,
    issuers: async () =>
      (await participants.list())
        .filter((p) => p.status !== 'blocked' && (p.type === 'bank' || p.type === 'psp'))
        .map((p) => ({ participantId: p.id, bic: p.bic, binRanges: p.binRanges })),
  });
  let expiring: Promise<unknown> = Promise.resolve();
  const rtpExpiry = setInterval(() => {
    expiring = Promise.all([
      requestsToPay.expire().catch((err) => logger.error({ err }, 'request-to-pay expiry failed')),
      ipsReturns.expireRecalls().catch((err) => logger.error({ err }, 'recall expiry failed')),
      ipsDisputes.sweep().catch((err) => logger.error({ err }, 'dispute deadline sweep failed')),
      afcIncidents.sweep().catch((err) => logger.error({ err }, 'incident deadline sweep failed')),
    ]);
  }, 5000);
  rtpExpiry.unref();

  const auth = await createAuthorizationServer({
    issuer: `${publicUrl}/oauth`,
    audience: publicUrl,
    signingKey,
    logger,
    findClient: (id) => participants.findClient(id),
  });

  const authenticate = async (req: import('fastify').FastifyRequest): Promise<Principal | undefined> => {
    const h = req.headers.authorization;
    if (h?.startsWith('Bearer ')) {
      const claims = await auth.verifyAccessToken(h.slice(7));
      const p = await participants.cached(claims.participantId);
      if (!p || p.status === 'blocked') return undefined;
      return {
        participantId: p.id,
        participantType: p.type,
        roles: p.roles,
        via: 'token',
        clientId: claims.clientId,
        suspended: p.status === 'suspended',
      };
    }
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) return (await participants.sessionPrincipal(token))?.principal;
    return undefined;
  };

  const ready = async () => {
    await db.query('SELECT 1 AS ok');
    return true;
  };

  const http = await createHttpServer({
    db,
    logger,
    ids,
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimitPerMinute: config.rateLimitPerMinute,
    version: VERSION,
    authenticate,
    ready,
  });

  // oidc-provider reads its own request bodies: inside this plugin Fastify leaves them unread.
  await http.register(async (oauth) => {
    oauth.removeAllContentTypeParsers();
    oauth.addContentTypeParser('*', (_req, _payload, done) => done(null));
    oauth.all('/oauth/*', { config: { auth: 'public', idempotent: false }, schema: { hide: true } }, (req, reply) => {
      reply.hijack();
      auth.callback(req.raw, reply.raw);
    });
  });

  participantsRoutes(http, participants, {
    tokenEndpoint: auth.tokenEndpoint,
    secureCookies: publicUrl.startsWith('https:'),
  });
  const startedAt = clock.nowMs();
  ledgerRoutes(http, ledger);
  const validator = config.iso20022XsdDir ? createValidator(config.iso20022XsdDir) : undefined;
  imtsRoutes(http, imts, {
    ledger,
    bicOf: async (id) => (await participants.cached(id))?.bic ?? null,
    ids,
    clock,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(validator ? { validator } : {}),
  });
  icsRoutes(http, ics, {
    bicOf: async (id) => (await participants.cached(id))?.bic ?? null,
    ids,
    clock,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(validator ? { validator } : {}),
  });
  aliasRoutes(http, aliases, { bicOf: async (id) => (await participants.cached(id))?.bic ?? null });
  merchantRoutes(http, merchants, {});
  disputeRoutes(http, ipsDisputes, { bicOf: async (id) => (await participants.cached(id))?.bic ?? null });
  ipsRoutes(http, ips, requestsToPay, ipsReturns, ipsTariffs, ipsBulk, {
    caps: ipsCaps,
    bicOf: async (id) => (await participants.cached(id))?.bic ?? null,
    ids,
    clock,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(validator ? { validator } : {}),
  });
  afcRoutes(http, afcLists, afcScreening);
  afcIncidentRoutes(http, afcIncidents, afcStatistics);
  afcKnowledgeRoutes(http, { knowledge: afcKnowledge });
  afcInstrumentsRoutes(http, { instruments: afcInstruments });
  auditRoutes(http, db);
  dashboardRoutes(http, {
    version: VERSION,
    engine: db.engine,
    events: config.natsUrl ? 'nats' : 'in-process',
    startedAt,
    now: () => clock.nowMs(),
    ready,
    participantCounts: () => participants.counts(),
    ledgerCounts: () => ledger.counts(),
    ledgerTotals: () => ledger.totals(),
    ownAccounts: (owner) => ledger.listAccounts({ owner }),
  });
  await servePortal(http);

  const webhooks = new WebhookSender({ db, clock, logger, targets: (p, e) => participants.webhookTargets(p, e) });
  db.onCommit(() => webhooks.nudge());
  // a payee bank's new or disabled endpoint is where its next payment goes, not one found a moment before
  participants.onWebhooksChanged((participantId) => {
    ips.forgetEndpoint(participantId);
    webhooks.forgetTargets(participantId);
  });

  let expiringPending: Promise<unknown> = Promise.resolve();
  const expiry = setInterval(() => {
    expiringPending = ledger.expirePending().catch((err) => logger.error({ err }, 'pending expiry failed'));
  }, 1000);
  expiry.unref();
  dispatcher.start();
  webhooks.start();
  ics.startSchedule();
  ips.start();
  await ipsBulk.start();
  aliases.startSchedule();

  return {
    config,
    db,
    logger,
    participants,
    ledger,
    imts,
    ics,
    ips,
    afc: { lists: afcLists, screening: afcScreening, incidents: afcIncidents },
    bus,
    dispatcher,
    http,
    /**
     * Stops what starts work, then waits for the work started: first the HTTP server (it returns once every
     * request is done, also one whose client hung up, which may have begun a bulk file or a cycle close), then
     * the loops and what they began, then the writers; the database last, with nothing left to use it.
     */
    async close() {
      await http.close();
      clearInterval(expiry);
      clearInterval(rtpExpiry);
      await expiring;
      await expiringPending;
      await ips.stop();
      await aliases.stop();
      await afcLists.stop();
      await ics.stop();
      await ipsBulk.idle();
      await dispatcher.stop();
      await webhooks.stop();
      await ledger.close();
      await bus.close();
      await db.close();
    },
  };
}

/** The React portal, built by `npm install` (postinstall) into portal/dist, served at `/`. */
async function servePortal(http: FastifyInstance): Promise<void> {
  const dist = join(ROOT, 'portal', 'dist');
  const hasPortal = existsSync(join(dist, 'index.html'));
  if (hasPortal) await http.register(fastifyStatic, { root: dist, serve: false });
  http.get('/*', { config: { auth: 'public' }, schema: { hide: true } }, (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    if (path.startsWith('api/') || path.startsWith('oauth/')) {
      return reply.callNotFound();
    }
    if (!hasPortal) {
      return reply
        .type('text/plain')
        .send('NDFI API is running. The portal is not built: run `npm run build`. API docs: /docs');
    }
    if (path && existsSync(join(dist, path)) && !path.includes('..')) return reply.sendFile(path);
    return reply.sendFile('index.html');
  });
}

export interface StartedApp {
  url: string;
  platform: Platform;
  demoLoginsPath: string;
  close(): Promise<void>;
}

/** Starts the platform: migrations, demo world on first start, HTTP listener. */
export async function startApp(overrides: Partial<Config> = {}): Promise<StartedApp> {
  const config = loadConfig(process.env, overrides);
  // Port 0 asks the OS for a free port; the OAuth issuer must name the real one, so bind first.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const platform = await buildPlatform({ ...config, port });
  const url = config.publicUrl ?? `http://${config.host}:${port}`;
  const demoLoginsPath = join(config.dataDir, 'demo-logins.json');
  // seeded before listening, so /readyz never answers before the demo world exists
  if (config.demo) await seedDemoWorld(platform, { portalUrl: url, loginsPath: demoLoginsPath });
  await platform.http.listen({ port, host: config.host });
  return { url, platform, demoLoginsPath, close: () => platform.close() };
}

async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
