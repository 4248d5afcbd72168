import net from 'node:net';

/**
 * A TCP proxy between a PostgreSQL client and the server that can cut connections at an exact
 * point of the protocol: when the client sends a statement matching a pattern (`COMMIT`), either
 * before forwarding it, or after the server received it and answered (the answer is dropped).
 * It can also refuse connections, like a server that is down.
 *
 * It reads the client's stream as PostgreSQL frontend messages (startup packets, then a type
 * byte and a length), so a statement is recognised whole: a simple query (`Q`) or the query of
 * an extended-protocol `Parse` (`P`).
 *
 * @example
 * ```ts
 * const proxy = await startPgProxy('postgresql://postgres@127.0.0.1:5432/test');
 * const cut = proxy.cutAt(/^COMMIT$/i, 'after');
 * await uow.$commit(); // the server committed, the client never hears it
 * await cut;
 * ```
 */
export interface PgProxy {
  /** `url` with the proxy's host and port. */
  readonly url: string;
  /**
   * The next statement matching `pattern`: `before` closes both sides without forwarding it;
   * `after` forwards it, waits for the server's first reply byte (the statement ran), drops the
   * reply and closes both sides. Resolves once cut.
   */
  cutAt(pattern: RegExp, when: 'before' | 'after'): Promise<void>;
  /**
   * On: closes every open connection and stops listening, so connecting fails with
   * `ECONNREFUSED` (a server that is down). Off: listens again on the same port.
   */
  refuse(on: boolean): Promise<void>;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

interface Cut {
  readonly pattern: RegExp;
  readonly when: 'before' | 'after';
  readonly done: () => void;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** The statement text of a `Q` or `P` message body, else `undefined`. */
function statementOf(type: number, body: Buffer): string | undefined {
  if (type === 0x51) return body.toString('utf8', 0, Math.max(0, body.indexOf(0))); // 'Q'
  if (type === 0x50) {
    // 'P': statement name \0, query \0, parameter types
    const nameEnd = body.indexOf(0);
    const queryEnd = body.indexOf(0, nameEnd + 1);
    return body.toString('utf8', nameEnd + 1, queryEnd);
  }
  return undefined;
}

export async function startPgProxy(target: string): Promise<PgProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let pending: Cut | undefined;
  let accepted = 0;

  const server = net.createServer((client) => {
    accepted++;
    const db = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(db);
    let buffered = Buffer.alloc(0);
    let startup = true;
    let awaitingReply: Cut | undefined;
    const kill = () => {
      client.destroy();
      db.destroy();
    };
    client.on('close', () => (sockets.delete(client), db.destroy()));
    db.on('close', () => (sockets.delete(db), client.destroy()));
    client.on('error', kill);
    db.on('error', kill);
    db.on('data', (chunk: Buffer) => {
      if (awaitingReply) {
        const cut = awaitingReply;
        awaitingReply = undefined;
        kill();
        return cut.done();
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      let offset = 0;
      for (;;) {
        const header = startup ? 4 : 5;
        if (buffered.length - offset < header) break;
        const length = startup ? buffered.readInt32BE(offset) : buffered.readInt32BE(offset + 1);
        const size = startup ? length : length + 1;
        if (buffered.length - offset < size) break;
        const message = buffered.subarray(offset, offset + size);
        if (startup) {
          const code = message.readInt32BE(4);
          startup = code === SSL_REQUEST || code === GSSENC_REQUEST;
        } else {
          const text = statementOf(message[0]!, message.subarray(5));
          const cut = pending;
          if (cut && text !== undefined && cut.pattern.test(text.trim())) {
            pending = undefined;
            db.write(buffered.subarray(0, offset));
            if (cut.when === 'before') {
              kill();
              cut.done();
              return;
            }
            db.write(message);
            awaitingReply = cut;
            buffered = buffered.subarray(offset + size);
            offset = 0;
            continue;
          }
        }
        offset += size;
      }
      if (offset > 0) {
        db.write(buffered.subarray(0, offset));
        buffered = buffered.subarray(offset);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    get accepted() {
      return accepted;
    },
    cutAt(pattern, when) {
      return new Promise<void>((done) => {
        pending = { pattern, when, done };
      });
    },
    async refuse(on) {
      if (on === !server.listening) return;
      if (!on) return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
