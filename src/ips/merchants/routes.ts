import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasRole, type Principal, parseAmount } from '../../platform/index.ts';
import { MERCHANT_LANGUAGES, MERCHANT_STATUSES, type Merchant } from './domain/merchant.ts';
import type { DynamicQrView, MerchantActor, MerchantsService, QrResolution } from './service.ts';

/** Acquirers: banks and other participants that take payments. */
const ACQUIRER = { roles: ['bank', 'payments'] };
/** Reading: acquirers their own merchants, oversight (operator, central bank, regulator) all of them. */
const READER = { roles: ['bank', 'payments', 'oversight'] };
const OVERSIGHT = ['oversight'];

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Ascii = (max: number, description: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[\\x20-\\x7E]+$', description });
const Label = (description: string) => Ascii(25, description);

const AlternateLanguage = Type.Object(
  {
    language: Type.Union(
      MERCHANT_LANGUAGES.map((l) => Type.Literal(l)),
      { description: 'kk (Kazakh) or ru (Russian)' },
    ),
    merchantName: Type.String({ minLength: 1, maxLength: 25, description: 'the name in that language, any script' }),
    merchantCity: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 15 }))),
  },
  { additionalProperties: false, description: 'QR template 64: the merchant in Kazakh or Russian' },
);

const MerchantFields = {
  name: Ascii(25, 'QR tag 59: 1-25 printable Latin characters'),
  city: Ascii(15, 'QR tag 60: 1-15 printable Latin characters'),
  mcc: Type.String({ pattern: '^[0-9]{4}$', description: 'ISO 18245 merchant category code, e.g. 5411' }),
  account: Type.String({
    minLength: 20,
    maxLength: 24,
    description: "the merchant's settlement account at your bank: a Kazakh IBAN (KZ + 18), never shown in a QR",
  }),
  taxId: Nullable(Type.String({ pattern: '^[0-9]{12}$', description: 'BIN or IIN, 12 digits (QR tag 26.03)' })),
  postalCode: Nullable(Ascii(10, 'QR tag 61')),
  alternateLanguage: Nullable(AlternateLanguage),
  tariffRef: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: "the merchant's fee tariff package (IPS-7); the payer never pays a fee",
    }),
  ),
};

const RegisterBody = Type.Object(
  {
    merchantId: Type.String({
      minLength: 1,
      maxLength: 32,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'your id of the merchant, unique at your bank; printed in its QR (26.02), so permanent',
    }),
    name: MerchantFields.name,
    city: MerchantFields.city,
    mcc: MerchantFields.mcc,
    account: MerchantFields.account,
    taxId: Type.Optional(MerchantFields.taxId),
    postalCode: Type.Optional(MerchantFields.postalCode),
    alternateLanguage: Type.Optional(MerchantFields.alternateLanguage),
    tariffRef: Type.Optional(MerchantFields.tariffRef),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    name: Type.Optional(MerchantFields.name),
    city: Type.Optional(MerchantFields.city),
    mcc: Type.Optional(MerchantFields.mcc),
    account: Type.Optional(MerchantFields.account),
    taxId: Type.Optional(MerchantFields.taxId),
    postalCode: Type.Optional(MerchantFields.postalCode),
    alternateLanguage: Type.Optional(MerchantFields.alternateLanguage),
    tariffRef: Type.Optional(MerchantFields.tariffRef),
  },
  { additionalProperties: false, minProperties: 1, description: 'fields to change; null clears an optional one' },
);

const MerchantView = Type.Object(
  {
    id: Type.String({ description: 'registry id, used in URLs' }),
    merchantId: Type.String(),
    acquirerBic: Type.String(),
    name: Type.String(),
    city: Type.String(),
    mcc: Type.String(),
    account: Type.String(),
    taxId: Nullable(Type.String()),
    postalCode: Nullable(Type.String()),
    alternateLanguage: Nullable(
      Type.Object({
        language: Type.String(),
        merchantName: Type.String(),
        merchantCity: Nullable(Type.String()),
      }),
    ),
    tariffRef: Nullable(Type.String()),
    status: Type.Union(MERCHANT_STATUSES.map((s) => Type.Literal(s))),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'IpsMerchant' },
);

/** What another bank learns by decoding a QR: the public data, no account, tariff or acquirer internals. */
const PublicMerchant = Type.Object({
  merchantId: Type.String(),
  acquirerBic: Type.String(),
  name: Type.String(),
  city: Type.String(),
  mcc: Type.String(),
  taxId: Nullable(Type.String()),
  alternateLanguage: Nullable(
    Type.Object({ language: Type.String(), merchantName: Type.String(), merchantCity: Nullable(Type.String()) }),
  ),
});

const Minor = Type.String({ pattern: '^[0-9]+$', description: 'tiyn (minor units)' });

const QrView = Type.Object({
  id: Type.String({ description: 'the reference label (62.05) of the code' }),
  reference: Type.String(),
  merchant: Type.String({ description: 'registry id of the merchant' }),
  merchantId: Type.String(),
  amount: Minor,
  billNumber: Nullable(Type.String()),
  payload: Type.String({ description: 'the EMV QR payload: what the QR image encodes' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('paid'), Type.Literal('expired')]),
  expiresAt: Nullable(Type.String()),
  createdAt: Type.String(),
  paidAt: Nullable(Type.String()),
  paymentId: Nullable(Type.String()),
});

const StaticQrView = Type.Object({
  merchant: Type.String(),
  merchantId: Type.String(),
  payload: Type.String({ description: 'the EMV QR payload: what the QR image encodes' }),
});

const DynamicBody = Type.Object(
  {
    amount: Type.String({ description: 'decimal tenge with at most 2 decimals, e.g. "1500.00"; ≤ 9999999999.99' }),
    billNumber: Type.Optional(Label('your order or invoice number (62.01)')),
    terminalLabel: Type.Optional(Label('62.07')),
    storeLabel: Type.Optional(Label('62.03')),
    purpose: Type.Optional(Label('62.08')),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'after this the code is refused; at most a year ahead' }),
    ),
  },
  { additionalProperties: false },
);

const StaticQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('png'), Type.Literal('svg')], {
        description: 'json (default): the payload; png or svg: the image',
      }),
    ),
    storeLabel: Type.Optional(Label('62.03, e.g. a branch')),
    terminalLabel: Type.Optional(Label('62.07, e.g. a till')),
  },
  { additionalProperties: false },
);
const FormatQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('png'), Type.Literal('svg')], {
        description: 'json (default): the code; png or svg: the image',
      }),
    ),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(MERCHANT_STATUSES.map((s) => Type.Literal(s)))),
    mcc: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
    merchantId: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'part of the name, other-language name or id' }),
    ),
    acquirerBic: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'oversight only: one acquirer' }),
    ),
    after: Type.Optional(Type.String({ maxLength: 64, description: 'cursor: `next` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const QrListQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 64, description: 'cursor: `next` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const QrParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  qrId: Type.String({
    pattern: '^[0-9A-Za-z]{1,25}(\\.(png|svg))?$',
    description: 'the reference label; append .png or .svg for the image',
  }),
});
const StatusBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 3, maxLength: 500 })) },
  { additionalProperties: false },
);
const ResolveBody = Type.Object(
  { payload: Type.String({ minLength: 1, maxLength: 2048, description: 'the scanned QR payload' }) },
  { additionalProperties: false },
);
const ResolveView = Type.Object({
  ok: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'why it cannot be paid (ok = false)' })),
  message: Type.Optional(Type.String()),
  merchant: Type.Optional(PublicMerchant),
  acquirerBic: Type.Optional(Type.String()),
  amount: Type.Optional(Nullable(Minor)),
  reference: Type.Optional(Nullable(Type.String())),
  billNumber: Type.Optional(Nullable(Type.String())),
  dynamic: Type.Optional(Type.Boolean()),
  qrId: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Nullable(Type.String())),
});

const imageResponse = (jsonSchema: TSchema) => ({
  200: {
    description: 'the code as JSON, or its image with ?format=png|svg (or a .png / .svg path)',
    content: {
      'application/json': { schema: jsonSchema },
      'image/png': { schema: Type.String({ contentEncoding: 'binary' }) },
      'image/svg+xml': { schema: Type.String() },
    },
  },
});

const actorOf = (p: Principal): MerchantActor => ({
  participantId: p.participantId,
  id: p.userId ?? p.clientId ?? p.participantId,
  oversight: hasRole(p, OVERSIGHT),
});

const publicMerchant = (m: Merchant) => ({
  merchantId: m.merchantId,
  acquirerBic: m.acquirerBic,
  name: m.name,
  city: m.city,
  mcc: m.mcc,
  taxId: m.taxId,
  alternateLanguage: m.alternateLanguage,
});

type Format = 'json' | 'png' | 'svg';

/** Nothing yet: the service holds what the routes need. Reserved so wiring does not change later. */
export type MerchantRoutesDeps = Record<string, never>;

/**
 * The IPS merchant registry and its QR codes over HTTP under /api/ips/v1/merchants (IPS-4): acquirers
 * (roles bank, payments) manage their own merchants; oversight reads all of them.
 */
export function merchantRoutes(app: FastifyInstance, svc: MerchantsService, _deps: MerchantRoutesDeps = {}): void {
  const base = '/api/ips/v1/merchants';
  const tags = ['ips'];
  app.addSchema(MerchantView);

  const send = async (reply: FastifyReply, format: Format, payload: string, json: () => unknown) => {
    if (format === 'png') return reply.type('image/png').send(await svc.png(payload));
    if (format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(await svc.svg(payload));
    return json();
  };

  app.post(
    base,
    {
      config: { auth: ACQUIRER },
      schema: {
        tags,
        summary: 'Register a merchant your bank acquires',
        body: RegisterBody,
        response: { 201: Type.Ref(MerchantView) },
      },
    },
    async (req, reply) => {
      const m = await svc.register(actorOf(req.principal!), req.body as Static<typeof RegisterBody>);
      reply.code(201);
      return m;
    },
  );

  app.get(
    base,
    {
      config: { auth: READER },
      schema: {
        tags,
        summary: 'Merchants, oldest first, with a cursor: your own (oversight: all, optionally of one acquirer)',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref(MerchantView)), next: Nullable(Type.String()) }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const actor = actorOf(req.principal!);
      const limit = q.limit ?? 100;
      const items = await svc.list(actor, {
        limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.mcc ? { mcc: q.mcc } : {}),
        ...(q.merchantId ? { merchantId: q.merchantId } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.after ? { after: q.after } : {}),
        // a bank's list is its own whatever it asks; the filter only narrows oversight's view
        ...(q.acquirerBic && actor.oversight ? { acquirerBic: q.acquirerBic } : {}),
      });
      return { items, next: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.post(
    `${base}/resolve-qr`,
    {
      config: { auth: { roles: ['bank', 'payments', 'oversight'] }, idempotent: false },
      schema: {
        tags,
        summary: 'Decode a scanned QR code: the merchant it pays (public data) and whether it can be paid now',
        description:
          'A read: no Idempotency-Key needed. An invalid code answers 400 naming the EMV problem (reason = its code, e.g. crc_mismatch). A valid one answers ok, or ok = false with a reason: unknown_merchant, merchant_suspended, unknown_qr, qr_mismatch (altered), qr_expired, qr_paid.',
        body: ResolveBody,
        response: { 200: ResolveView },
      },
    },
    async (req) => {
      const r: QrResolution = await svc.resolveQr((req.body as Static<typeof ResolveBody>).payload);
      if (!r.ok) return r;
      return {
        ok: true,
        merchant: publicMerchant(r.merchant),
        acquirerBic: r.acquirerBic,
        amount: r.amount ?? null,
        reference: r.reference ?? null,
        billNumber: r.billNumber ?? null,
        dynamic: r.dynamic,
        ...(r.qrId !== undefined ? { qrId: r.qrId, expiresAt: r.expiresAt ?? null } : {}),
      };
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: { auth: READER },
      schema: { tags, summary: 'One merchant', params: IdParam, response: { 200: Type.Ref(MerchantView) } },
    },
    async (req) => svc.get(actorOf(req.principal!), (req.params as Static<typeof IdParam>).id),
  );

  app.patch(
    `${base}/:id`,
    {
      config: { auth: ACQUIRER },
      schema: {
        tags,
        summary: "Change a merchant's data (not its merchant id: that is printed in its QR codes)",
        params: IdParam,
        body: PatchBody,
        response: { 200: Type.Ref(MerchantView) },
      },
    },
    async (req) =>
      svc.update(
        actorOf(req.principal!),
        (req.params as Static<typeof IdParam>).id,
        req.body as Static<typeof PatchBody>,
      ),
  );

  for (const action of ['suspend', 'activate'] as const) {
    app.post(
      `${base}/:id/${action}`,
      {
        config: { auth: ACQUIRER },
        schema: {
          tags,
          summary:
            action === 'suspend'
              ? 'Suspend a merchant: no new QR codes, its codes are refused at payment'
              : 'Activate a suspended merchant',
          params: IdParam,
          body: StatusBody,
          response: { 200: Type.Ref(MerchantView) },
        },
        // the body is optional: none is the same as {}
        preValidation: async (req) => {
          req.body ??= {};
        },
      },
      async (req) =>
        svc.changeStatus(
          actorOf(req.principal!),
          (req.params as Static<typeof IdParam>).id,
          action,
          (req.body as Static<typeof StatusBody> | undefined)?.reason,
        ),
    );
  }

  // static code: /qr (JSON, or ?format=png|svg), /qr.png, /qr.svg
  for (const [suffix, fixed] of [
    ['qr', undefined],
    ['qr.png', 'png'],
    ['qr.svg', 'svg'],
  ] as const) {
    app.get(
      `${base}/:id/${suffix}`,
      {
        config: { auth: READER },
        schema: {
          tags,
          summary: `The merchant's static QR code (no amount)${fixed ? ` as ${fixed.toUpperCase()}` : ''}`,
          params: IdParam,
          querystring: StaticQuery,
          response: imageResponse(StaticQrView),
        },
      },
      async (req, reply) => {
        const q = req.query as Static<typeof StaticQuery>;
        const { merchant, payload } = await svc.staticQr(actorOf(req.principal!), (req.params as { id: string }).id, {
          storeLabel: q.storeLabel,
          terminalLabel: q.terminalLabel,
        });
        return send(reply, fixed ?? q.format ?? 'json', payload, () => ({
          merchant: merchant.id,
          merchantId: merchant.merchantId,
          payload,
        }));
      },
    );
  }

  app.post(
    `${base}/:id/qr`,
    {
      config: { auth: ACQUIRER },
      schema: {
        tags,
        summary: 'Issue a dynamic QR code for one order: its amount, payable once',
        description:
          'The code is recorded under its reference label (62.05), which the registry assigns: the id of the code. Get its image at …/qr/{id}.png or .svg.',
        params: IdParam,
        body: DynamicBody,
        response: { 201: QrView },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof DynamicBody>;
      const view = await svc.createDynamicQr(actorOf(req.principal!), (req.params as Static<typeof IdParam>).id, {
        amount: parseAmount(b.amount, { field: '/amount', allowZero: false }),
        billNumber: b.billNumber,
        terminalLabel: b.terminalLabel,
        storeLabel: b.storeLabel,
        purpose: b.purpose,
        expiresAt: b.expiresAt,
      });
      reply.code(201);
      return view;
    },
  );

  app.get(
    `${base}/:id/qr-codes`,
    {
      config: { auth: READER },
      schema: {
        tags,
        summary: "The merchant's dynamic QR codes, oldest first, with a cursor",
        params: IdParam,
        querystring: QrListQuery,
        response: { 200: Type.Object({ items: Type.Array(QrView), next: Nullable(Type.String()) }) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof QrListQuery>;
      const limit = q.limit ?? 100;
      const items: DynamicQrView[] = await svc.listDynamicQr(
        actorOf(req.principal!),
        (req.params as Static<typeof IdParam>).id,
        { after: q.after, limit },
      );
      return { items, next: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.get(
    `${base}/:id/qr/:qrId`,
    {
      config: { auth: READER },
      schema: {
        tags,
        summary: 'One dynamic QR code with its status (open, paid, expired); {qrId}.png / .svg for the image',
        params: QrParam,
        querystring: FormatQuery,
        response: imageResponse(QrView),
      },
    },
    async (req, reply) => {
      const p = req.params as Static<typeof QrParam>;
      const m = /^(.*)\.(png|svg)$/.exec(p.qrId);
      const view = await svc.dynamicQr(actorOf(req.principal!), p.id, m ? m[1]! : p.qrId);
      const format: Format =
        (m?.[2] as Format | undefined) ?? (req.query as Static<typeof FormatQuery>).format ?? 'json';
      return send(reply, format, view.payload, () => view);
    },
  );
}
