/**
 * unperf/commander: the exit codes a commander host decides itself, kept and recorded as commander
 * alone would exit.
 */
import { describe, expect, it } from 'vitest'
import { built, exitHooks, host } from './_host.js'

describe.skipIf(!built)('unperf/commander: program.error() in an action', { timeout: 120_000 }, () => {
  // commander prints the message and exits with the host's exitCode, whatever the error's code
  it.each([[{}], [{ MODE: 'sync' }]])('%j: its message alone, its exit code, recorded, one report', (env) => {
    const r = host('commander-cli.mjs').run(['refuse'], env)
    expect(r.code, r.stderr).toBe(9)
    expect(r.stderr).toContain('refusing: not a repository')
    expect(r.stderr).not.toMatch(/CommanderError:|\bat \S/)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]!.exitCode).toBe(9)
    expect(r.report!.commands).toMatchObject([{ name: 'refuse', status: 'error' }])
    expect(exitHooks(r)).toBe(1)
  })
})
