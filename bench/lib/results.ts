/**
 * One row of the table at the top of BENCHMARKS.md, as a benchmark reports
 * it: a line `@bench {json}` on stdout, which bench/run.ts collects (and
 * prints the rest of the output as it comes).
 */
import { loadavg } from 'node:os';

export interface BenchRow {
  /** What was timed, e.g. 'conv training step'. */
  benchmark: string;
  /** musegen's setting, e.g. 'native, 2 threads'. */
  musegen: string;
  /** Median milliseconds (per step, per run: `unit` says). */
  musegenMs: number;
  unit: string;
  /** PyTorch's setting and median in the same unit; null where it has no counterpart. */
  torch: string | null;
  torchMs: number | null;
  /** musegen ÷ PyTorch as the benchmark measured it (e.g. the median of per-round ratios); else the medians' quotient. */
  ratio?: number | null;
  /** Target on the ratio musegen / PyTorch, or on musegen's time where PyTorch has none (e.g. '≤ 1.5×', '≤ 0.5 ms'). */
  target: string | null;
  /** Load average (1 min) when the row was measured. */
  load?: number;
}

export const ROW_PREFIX = '@bench ';

/** Print `row` for bench/run.ts, stamped with the load average now. */
export function reportRow(row: BenchRow): void {
  console.log(`${ROW_PREFIX}${JSON.stringify({ ...row, load: row.load ?? Number(loadavg()[0]!.toFixed(1)) })}`);
}
