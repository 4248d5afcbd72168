import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the local PostgreSQL server, for the transfer benchmark's "server CPU per
 * transfer": the user + system time of every process named `postgres*` on this machine, plus what
 * they reaped from ended children (a connection's backend ends with the worker), read from
 * `/proc/<pid>/stat`. On this project's 2-core machine the server competes with the client for
 * the same cores, so a system's throughput depends on both. Linux only, and only meaningful when
 * the server runs on this machine and nothing else uses it during the window: `undefined`
 * elsewhere (no `/proc`).
 *
 * @example
 * ```ts
 * const before = postgresCpuMs();
 * // ... the measured window ...
 * const serverMs = before === undefined ? undefined : postgresCpuMs()! - before;
 * ```
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Total CPU ms of the local PostgreSQL processes, or `undefined` without `/proc`. */
export function postgresCpuMs(): number | undefined {
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
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    // After the command: state, ppid, ..., utime (14th field), stime, cutime, cstime.
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
