import { readdirSync, readFileSync } from 'node:fs';
import type { Provider } from './types.js';

/**
 * CPU time of the local database server, for the transfer benchmark's "server CPU per
 * transfer": the user + system time of every process named `postgres*` (PostgreSQL) or
 * `mariadbd` / `mysqld` (MariaDB) on this machine, plus what
 * they reaped from ended children (a connection's backend ends with the worker), read from
 * `/proc/<pid>/stat`. On this project's 2-core machine the server competes with the client for
 * the same cores, so a system's throughput depends on both. Linux only, and only meaningful when
 * the server runs on this machine and nothing else uses it during the window: `undefined`
 * elsewhere (no `/proc`).
 *
 * @example
 * ```ts
 * const before = serverCpuMs('postgresql');
 * // ... the measured window ...
 * const serverMs = before === undefined ? undefined : serverCpuMs('postgresql')! - before;
 * ```
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Process names (prefixes) of each server; SQLite runs in the client's process. */
const SERVER_PROCESSES: Readonly<Record<Provider, readonly string[]>> = { postgresql: ['postgres'], mariadb: ['mariadbd', 'mysqld'], sqlite: [] };

/** Total CPU ms of the local server processes of `provider`, or `undefined` without `/proc` or a server. */
export function serverCpuMs(provider: Provider): number | undefined {
  const names = SERVER_PROCESSES[provider];
  if (names.length === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const close = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, close);
    if (!names.some((name) => command.startsWith(name))) continue;
    // After the command: state, ppid, ..., utime (14th field), stime, cutime, cstime.
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
