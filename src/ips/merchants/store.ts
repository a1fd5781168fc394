import type { Queryable, SqlValue } from '../../platform/index.ts';
import type { Merchant, MerchantLanguage, MerchantStatus } from './domain/merchant.ts';
import type { DynamicQr } from './domain/qr.ts';

interface MerchantRow {
  id: string;
  acquirer_id: string;
  acquirer_bic: string;
  merchant_id: string;
  name: string;
  city: string;
  mcc: string;
  account: string;
  tax_id: string | null;
  postal_code: string | null;
  alt_language: string | null;
  alt_name: string | null;
  alt_city: string | null;
  tariff_ref: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

interface QrRow {
  id: string;
  merchant_pk: string;
  acquirer_id: string;
  amount: bigint;
  bill_number: string | null;
  payload: string;
  expires_at: string | null;
  created_at: string;
  paid_at: string | null;
  payment_id: string | null;
}

const toMerchant = (r: MerchantRow): Merchant => ({
  id: r.id,
  acquirerId: r.acquirer_id,
  acquirerBic: r.acquirer_bic,
  merchantId: r.merchant_id,
  name: r.name,
  city: r.city,
  mcc: r.mcc,
  account: r.account,
  taxId: r.tax_id,
  postalCode: r.postal_code,
  alternateLanguage:
    r.alt_language !== null && r.alt_name !== null
      ? { language: r.alt_language as MerchantLanguage, merchantName: r.alt_name, merchantCity: r.alt_city }
      : null,
  tariffRef: r.tariff_ref,
  status: r.status as MerchantStatus,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toQr = (r: QrRow): DynamicQr => ({
  id: r.id,
  merchantPk: r.merchant_pk,
  acquirerId: r.acquirer_id,
  amount: BigInt(r.amount),
  billNumber: r.bill_number,
  payload: r.payload,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  paidAt: r.paid_at,
  paymentId: r.payment_id,
});

export interface MerchantQuery {
  acquirerId?: string;
  acquirerBic?: string;
  status?: MerchantStatus;
  mcc?: string;
  merchantId?: string;
  /** Case-insensitive substring of the name, the other-language name or the merchant id. */
  q?: string;
  /** Keyset cursor: ids greater than this (the last id of the previous page). */
  after?: string;
  limit: number;
}

const likePattern = (s: string): string => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** SQL of the merchant registry; nothing else touches these tables. */
export const merchantsStore = {
  /** Inserts unless the acquirer already has this merchant id; false when it does. */
  async insert(q: Queryable, m: Merchant): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO ips_merchants (id, acquirer_id, acquirer_bic, merchant_id, name, city, mcc, account, tax_id, postal_code,
         alt_language, alt_name, alt_city, tariff_ref, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT DO NOTHING`,
      [
        m.id,
        m.acquirerId,
        m.acquirerBic,
        m.merchantId,
        m.name,
        m.city,
        m.mcc,
        m.account,
        m.taxId,
        m.postalCode,
        m.alternateLanguage?.language ?? null,
        m.alternateLanguage?.merchantName ?? null,
        m.alternateLanguage?.merchantCity ?? null,
        m.tariffRef,
        m.status,
        m.createdAt,
        m.updatedAt,
      ],
    );
    return n === 1;
  },

  async update(q: Queryable, m: Merchant): Promise<void> {
    await q.exec(
      `UPDATE ips_merchants SET name = $2, city = $3, mcc = $4, account = $5, tax_id = $6, postal_code = $7,
         alt_language = $8, alt_name = $9, alt_city = $10, tariff_ref = $11, status = $12, updated_at = $13
       WHERE id = $1`,
      [
        m.id,
        m.name,
        m.city,
        m.mcc,
        m.account,
        m.taxId,
        m.postalCode,
        m.alternateLanguage?.language ?? null,
        m.alternateLanguage?.merchantName ?? null,
        m.alternateLanguage?.merchantCity ?? null,
        m.tariffRef,
        m.status,
        m.updatedAt,
      ],
    );
  },

  async get(q: Queryable, id: string): Promise<Merchant | undefined> {
    const [r] = await q.query<MerchantRow>('SELECT * FROM ips_merchants WHERE id = $1', [id]);
    return r ? toMerchant(r) : undefined;
  },

  /** For updates: the row locked against concurrent changes (PostgreSQL; SQLite has one writer). */
  async getForUpdate(q: Queryable, id: string): Promise<Merchant | undefined> {
    const lock = q.engine === 'postgres' ? ' FOR UPDATE' : '';
    const [r] = await q.query<MerchantRow>(`SELECT * FROM ips_merchants WHERE id = $1${lock}`, [id]);
    return r ? toMerchant(r) : undefined;
  },

  async byAcquirerMerchantId(q: Queryable, acquirerId: string, merchantId: string): Promise<Merchant | undefined> {
    const [r] = await q.query<MerchantRow>('SELECT * FROM ips_merchants WHERE acquirer_id = $1 AND merchant_id = $2', [
      acquirerId,
      merchantId,
    ]);
    return r ? toMerchant(r) : undefined;
  },

  /** The merchant a QR names: acquirer BIC (26.01) and merchant id (26.02). */
  async byQrAccount(q: Queryable, bic: string, merchantId: string): Promise<Merchant | undefined> {
    const [r] = await q.query<MerchantRow>('SELECT * FROM ips_merchants WHERE acquirer_bic = $1 AND merchant_id = $2', [
      bic,
      merchantId,
    ]);
    return r ? toMerchant(r) : undefined;
  },

  async list(q: Queryable, f: MerchantQuery): Promise<Merchant[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (sql: string, ...values: SqlValue[]) => {
      let s = sql;
      for (const v of values) {
        params.push(v);
        s = s.replace('?', `$${params.length}`);
      }
      where.push(s);
    };
    if (f.acquirerId !== undefined) add('acquirer_id = ?', f.acquirerId);
    if (f.acquirerBic !== undefined) add('acquirer_bic = ?', f.acquirerBic);
    if (f.status !== undefined) add('status = ?', f.status);
    if (f.mcc !== undefined) add('mcc = ?', f.mcc);
    if (f.merchantId !== undefined) add('merchant_id = ?', f.merchantId);
    if (f.after !== undefined) add('id > ?', f.after);
    if (f.q !== undefined && f.q !== '') {
      const p = likePattern(f.q);
      add(
        `(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(alt_name, '')) LIKE ? ESCAPE '\\' OR LOWER(merchant_id) LIKE ? ESCAPE '\\')`,
        p,
        p,
        p,
      );
    }
    params.push(BigInt(f.limit));
    const rows = await q.query<MerchantRow>(
      `SELECT * FROM ips_merchants${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toMerchant);
  },

  /** Inserts a dynamic code; false when its id (reference label) is taken. */
  async insertQr(q: Queryable, c: DynamicQr): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO ips_qr_codes (id, merchant_pk, acquirer_id, amount, bill_number, payload, expires_at, created_at, paid_at, payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL) ON CONFLICT DO NOTHING`,
      [c.id, c.merchantPk, c.acquirerId, c.amount, c.billNumber, c.payload, c.expiresAt, c.createdAt],
    );
    return n === 1;
  },

  async getQr(q: Queryable, id: string): Promise<DynamicQr | undefined> {
    const [r] = await q.query<QrRow>('SELECT * FROM ips_qr_codes WHERE id = $1', [id]);
    return r ? toQr(r) : undefined;
  },

  async listQr(q: Queryable, merchantPk: string, after: string | undefined, limit: number): Promise<DynamicQr[]> {
    const rows = await q.query<QrRow>(
      after === undefined
        ? 'SELECT * FROM ips_qr_codes WHERE merchant_pk = $1 ORDER BY id LIMIT $2'
        : 'SELECT * FROM ips_qr_codes WHERE merchant_pk = $1 AND id > $3 ORDER BY id LIMIT $2',
      after === undefined ? [merchantPk, BigInt(limit)] : [merchantPk, BigInt(limit), after],
    );
    return rows.map(toQr);
  },

  /** Marks an unpaid code paid; false when it is already paid (or missing). Atomic on both engines. */
  async markPaid(q: Queryable, id: string, paymentId: string, at: string): Promise<boolean> {
    const n = await q.exec('UPDATE ips_qr_codes SET paid_at = $2, payment_id = $3 WHERE id = $1 AND paid_at IS NULL', [
      id,
      at,
      paymentId,
    ]);
    return n === 1;
  },
};
