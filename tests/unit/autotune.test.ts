import { describe, expect, it } from 'vitest';
import { Autotuner, type Candidate, powerOfTwoBucket, type Timer, wallClockTimer } from '../../client/gpu/autotune';

/** Candidates that only count their runs. */
function counting(names: string[]) {
  const runs: Record<string, number> = {};
  const candidates: Candidate[] = names.map((name) => ({
    name,
    run: async () => {
      runs[name] = (runs[name] ?? 0) + 1;
    },
  }));
  return { candidates, runs };
}

/** A timer that reports fixed milliseconds per candidate and counts its calls. */
function fakeTimer(ms: Record<string, number>) {
  const calls: string[] = [];
  const timer: Timer = async (candidate) => {
    calls.push(candidate.name);
    return ms[candidate.name] as number;
  };
  return { timer, calls };
}

describe('Autotuner', () => {
  it('chooses the candidate the timer measures fastest', async () => {
    for (const fastest of ['a', 'b', 'c']) {
      const ms = { a: 3, b: 3, c: 3, [fastest]: 1 };
      const tuner = new Autotuner(fakeTimer(ms).timer);
      const { candidates } = counting(['a', 'b', 'c']);
      expect(await tuner.choose('k', async () => ({ candidates, destroy: () => {} }))).toBe(fastest);
      expect(tuner.timings.get('k')).toEqual(ms);
    }
  });

  it('measures a key once, even for concurrent callers, and frees the trial', async () => {
    const { timer, calls } = fakeTimer({ a: 2, b: 1 });
    const tuner = new Autotuner(timer);
    let setups = 0;
    let destroyed = 0;
    const setup = async () => {
      setups++;
      return { candidates: counting(['a', 'b']).candidates, destroy: () => destroyed++ };
    };
    const choices = await Promise.all([tuner.choose('k', setup), tuner.choose('k', setup)]);
    expect(await tuner.choose('k', setup)).toBe('b');
    expect(choices).toEqual(['b', 'b']);
    expect([setups, destroyed, calls]).toEqual([1, 1, ['a', 'b']]);
    // Another key is measured on its own.
    await tuner.choose('other', setup);
    expect(setups).toBe(2);
  });

  it('forgets a failed measurement so that the next call retries', async () => {
    const tuner = new Autotuner(fakeTimer({ a: 1 }).timer);
    await expect(tuner.choose('k', async () => ({ candidates: [], destroy: () => {} }))).rejects.toThrow(
      /no candidates/,
    );
    const { candidates } = counting(['a']);
    expect(await tuner.choose('k', async () => ({ candidates, destroy: () => {} }))).toBe('a');
  });
});

describe('wallClockTimer', () => {
  it('returns the best timed run after a warm-up, on the injected clock', async () => {
    const ticks = [0, 5, 10, 12, 20, 27]; // timed runs of 5, 2, 7 ms
    const now = () => ticks.shift() as number;
    const { candidates, runs } = counting(['a']);
    const ms = await wallClockTimer(3, now)(candidates[0] as Candidate, Number.POSITIVE_INFINITY);
    expect(ms).toBe(2);
    expect(runs.a).toBe(4); // warm-up + 3
  });

  it('stops timing a candidate that is more than twice the best so far', async () => {
    let t = 0;
    const now = () => (t += 10); // every run takes 10 ms
    const { candidates, runs } = counting(['slow']);
    expect(await wallClockTimer(3, now)(candidates[0] as Candidate, 1)).toBe(10);
    expect(runs.slow).toBe(2); // warm-up + 1
  });
});

it('powerOfTwoBucket rounds up to a power of two', () => {
  expect([0, 1, 2, 3, 64, 65, 768, 1024].map(powerOfTwoBucket)).toEqual([1, 1, 2, 4, 64, 128, 1024, 1024]);
});
