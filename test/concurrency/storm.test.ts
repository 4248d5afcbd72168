import { describe, expect, it } from 'vitest';
import { formatStorm, runStorm } from '../../bench/storm/storm.js';
import { BACKENDS, skipBackend } from '../support/databases.js';

/** The transfer storm of bench/storm at a small scale: real OS processes racing on few accounts. */
for (const provider of BACKENDS) {
  describe.skipIf(skipBackend(provider))(`transfer storm [${provider}]`, () => {
    it('3 processes x 25 transfers over 3 accounts: money is conserved and nothing fails', { timeout: 180_000 }, async () => {
      const report = await runStorm({ provider, processes: 3, transfersPerProcess: 25, accounts: 3 });
      console.log(formatStorm(report));
      expect(report.violations).toEqual([]);
      expect(report.failed).toEqual({});
      expect(report.committed + report.rejected).toBe(75);
      expect(report.deadlocksReachingCaller).toBe(0);
    });

    it('with 2 of 3 users frozen meanwhile: no transfer committed after its user was frozen', { timeout: 180_000 }, async () => {
      const report = await runStorm({ provider, processes: 3, transfersPerProcess: 25, accounts: 3, freezeUsers: 2, freezeEvery: 8 });
      console.log(formatStorm(report));
      expect(report.freezes).toHaveLength(2);
      expect(report.violations).toEqual([]);
      expect(report.failed).toEqual({});
      expect(report.committed + report.rejected).toBe(75);
      expect(report.rejected).toBeGreaterThan(0);
      expect(report.freezes.map((f) => f.sentAtFreeze).reduce((a, b) => a + b)).toBeGreaterThan(0); // frozen mid-storm
    });
  });
}
