/**
 * `unperf bench <cmd> [<cmd2> ...]`: the hyperfine workflow without hyperfine. Each command runs
 * through `sh -c` (like hyperfine; cmd.exe on Windows); user/system times come from the shell's
 * `times` for its child (not measured on Windows: 0).
 * Like hyperfine, the cost of spawning the shell (measured on the empty command `:` before the
 * benchmark) is subtracted from every wall-time sample.
 */
import { commandEnv } from '../command-env.js'
import { defineCommand } from 'citty'
import { UsageError } from '../../errors.js'
import { BenchCommandError, BenchInterruptedError, jsonError } from '../../cli-errors.js'
import { matchBaseline, readBaseline } from '../bench-baseline.js'
import { benchScript, BenchRunner, EMPTY_COMMAND, stopStatus } from '../bench-run.js'
import { checkOutFile, flushStdoutExports, refuseStdoutWithJson, writeOutFile } from '../out-file.js'
import { createProgress } from '../progress.js'
import { exitStatus, shellCodeMeaning, shellSignal } from '../exit-status.js'
import { mannWhitney, summarize } from '../bench-stats.js'
import { benchWarnings } from '../bench-warnings.js'
import { formatTime, markdownTable, resultLines, speedLines, type BenchResult } from '../bench-format.js'
import { bold, commonArgs, green, plural, printJson, red, stderrColors, yellow } from '../_ui.js'

/** `signals`: each run's signal (null: it exited), only when a run was killed by one (else hyperfine's shape). */
interface Result extends BenchResult { exit_codes: number[]; signals?: (string | null)[] }

/** `signal`: the one that killed the command (the shell, or a command under it: shellSignal), else null. */
type Run = { seconds: number; user: number; system: number; code: number; signal: NodeJS.Signals | null }

async function runOnce(runner: BenchRunner, command: string): Promise<Run> {
  const { script, times } = benchScript(command)
  const r = await runner.run(script, times)
  // `times`: line 1 = the shell, line 2 = its children: "0m0.012s 0m0.004s"; bash (macOS's sh,
  // Fedora's) writes the locale's decimal point, "0m0,012s" under de_DE: user and system read 0 there
  const line = r.stderr.trim().split('\n').pop() ?? ''
  const [user = 0, system = 0] = [...line.matchAll(/(\d+)m(\d+(?:[.,]\d+)?)s/g)].map(m => Number(m[1]) * 60 + Number(m[2]!.replace(',', '.')))
  // the shell killed by a signal: 128 + n, as it reports a command of its own killed so
  return { seconds: r.seconds, user, system, code: exitStatus(r), signal: shellSignal(r) }
}

/** A result as --json and --export-json give it: hyperfine's fields, and `signals` when a run was killed by one. */
const exported = ({ command, mean, stddev, median, user, system, min, max, times, exit_codes, signals }: Result) =>
  ({ command, mean, stddev, median, user, system, min, max, times, exit_codes, ...(signals && { signals }) })

/** Every --prepare value on the command line, in order (`--prepare X` and `--prepare=X`; none after `--`). */
function prepareOptions(rawArgs: string[]): string[] {
  const values: string[] = []
  for (let i = 0; i < rawArgs.length && rawArgs[i] !== '--'; i++) {
    const a = rawArgs[i]!
    if (a === '--prepare' && i + 1 < rawArgs.length) values.push(rawArgs[++i]!)
    else if (a.startsWith('--prepare=')) values.push(a.slice('--prepare='.length))
    // another option's value is not an option: `--export-json --prepare` names a file
    else if (VALUE_OPTIONS.has(a)) i++
  }
  return values
}

/** bench's options that take a value, as written (`--runs 3`). */
const VALUE_OPTIONS = new Set(['--cwd', '--env', '--runs', '--warmup', '--export-json', '--export-markdown', '--baseline', '--save-baseline'])

export default defineCommand({
  meta: { name: 'bench', description: 'Benchmark commands like hyperfine: mean ± σ, relative speed, baselines' },
  args: {
    ...commonArgs,
    env: { type: 'string', description: "Run the commands with PERF_ENV set to it (their config's $env blocks)" },
    // listed in --help (`USAGE unperf bench [OPTIONS] <COMMANDS>`): it said only `[OPTIONS]`; the commands are read from args._
    commands: { type: 'positional', required: false, description: "Shell commands to compare, one argument each: unperf bench 'node cli.mjs build' 'node cli.mjs build --no-cache'" },
    runs: { type: 'string', description: 'Runs per command, 1 or more (default: at least 10, or as many as fit in 3 s)' },
    warmup: { type: 'string', default: '1', description: 'Warm-up runs per command' },
    prepare: { type: 'string', description: 'Command run before every run, warm-ups included (a non-zero exit stops the benchmark, unless -i); once for all commands, or once per command in their order' },
    'ignore-failure': { type: 'boolean', alias: 'i', description: 'Exit 0 even when a command exits non-zero (like hyperfine -i)' },
    'export-json': { type: 'string', description: "Write results in hyperfine's JSON shape" },
    'export-markdown': { type: 'string', description: 'Write a markdown table' },
    baseline: { type: 'string', description: 'Compare with a saved baseline (exit 1 on a regression)' },
    'save-baseline': { type: 'string', description: 'Save these results as a baseline' },
  },
  async run({ args, rawArgs }) {
    const commands = (args._ as string[]).filter(Boolean)
    if (commands.length === 0) throw new UsageError("unperf bench needs at least one command, e.g. unperf bench 'node cli.mjs build'")
    // like hyperfine, --prepare once for all commands or once per command (citty kept the last one
    // given alone: `--prepare a --prepare b` ran b before both commands, a never)
    const prepares = prepareOptions(rawArgs)
    if (prepares.length > 1 && prepares.length !== commands.length) {
      throw new UsageError(`--prepare is given ${prepares.length} times for ${plural(commands.length, 'command')}: give it once (run before every command) or once per command, in their order`)
    }
    const cwd = args.cwd ?? process.cwd()
    // --env NAME as PERF_ENV, and the bench's runs kept out of the benchmarked CLI's history (command-env.ts)
    const env = commandEnv(args.env)
    const warmup = Number(args.warmup)
    if (!/^\d+$/.test(String(args.warmup).trim())) throw new UsageError(`--warmup must be an integer ≥ 0, got '${args.warmup}'`)
    const fixedRuns = args.runs === undefined ? undefined : Number(args.runs)
    // like hyperfine, one run is allowed: it has no σ (`Time (abs ≡)`, stddev null in the JSON)
    if (fixedRuns !== undefined && (!Number.isInteger(fixedRuns) || fixedRuns < 1)) throw new UsageError(`--runs must be an integer ≥ 1, got '${args.runs}'`)
    // read before the benchmark: a mistyped path must not cost the whole run and then exit 1
    const base = args.baseline === undefined ? undefined : readBaseline(args.baseline, cwd)
    // and the files it will write: a typo in a path must not be found after the benchmark
    for (const option of ['export-json', 'export-markdown', 'save-baseline'] as const) if (args[option]) checkOutFile(`--${option}`, args[option], cwd)
    refuseStdoutWithJson({ 'export-json': args['export-json'], 'export-markdown': args['export-markdown'], 'save-baseline': args['save-baseline'] }, args.json)
    const ignoreFailure = Boolean(args['ignore-failure'])
    const bar = createProgress()
    /** A failed run or preparation; the progress line is erased first, so the message starts its own line. */
    const failed = (message: string, command: string, exitCode: number, signal: string | null): BenchCommandError => {
      bar.end()
      return new BenchCommandError(message, command, exitCode, signal ?? undefined)
    }
    const runner = new BenchRunner(cwd, env)
    /** Where the benchmark is, for the message of a signal that stops it. */
    let at = 'while measuring the shell spawn time'
    /** Runs --prepare; returns its wall time in seconds (a run's cost, for how many runs fit in 3 s). */
    const prepare = async (n: number): Promise<number> => {
      const command = commands[n]!
      // the same command twice with two --prepare (a cold and a warm cache) is a use of this
      const prepCommand = prepares.length > 1 ? prepares[n] : prepares[0]
      if (!prepCommand) return 0
      at = `in the --prepare command of '${command}'`
      const prep = await runner.run(prepCommand)
      // like hyperfine: timing a command whose preparation failed measures the wrong thing
      // killed by a signal: said so ('exited with code SIGKILL' read as a code), its status 128 + n
      const killed = shellSignal(prep)
      if (prep.status !== 0 && !ignoreFailure) throw failed(`the --prepare command ${killed ? `was killed by ${killed}` : `exited with code ${prep.status}${shellCodeMeaning(prep.status ?? 0)}`}: ${prepCommand} (--ignore-failure to go on)`, prepCommand, exitStatus(prep), killed)
      return prep.seconds
    }
    // like hyperfine: the first run that exits non-zero, a warm-up one included, stops the benchmark
    // (the remaining runs, up to 1000 of a command that fails at once, would time a failure)
    const checked = async (command: string, which: string): Promise<Run> => {
      at = `in ${which} of '${command}'`
      const run = await runOnce(runner, command)
      // killed by a signal: said so, as hyperfine's "terminated by a signal" with its name ('exited with code 137' before)
      const ended = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}${shellCodeMeaning(run.code)}`
      if (run.code !== 0 && !ignoreFailure) throw failed(`'${command}' ${ended} in ${which}: the benchmark stopped (its output is discarded: run it alone to see why, or --ignore-failure to benchmark it anyway)`, command, run.code, run.signal)
      return run
    }
    /** For the warnings' hints: what fills or clears a cache before the timed runs is in use already. */
    const used = { warmup, prepare: prepares.some(Boolean) }
    const results: Result[] = []
    let overhead: number | undefined
    /** What stopped the benchmark before its end, with the commands completed kept: a signal, or (after one completed) a failed run. */
    let stopped: { error: BenchInterruptedError | BenchCommandError; exitCode: number } | undefined
    try {
      // shell spawn overhead: the median of 10 runs of the empty command (after 2 warm-ups)
      // the progress line from the start, as hyperfine's (warm-ups, then the first run, before the number
      // of runs is known): a command of 30 s with --warmup 1 showed nothing for a minute
      bar.set('measuring the shell spawn time')
      for (let i = 0; i < 2; i++) await runOnce(runner, EMPTY_COMMAND)
      const spawns: number[] = []
      for (let i = 0; i < 10; i++) spawns.push((await runOnce(runner, EMPTY_COMMAND)).seconds)
      const shell = overhead = summarize(spawns).median
      const correct = (s: Run) => ({ ...s, seconds: Math.max(0, s.seconds - shell) })
      for (const [n, command] of commands.entries()) {
        // like hyperfine, --prepare runs before every run of the command: warm-ups and the first timed run too
        for (let i = 0; i < warmup; i++) {
          bar.set(`${command}: warm-up`, i, warmup)
          await prepare(n)
          await checked(command, `warm-up run ${i + 1}`)
        }
        if (fixedRuns === undefined) bar.set(`${command}: first run`)
        else bar.set(command, 0, fixedRuns)
        const prepared = await prepare(n)
        const first = correct(await checked(command, 'run 1'))
        // like hyperfine, a run costs the command, the shell's spawn and --prepare: as many as fit in 3 s
        // (the command's time alone gave 1000 runs, 20 s, of a command faster than the shell's spawn)
        const total = fixedRuns ?? Math.max(10, Math.min(1000, Math.floor(3 / Math.max(first.seconds + shell + prepared, 1e-3))))
        const samples = [first]
        bar.set(command, samples.length, total)
        while (samples.length < total) {
          await prepare(n)
          samples.push(correct(await checked(command, `run ${samples.length + 1} of ${total}`)))
          bar.set(command, samples.length, total)
        }
        const times = samples.map(s => s.seconds)
        const summary = summarize(times)
        results.push({
          command, ...summary, times, exit_codes: samples.map(s => s.code),
          ...(samples.some(s => s.signal !== null) && { signals: samples.map(s => s.signal) }),
          user: samples.reduce((a, s) => a + s.user, 0) / samples.length,
          system: samples.reduce((a, s) => a + s.system, 0) / samples.length,
        })
      }
    } catch (error) {
      // as hyperfine leaves them: the commands completed before are reported (and exported), the one it stopped in is not
      const done = results.length === 0 ? 'no command had completed' : `${plural(results.length, 'command')} had completed: ${results.length === 1 ? 'its results are' : 'their results are'} kept`
      if (error instanceof BenchInterruptedError) {
        stopped = { error: new BenchInterruptedError(error.signal, `bench: interrupted by ${error.signal} ${at}: the benchmark stopped, and the command with it (its process group got ${error.signal}); ${done}`), exitCode: stopStatus(error.signal) }
      } else if (error instanceof BenchCommandError && results.length > 0) {
        // a later command failing threw away the results of those completed (text, --json and the
        // exports), where hyperfine has printed and exported each as it completed
        stopped = { error: new BenchCommandError(`${error.message}; ${done}`, error.command, error.exitCode), exitCode: 1 }
      } else throw error
    } finally {
      runner.close()
    }
    bar.end()
    if (stopped) {
      // with the results (hyperfine's shape) of the commands completed, exported too; never saved as a baseline
      process.exitCode = stopped.exitCode
      const exportable = { results: results.map(exported) }
      if (results.length > 0 && args['export-json']) writeOutFile('--export-json', args['export-json'], JSON.stringify(exportable, null, 2), cwd)
      if (results.length > 0 && args['export-markdown']) writeOutFile('--export-markdown', args['export-markdown'], markdownTable(results, results.reduce((a, b) => (b.mean < a.mean ? b : a))), cwd)
      // and their warnings, as hyperfine printed them with each result (a slow first run, outliers)
      const kept = results.flatMap(r => benchWarnings(r, used))
      if (args.json) printJson({ ...exportable, shell_overhead: overhead ?? null, warnings: kept, regressions: [], error: jsonError(stopped.error) })
      else {
        for (const r of results) console.log(`${bold('Benchmark:')} ${r.command}\n${resultLines(r).join('\n')}\n`)
        for (const w of kept) console.error(stderrColors.yellow(`Warning: ${w}`))
      }
      flushStdoutExports()
      console.error(stopped.error.message)
      return
    }
    const shell = overhead!
    const warnings = results.flatMap(r => benchWarnings(r, used))
    /** `change`: the median's, as a fraction (0.1 = 10 % slower); null against a baseline median of 0. */
    let regressions: { command: string; p: number; change: number | null; median: number }[] = []
    /** The commands judged against the baseline (one with fewer than 10 runs on either side is not). */
    let compared = 0
    if (base) {
      const entries = matchBaseline(results.map(r => r.command), base.results)
      regressions = results.flatMap((r, i) => {
        const { entry: b, warning } = entries[i]!
        if (warning) warnings.push(warning)
        if (!b) return []
        if (b.times.length < 10 || r.times.length < 10) {
          warnings.push(`'${r.command}': fewer than 10 runs here or in the baseline: not compared (--runs 10 or more)`)
          return []
        }
        compared++
        const { p } = mannWhitney(b.times, r.times)
        // a baseline timed at 0 (faster than the shell's spawn time varies, once it is subtracted) made any
        // run 'Infinity % slower': against it a run is slower once its median is the shell's spawn time
        // or more (below, what is left after the subtraction is that time's noise), and the test agrees
        const change = b.median === 0 ? (r.median >= Math.max(shell, 0.001) ? Number.POSITIVE_INFINITY : 0) : r.median / b.median - 1
        return [{ command: r.command, p, change, regression: p < 0.05 && change >= 0.03 }].filter(x => x.regression).map(({ command, p: pv, change: c }) => ({ command, p: pv, change: Number.isFinite(c) ? c : null, median: r.median }))
      })
      if (regressions.length > 0) process.exitCode = 1
    }
    const exportable = { results: results.map(exported) }
    if (args['export-json']) writeOutFile('--export-json', args['export-json'], JSON.stringify(exportable, null, 2), cwd)
    if (args['save-baseline']) writeOutFile('--save-baseline', args['save-baseline'], JSON.stringify(exportable, null, 2), cwd)
    const fastest = results.reduce((a, b) => (b.mean < a.mean ? b : a))
    if (args['export-markdown']) writeOutFile('--export-markdown', args['export-markdown'], markdownTable(results, fastest), cwd)
    if (args.json) return printJson({ ...exportable, shell_overhead: shell, warnings, regressions, ...(base && { compared }) })
    for (const r of results) {
      console.log(`${bold('Benchmark:')} ${r.command}`)
      console.log(`${resultLines(r).join('\n')}\n`)
    }
    console.log(`  (shell spawn time ${formatTime(shell)} subtracted from every run)\n`)
    // on stderr, as hyperfine writes them: `unperf bench ... > results.txt` keeps the results alone
    for (const w of warnings) console.error(stderrColors.yellow(`Warning: ${w}`))
    if (results.length > 1) {
      console.log(bold('Summary'))
      console.log(`  ${green(fastest.command)} ran`)
      if (!(fastest.mean > 0)) console.log(yellow(`    (no ratio: '${fastest.command}' took no measurable time once the shell spawn time was subtracted)`))
      console.log(speedLines(fastest, results.filter(r => r !== fastest)).join('\n'))
    }
    if (args.baseline) {
      // 'no regression' of a run that compared nothing (--runs 5 in CI) read as a passed gate
      // (a blank line before it after the Summary; after one result's lines there is one already)
      const gap = results.length > 1 ? '\n' : ''
      const verdict = compared === 0 ? yellow(`${gap}nothing compared with the baseline: no regression judged (the warnings say why)`)
        : regressions.length === 0 ? green(`${gap}no regression against the baseline (${compared < results.length ? `${compared} of ${plural(results.length, 'command')} compared; ` : ''}Mann-Whitney U, p < 0.05 and ≥ 3 %)`)
          : undefined
      console.log(verdict ?? red(`${gap}${regressions.map(r => `regression: '${r.command}' is ${r.change === null ? `${formatTime(r.median)} against a baseline of 0 ms` : `${(r.change * 100).toFixed(1)} % slower`} (p = ${r.p.toFixed(4)})`).join('\n')}`))
    }
    // what --export-* wrote to `-`, after the results (hyperfine prints it once, at the end)
    flushStdoutExports()
  },
})
