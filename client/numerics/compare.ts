/**
 * GPU-vs-reference comparison, llm.c style: element i matches when
 * |got - want| <= atol + |want| * rtol. Reports the first mismatches.
 */

export interface Mismatch {
  index: number;
  got: number;
  want: number;
}

export interface Comparison {
  ok: boolean;
  count: number;
  maxAbsError: number;
  mismatchCount: number;
  /** The first few mismatches, in index order. */
  firstMismatches: Mismatch[];
}

export function compareArrays(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  atol: number,
  rtol: number,
  keep = 5,
): Comparison {
  if (got.length !== want.length) {
    throw new Error(`compareArrays: lengths differ (got ${got.length}, want ${want.length})`);
  }
  let maxAbsError = 0;
  let mismatchCount = 0;
  let sawNaN = false;
  const firstMismatches: Mismatch[] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const err = Math.abs(g - w);
    // NaN never passes: the comparison below is false for it.
    const ok = err <= atol + Math.abs(w) * rtol;
    if (Number.isNaN(err)) sawNaN = true;
    else if (err > maxAbsError) maxAbsError = err;
    if (!ok) {
      mismatchCount++;
      if (firstMismatches.length < keep) firstMismatches.push({ index: i, got: g, want: w });
    }
  }
  return {
    ok: mismatchCount === 0,
    count: want.length,
    maxAbsError: sawNaN ? Number.NaN : maxAbsError,
    mismatchCount,
    firstMismatches,
  };
}

/** One line per mismatch, for test failures and the page. */
export function describeComparison(name: string, c: Comparison): string {
  if (c.ok) return `${name}: all ${c.count} values match (max abs error ${c.maxAbsError.toExponential(2)})`;
  const lines = c.firstMismatches.map((m) => `  [${m.index}] got ${m.got} want ${m.want}`);
  return [`${name}: ${c.mismatchCount} of ${c.count} values differ; first:`, ...lines].join('\n');
}
