/**
 * `fuzzProperty(name, arbitrary, run)`: one vitest test running a seeded fast-check property
 * against the shared fuzz server. Besides what `run` checks, every case must leave the server
 * process alive and its /healthz answering within the bound. After a failing case the server is
 * replaced by a fresh one (so shrinking steps do not inherit a damaged store), and shrinking stops
 * after ARGUS_FUZZ_SHRINK_MS, reporting the smallest counter-example found so far.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import { HEALTH_BOUND_MS, REPLAY_PATH, runsFor, SEED, SHRINK_BUDGET_MS, timeoutFor } from './config.ts';
import type { FuzzServer } from './server.ts';

export interface CaseContext {
  server: FuzzServer;
  /** unique per execution (shrinking replays a spec: its markers must still be new), [a-z0-9] */
  tag: string;
}

/** A violated property: its message is what the report shows under "Got error". */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

const DEBUG = process.env.ARGUS_FUZZ_DEBUG === '1';
const RUN_TAG = `fz${(Date.now() % 2 ** 30).toString(36)}${process.pid.toString(36)}`;
let executions = 0;

export interface PropertyOptions<T> {
  /** relative cost, for the vitest timeout */
  msPerRun?: number;
  examples?: T[];
}

export function fuzzProperty<T>(
  name: string,
  server: () => FuzzServer,
  arb: fc.Arbitrary<T>,
  run: (spec: T, ctx: CaseContext) => Promise<void>,
  opts: PropertyOptions<T> = {},
): void {
  const numRuns = runsFor(name);
  it(
    name,
    async () => {
      let firstFailure = 0;
      let budgetHit = false;
      const prop = fc.asyncProperty(arb, async (spec) => {
        if (firstFailure !== 0 && Date.now() - firstFailure > SHRINK_BUDGET_MS) {
          budgetHit = true;
          return; // shrinking budget spent: the smallest failure so far is the one reported
        }
        const s = server();
        if (!s.alive()) await s.reset();
        s.health.takeWindow();
        const tag = `${RUN_TAG}x${(++executions).toString(36)}y`;
        const problems: string[] = [];
        const caseStart = Date.now();
        try {
          await run(spec, { server: s, tag });
        } catch (e) {
          problems.push(e instanceof CaseFailure ? e.message : `harness error: ${(e as Error).stack ?? String(e)}`);
        }
        const stall = s.health.takeWindow();
        if (!s.alive()) {
          const x = s.exitInfo();
          problems.push(`the server process died (exit code ${x?.code}, signal ${x?.signal}); its stderr ends with:\n${s.stderr(2000)}`);
        } else if (stall > HEALTH_BOUND_MS) {
          problems.push(`/healthz took ${stall} ms during this case (bound ${HEALTH_BOUND_MS} ms)`);
        }
        if (problems.length > 0) {
          if (firstFailure === 0) firstFailure = Date.now();
          const t0 = Date.now();
          await s.reset();
          if (DEBUG) console.log(`[fuzz] ${name}: failing case took ${t0 - caseStart} ms, reset ${Date.now() - t0} ms`);
          throw new CaseFailure(problems.join('\n'));
        }
      });
      try {
        await fc.assert(prop, {
          seed: SEED,
          numRuns,
          ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
          ...(opts.examples ? { examples: opts.examples.map((e) => [e] as [T]) } : {}),
        });
      } catch (e) {
        if (budgetHit) (e as Error).message += `\n(shrinking stopped after ARGUS_FUZZ_SHRINK_MS=${SHRINK_BUDGET_MS} ms)`;
        throw e;
      }
    },
    timeoutFor(numRuns, opts.msPerRun),
  );
}
