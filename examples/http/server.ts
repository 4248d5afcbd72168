import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EntityNotFoundError, isRetryableError, type RetryOptions } from 'prisma-uow';
import { TransferRejectedError } from '../bank/domain.js';
import type { TransferRequest } from '../bank/transfer.js';
import { BankService, accountView, type CurrentUnit, type TransferNotification, type TransferReceipt } from './bank-service.js';
import { withUnit, type Handler, type JsonRequest, type Reply, type UnitRunner } from './with-unit.js';

/**
 * A small bank over HTTP (`node:http`, no framework), one unit of work per request:
 *
 * - `POST /transfers` `{ "fromId": 1, "toId": 2, "amount": "25.00" }` → 201
 *   `{ ledgerEntryId, balances: { "1": "75", "2": "75" } }`; 422 when the bank refuses it
 *   (overdraft, non-positive amount, same account), 404 for an unknown account, 409 when it
 *   still lost the race to concurrent transfers after 5 attempts (`transferRetry`), 400 for a malformed body.
 * - `GET /accounts/:id` → 200 `{ id, balance, version }` or 404.
 *
 * @module
 */

/** The units a bank server runs on: any factory (`createUnits`, `createMemoryUnits`) with `bankRepositories`. */
export type BankUnits = UnitRunner & CurrentUnit;

/** Options of {@link createBankServer}. */
export interface BankServerOptions {
  /** Called after each committed transfer (default: nothing). */
  readonly notify?: (notification: TransferNotification) => void;
  /** Called with the errors answered with 500 (default: `console.error`). */
  readonly onError?: (error: unknown) => void;
  /** How a transfer that lost a race is run again, in a fresh unit (default: 5 attempts in all). */
  readonly transferRetry?: RetryOptions | number;
}

/** The request was not what the route accepts (answered with 400). */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

const MAX_BODY_BYTES = 64 * 1024;

interface Route {
  readonly method: string;
  readonly path: RegExp;
  readonly handler: Handler;
}

/**
 * Creates the bank's HTTP server (not yet listening). Each request runs in its own unit of work;
 * a transfer commits atomically or writes nothing, and `notify` only hears of committed ones.
 *
 * @example
 * ```ts
 * const units = createUnits({ prisma, schema, repositories: bankRepositories });
 * const server = createBankServer(units, { notify: (n) => console.log('transfer', n) });
 * server.listen(3000, '127.0.0.1');
 * ```
 */
export function createBankServer(units: BankUnits, options: BankServerOptions = {}): Server {
  const bank = new BankService(units, options.notify ?? (() => {}));
  const onError = options.onError ?? ((error: unknown) => console.error(error));

  const routes: Route[] = [
    {
      method: 'POST',
      path: /^\/transfers$/,
      handler: withUnit(
        units,
        async (request) => {
          const receipt = await bank.transferFunds(parseTransfer(request.body));
          return () => ({ status: 201, body: receiptView(receipt) });
        },
        { retry: options.transferRetry ?? 5 },
      ),
    },
    {
      method: 'GET',
      path: /^\/accounts\/(?<id>\d+)$/,
      handler: withUnit(units, async (request) => {
        const account = await bank.account(Number(request.params['id']));
        return () => ({ status: 200, body: accountView(account) });
      }),
    },
  ];

  return createServer((req, res) => {
    respond(routes, req, onError)
      .then((reply) => send(res, reply))
      .catch((error: unknown) => {
        onError(error);
        res.destroy();
      });
  });
}

async function respond(routes: readonly Route[], req: IncomingMessage, onError: (error: unknown) => void): Promise<Reply> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const matching = routes.filter((route) => route.path.test(path));
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    return matching.length > 0
      ? { status: 405, body: { error: `${req.method} is not allowed on ${path}.` } }
      : { status: 404, body: { error: `No route for ${req.method} ${path}.` } };
  }
  try {
    const params = { ...route.path.exec(path)?.groups };
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readJson(req);
    return await route.handler({ params, body } satisfies JsonRequest);
  } catch (error) {
    return errorReply(error, onError);
  }
}

/** The status of an error that reached the top: domain and usage outcomes, else 500. */
function errorReply(error: unknown, onError: (error: unknown) => void): Reply {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BadRequestError) return { status: 400, body: { error: message } };
  if (error instanceof TransferRejectedError) return { status: 422, body: { error: message } };
  if (error instanceof EntityNotFoundError) return { status: 404, body: { error: message } };
  // A conflict (or a busy database) that outlasted the retries: nothing was written.
  if (isRetryableError(error)) return { status: 409, body: { error: message } };
  onError(error);
  return { status: 500, body: { error: 'Internal server error.' } };
}

/** The request body as JSON; a {@link BadRequestError} when it is too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError(`The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** `{ fromId, toId, amount }` with integer ids and a decimal amount (number or numeric string). */
function parseTransfer(body: unknown): TransferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('Expected a JSON object { "fromId": number, "toId": number, "amount": string | number }.');
  }
  const { fromId, toId, amount } = body as Record<string, unknown>;
  for (const [name, value] of [['fromId', fromId], ['toId', toId]] as const) {
    if (!Number.isSafeInteger(value)) throw new BadRequestError(`"${name}" must be an integer, got ${JSON.stringify(value)}.`);
  }
  const validAmount = (typeof amount === 'number' && Number.isFinite(amount)) || (typeof amount === 'string' && DECIMAL.test(amount));
  if (!validAmount) throw new BadRequestError(`"amount" must be a decimal number or numeric string, got ${JSON.stringify(amount)}.`);
  return { fromId: fromId as number, toId: toId as number, amount };
}

/** The 201 body of a transfer, built after the commit (committed balances, the new entry's id). */
function receiptView(receipt: TransferReceipt): { ledgerEntryId: number | undefined; balances: Record<string, string> } {
  return {
    ledgerEntryId: receipt.ledgerEntryId,
    balances: {
      [receipt.from.id]: receipt.from.balance.toString(),
      [receipt.to.id]: receipt.to.balance.toString(),
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
