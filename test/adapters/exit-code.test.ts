/**
 * What the host's process exits with after an adapter's run is node's and the host's to decide:
 * the adapters record the code without setting one.
 */
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

describe.skipIf(!built)('a top-level await that never settles after the run', { timeout: 120_000 }, () => {
  // node exits 13 when process.exitCode is unset; the adapters had set it to 0 to have
  // the report record a success, so such a CLI exited 0, silently
  it.each([
    ['unperf/citty runMain', 'citty-cli.mjs', ['ok'], {}],
    ["unperf/citty withPerf + citty's runMain", 'citty-cli.mjs', ['ok'], { MODE: 'citty-runmain' }],
    ['unperf/commander', 'commander-root.mjs', ['a'], {}],
  ] as const)('%s: exit 13, as without unperf; 13 recorded', (_label, fixture, args, env) => {
    const r = host(fixture).run([...args], { ...env, HANG: '1' })
    expect(r.code, r.stderr).toBe(13)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(13)
    expect(r.report!.commands).toMatchObject([{ status: 'ok' }])
  })
})

describe.skipIf(!built)('a command awaiting a promise that never settles (the event loop empties under the top-level await)', { timeout: 120_000 }, () => {
  // node exits 13 ('unsettled top-level await'), but its 'exit' event says 0 (node's own listener
  // sets process.exitCode to 13 in it): report.json and history.jsonl recorded 0
  it.each([
    ['unperf/citty runMain', 'citty-cli.mjs', ['hang'], {}],
    ["unperf/citty withPerf + citty's runMain", 'citty-cli.mjs', ['hang'], { MODE: 'citty-runmain' }],
    ['unperf/commander', 'commander-root.mjs', ['a'], { ACTION_HANG: '1' }],
  ] as const)('%s: exit 13 recorded, the command an error (LoopEmptiedError)', (_label, fixture, args, env) => {
    const r = host(fixture).run([...args], env)
    expect(r.code, r.stderr).toBe(13)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(13)
    expect(r.history[0]!.commands).toMatchObject([{ status: 'error', error: { name: 'LoopEmptiedError' } }])
    expect((r.report as { exitCode?: number }).exitCode).toBe(13)
    expect(r.report!.commands).toMatchObject([{ status: 'error' }])
    expect(r.stderr).toMatch(/\[error \S+ LoopEmptiedError\]/)
  })
})

describe.skipIf(!built)('a signal after the run', { timeout: 120_000 }, () => {
  // perf was closed (its signal listeners gone): the process died of it with 0 recorded
  it.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('%s during the host\'s work after the run: the process dies of it, %i recorded', (signal, code) => {
    const r = host('commander-root.mjs').run(['a'], { SIGNAL_AFTER: signal })
    expect(r.stdout).toContain('root a')
    expect(r.code, r.stderr).toBeNull()
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(code)
    expect((r.report as { exitCode?: number }).exitCode).toBe(code)
  })
})

describe.skipIf(!built)('an in-process runner (a test runner, a REPL host) that exits with a code of its own', { timeout: 120_000 }, () => {
  // the runner's exit code (a failed test elsewhere, the REPL's own) was written over its last run,
  // a success: only the process's own command takes the process's code
  it.each([
    ['unperf/citty runMain({ rawArgs })', 'citty-cli.mjs', {}, 1],
    ["citty's runCommand({ rawArgs })", 'citty-cli.mjs', { RUNNER_COMMAND: '1' }, 1],
    ['unperf/citty runMain() twice under a set process.argv', 'citty-cli.mjs', { RUNNER_ARGV: '1' }, 2],
    ["unperf/commander parseAsync(args, { from: 'user' })", 'commander-cli.mjs', {}, 1],
    ['unperf/commander parseAsync(args) then parseAsync() under a set process.argv', 'commander-cli.mjs', { RUNNER_ARGV: '1' }, 2],
  ] as const)('%s: the runs keep their code 0, the process exits with the runner\'s', (_label, fixture, env, runs) => {
    const r = host(fixture).run([], { MODE: 'runner', RUNNER_EXIT: '3', ...env })
    expect(r.code, r.stderr).toBe(3)
    expect(r.history.map(e => e.exitCode)).toEqual(Array(runs).fill(0))
    expect((r.report as { exitCode?: number }).exitCode).toBe(0)
    expect(r.report!.commands).toMatchObject([{ name: 'ok', status: 'ok' }])
  })
})

describe.skipIf(!built)("citty's runCommand() with the host's arguments (a CLI's own test): a run that fails around its command", { timeout: 120_000 }, () => {
  // the host decides the code, as for a command's error; these were recorded as 0, a success:
  // citty throws them between the tree's setup and cleanup, where the root's cleanup closed with 0
  it.each([
    ['an unknown command', ['nope'], {}],
    ['a missing argument', ['need'], {}],
    ["the root's setup throwing", ['ok'], { SETUP_THROW: '1' }],
    ["the command's cleanup throwing", ['ok'], { CLEANUP_THROW: '1' }],
  ] as const)('%s: no exit code recorded, not 0', (_label, args, env) => {
    const r = host('citty-cli.mjs').run([], { MODE: 'run-command', RAW_ARGS: JSON.stringify(args), ...env })
    expect(r.code, r.stderr).toBe(1)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBeUndefined()
    expect((r.report as { exitCode?: number }).exitCode).toBeUndefined()
  })

  it('a success: 0 recorded', () => {
    const r = host('citty-cli.mjs').run([], { MODE: 'run-command', RAW_ARGS: '["ok"]' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.history.map(e => e.exitCode)).toEqual([0])
  })
})

describe.skipIf(!built)("a citty plugin's setup that throws, before the tree's setup (citty still calls the tree's cleanup)", { timeout: 120_000 }, () => {
  // the run left no report, and the root's cleanup counted one run too many ended: no later run of
  // the process closed perf (its report only at exit, as one run with the next ones)
  it("citty's own runMain: exit 1, recorded, one report and exit hook", () => {
    const r = host('citty-cli.mjs').run(['ok'], { MODE: 'citty-runmain', PLUGIN_THROW: '1' })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain('plugin setup failed')
    expect(r.history.map(e => e.exitCode)).toEqual([1])
    expect(exitHooks(r)).toBe(1)
  })

  it("citty's runCommand() twice in one process: the failed run recorded without a code, the next one closed after it ran", () => {
    const r = host('citty-cli.mjs').run([], { MODE: 'run-command-twice', PLUGIN_THROW: '1' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('caught plugin setup failed')
    expect(r.stdout).toContain('perf open after the second run: false')
    expect(r.history.map(e => [e.exitCode, (e.commands as unknown[]).length])).toEqual([[undefined, 0], [0, 1]])
    expect(exitHooks(r)).toBe(2)
  })
})
