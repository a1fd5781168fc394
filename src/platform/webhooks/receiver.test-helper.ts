/** Test-only: a real HTTP webhook receiver on 127.0.0.1, programmable per request. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status for the n-th request (1-based); 'hang' never answers. Default 200. */
  respond: (n: number, r: Received) => number | 'hang';
  /** Resolves when `count` requests in total have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(respond: Receiver['respond'] = () => 200): Promise<Receiver> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const r: Receiver = {
    url: '',
    received: [],
    respond,
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        if (r.received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      r.received.push(got);
      for (const w of waiters) if (r.received.length >= w.count) w.resolve();
      const status = r.respond(r.received.length, got);
      if (status !== 'hang') res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}
