/** /runs: the leaderboard from GET /api/leaderboard. */
import { ApiRequestError, getLeaderboard } from './api';
import { byId, setStatus } from './ui/dom';
import { bestValLossTable, throughputTable } from './ui/leaderboard-tables';

async function main(): Promise<void> {
  const status = byId('leaderboard-status');
  try {
    const board = await getLeaderboard();
    byId('best-val-loss').replaceChildren(bestValLossTable(board));
    byId('throughput').replaceChildren(throughputTable(board));
    const runs = new Set(board.bestValLoss.map((r) => r.runId)).size;
    setStatus(
      status,
      'ready',
      runs === 0 ? 'No runs shared yet.' : `Best results from ${runs} run${runs === 1 ? '' : 's'} with a val loss.`,
    );
  } catch (err) {
    const message = err instanceof ApiRequestError ? err.message : String(err);
    setStatus(status, 'error', `The leaderboard could not be loaded: ${message}`);
  }
}

void main();
