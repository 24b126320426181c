/**
 * What the host's process exits with after an adapter's run is node's and the host's to decide:
 * the adapters record the code without setting one.
 */
import { describe, expect, it } from 'vitest'
import { built, host } from './_host.js'

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
