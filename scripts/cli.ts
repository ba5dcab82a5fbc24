/**
 * What every command-line script shares: a bad argument or bad input ends the
 * process with one readable line on stderr and a non-zero status, never a
 * stack trace. Unexpected errors still print their stack.
 */

/** A wrong or missing argument: exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors whose message is the whole story for a person (bad input, not a bug). */
const EXPECTED = new Set([
  'UsageError',
  'CorpusError',
  'CheckpointError',
  'SafetensorsError',
  'TokenizerError',
  'InvalidUtf8Error',
  'GpuError',
  'RangeError',
]);

export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const error = err as Error & { code?: string };
    if (error.code === 'ENOENT') {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    if (!EXPECTED.has(error.name)) throw err;
    console.error(`error: ${error.message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
