import {
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  notFound,
  toJson,
} from '../platform/index.ts';
import type { InstantInstruction, IpsParticipant, IpsService } from './service.ts';

export interface BulkItemInput {
  txId: string;
  endToEndId: string;
  amount: bigint;
  payeeBic?: string;
  creditorAccount?: string;
  alias?: string;
  remittance?: string;
}

export interface BulkView {
  id: string;
  payerBic: string;
  status: 'processing' | 'done';
  items: number;
  settled: number;
  rejected: number;
  pending: number;
  createdAt: string;
  finishedAt: string | null;
  results: { idx: number; txId: string; status: string | null; reason: string | null; paymentId: string | null }[];
}

/** Items of a bulk file in flight at once. */
const CONCURRENCY = 8;

/**
 * Bulk payments (IPS-5): a bank posts a file of many instant payments; it is stored whole, answered at once
 * (202), and processed in the background, each item an ordinary instant payment (so each is idempotent by
 * its transaction id: a restart resumes the file without paying anything twice). The bank follows the
 * per-item status, and gets an `ips.bulk_done` webhook at the end.
 */
export class IpsBulk {
  private readonly db: Db;
  private readonly ips: IpsService;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  private readonly running = new Map<string, Promise<void>>();

  constructor(deps: {
    db: Db;
    ips: IpsService;
    clock: Clock;
    ids: IdGenerator;
    lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  }) {
    this.db = deps.db;
    this.ips = deps.ips;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.lookup = deps.lookup;
  }

  async submit(payerBic: string, bulkId: string, items: BulkItemInput[]): Promise<BulkView> {
    const id = `${payerBic}:${bulkId}`;
    const txIds = new Set(items.map((i) => i.txId));
    if (txIds.size !== items.length) {
      throw new DomainError('validation', 'transaction ids repeat within the file', {
        reason: 'DUPL',
        issues: [{ field: '/payments', message: 'txId must be unique' }],
      });
    }
    const at = this.clock.now().toISOString();
    const inserted = await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `INSERT INTO ips_bulks (id, payer_bic, status, items, created_at) VALUES ($1, $2, 'processing', $3, $4)
         ON CONFLICT (id) DO NOTHING`,
        [id, payerBic, items.length, at],
      );
      if (n !== 1) return false;
      for (const [idx, item] of items.entries()) {
        await tx.exec('INSERT INTO ips_bulk_items (bulk_id, idx, instruction) VALUES ($1, $2, $3)', [
          id,
          idx,
          toJson(item),
        ]);
      }
      return true;
    });
    if (!inserted) throw new DomainError('conflict', `bulk ${bulkId} was already received`, { reason: 'DUPL' });
    this.process(id);
    return this.view(id, { bic: payerBic, oversight: false });
  }

  /** Resumes files a restart interrupted. */
  async start(): Promise<void> {
    for (const r of await this.db.query<{ id: string }>(`SELECT id FROM ips_bulks WHERE status = 'processing'`)) {
      this.process(r.id);
    }
  }

  /** Waits for the files being processed (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private process(id: string): void {
    if (this.running.has(id)) return;
    // a failure (the database going away) leaves the file 'processing': the next start resumes it
    const run = this.run(id)
      .catch(() => {})
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async run(id: string): Promise<void> {
    const [bulk] = await this.db.query<{ payer_bic: string }>('SELECT payer_bic FROM ips_bulks WHERE id = $1', [id]);
    if (!bulk) return;
    const todo = await this.db.query<{ idx: bigint; instruction: string }>(
      'SELECT idx, instruction FROM ips_bulk_items WHERE bulk_id = $1 AND status IS NULL ORDER BY idx',
      [id],
    );
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const row = todo[next++]!;
        const item = JSON.parse(row.instruction) as Record<string, string>;
        const instruction: InstantInstruction = {
          msgId: id.slice(0, 35),
          txId: item.txId!,
          endToEndId: item.endToEndId!,
          amount: BigInt(item.amount!),
          currency: 'KZT',
          ...(item.payeeBic ? { payeeBic: item.payeeBic } : {}),
          ...(item.creditorAccount ? { creditorAccount: item.creditorAccount } : {}),
          ...(item.alias ? { alias: item.alias } : {}),
          document: { bulk: id, ...item },
        };
        let status: string;
        let reason: string | null = null;
        let paymentId: string | null = null;
        try {
          const s = await this.ips.pay(bulk.payer_bic, instruction);
          status = s.status;
          reason = s.reason ?? null;
          paymentId = s.paymentId;
        } catch (e) {
          status = 'RJCT';
          reason = (e as { reason?: string }).reason ?? 'NARR';
        }
        await this.db.transaction((tx) =>
          tx.exec(
            'UPDATE ips_bulk_items SET status = $1, reason = $2, payment_id = $3 WHERE bulk_id = $4 AND idx = $5',
            [status, reason, paymentId, id, row.idx],
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const payer = await this.lookup(bulk.payer_bic);
    const at = this.clock.now().toISOString();
    await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `UPDATE ips_bulks SET status = 'done', finished_at = $1 WHERE id = $2 AND status = 'processing'`,
        [at, id],
      );
      if (n === 1 && payer) {
        await enqueueWebhook(
          tx,
          {
            participantId: payer.id,
            eventType: 'ips.bulk_done',
            payload: { bulkId: id },
            idempotencyKey: `bulk:${id}`,
          },
          this.ids,
          this.clock,
        );
      }
    });
  }

  async view(id: string, viewer: { bic?: string; oversight: boolean }): Promise<BulkView> {
    const [b] = await this.db.query<{
      id: string;
      payer_bic: string;
      status: string;
      items: bigint;
      created_at: string;
      finished_at: string | null;
    }>('SELECT * FROM ips_bulks WHERE id = $1', [id]);
    if (!b || !(viewer.oversight || b.payer_bic === viewer.bic)) throw notFound('bulk');
    const rows = await this.db.query<{
      idx: bigint;
      instruction: string;
      status: string | null;
      reason: string | null;
      payment_id: string | null;
    }>('SELECT idx, instruction, status, reason, payment_id FROM ips_bulk_items WHERE bulk_id = $1 ORDER BY idx', [id]);
    const results = rows.map((r) => ({
      idx: Number(r.idx),
      txId: (JSON.parse(r.instruction) as { txId: string }).txId,
      status: r.status,
      reason: r.reason,
      paymentId: r.payment_id,
    }));
    return {
      id: b.id,
      payerBic: b.payer_bic,
      status: b.status as BulkView['status'],
      items: Number(b.items),
      settled: results.filter((r) => r.status === 'ACSC').length,
      rejected: results.filter((r) => r.status === 'RJCT').length,
      pending: results.filter((r) => r.status === null).length,
      createdAt: b.created_at,
      finishedAt: b.finished_at,
      results,
    };
  }
}
