/** Shared by the IPS API tests: a pacs.008 of one transaction and a payee bank's endpoint over real HTTP. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const I = '/api/ips/v1';
let seq = 0;
/** The number of the last pacs008() built: its transaction id is `ITX-<n>`. */
export const lastSeq = (): number => seq;

export function pacs008(from: string, to: string, amount: string, account = 'KZ86125KZT5004100100') {
  const n = ++seq;
  return {
    grpHdr: {
      msgId: `IPS-${Date.now()}-${n}`,
      creDtTm: '2026-11-23T10:00:00+05:00',
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: { finInstnId: { bicfi: from } },
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `E2E-${n}`, txId: `ITX-${n}` },
        intrBkSttlmAmt: { amount, ccy: 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Aigerim Sarsenova' },
        dbtrAgt: { finInstnId: { bicfi: from } },
        cdtrAgt: { finInstnId: { bicfi: to } },
        cdtr: { nm: 'Dauren Ospanov' },
        cdtrAcct: { id: { othr: { id: account } } },
      },
    ],
  };
}

/** Polls a condition of what an HTTP peer received until it holds (no fixed sleeps). */
export async function eventually<T>(find: () => T | undefined): Promise<T> {
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The payee bank's IPS endpoint: answers each delivery as `decide` says, and records what it got. */
export interface PayeeBank {
  url: string;
  secret: string;
  received: { id: string; body: string; headers: Record<string, string> }[];
  decide: (body: { data: { cdtrAcct?: { id?: { othr?: { id: string } } } } }) => 'ACCP' | 'RJCT' | 'later';
  server: Server;
}

export async function payeeBank(): Promise<PayeeBank> {
  const bank = { received: [], decide: () => 'ACCP' } as unknown as PayeeBank;
  bank.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const headers = req.headers as Record<string, string>;
      bank.received.push({ id: headers['webhook-id']!, body, headers });
      const d = bank.decide(JSON.parse(body));
      if (d === 'later') res.writeHead(202).end();
      else
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ txSts: d, reason: d === 'RJCT' ? 'AC04' : undefined }));
    });
  });
  await new Promise<void>((r) => bank.server.listen(0, '127.0.0.1', r));
  bank.url = `http://127.0.0.1:${(bank.server.address() as AddressInfo).port}/ips`;
  return bank;
}
