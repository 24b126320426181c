/**
 * The environment `unperf bench` and `unperf profile` run their commands in: `--env NAME` as
 * `PERF_ENV` (the benchmarked or profiled CLI's unperf picks its config's `$env.NAME` blocks), and
 * `UNPERF_HISTORY=0` unless the shell set it: runs a bench repeats (warm-ups included), or a profiler
 * slows, are not added to that CLI's own history, which its budgets and regressions judge by.
 */
export function commandEnv(envName: string | undefined): NodeJS.ProcessEnv {
  return { ...process.env, UNPERF_HISTORY: process.env.UNPERF_HISTORY ?? '0', ...(envName && { PERF_ENV: envName }) }
}
