/**
 * A command that runs another command of the same CLI programmatically (`build` running `prepare`:
 * `runCommand(cli, { rawArgs })` with citty, `program.parseAsync([...], { from: 'user' })` inside an
 * action with commander) is part of the run: one report and one history line with both commands, perf
 * still open for the rest of the outer command. Before, with citty's own runMain the inner run's
 * cleanup closed perf under the outer command (its summary printed in the middle of the output,
 * getPerf() throwing in the rest of the command), and commander created and closed a second instance
 * (two reports, two history lines, two summaries).
 */
import { describe, expect, it } from 'vitest'
import { ADAPTER_HOSTS, built, exitHooks, host } from './_host.js'

for (const [label, fixture, env] of ADAPTER_HOSTS) {
  describe.skipIf(!built)(label, { timeout: 120_000 }, () => {
    it('a command running another command of the CLI: one run, both commands recorded, perf open after the inner one', () => {
      const r = host(fixture).run(['chain'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('ok-ran cache=true')
      expect(r.stdout).toContain('chain after, perf open=true')
      expect(r.history, r.stderr).toHaveLength(1)
      expect(r.report!.commands.map(c => [c.name, c.status])).toEqual([['ok', 'ok'], ['chain', 'ok']])
      expect(r.history[0]!.exitCode).toBe(0)
      expect(exitHooks(r)).toBe(1)
    })
  })
}

describe.skipIf(!built)('unperf/commander instrument', { timeout: 120_000 }, () => {
  // parse() inside the action created a second perf instance and closed it: two reports, two history lines
  it('an action running another command with parse(): one run, both commands recorded, perf open after the inner one', () => {
    const r = host('commander-cli.mjs').run(['chainsync'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('chainsync after, perf open=true')
    expect(r.history, r.stderr).toHaveLength(1)
    expect(r.report!.commands.map(c => [c.name, c.status])).toEqual([['ok', 'ok'], ['chainsync', 'ok']])
    expect(exitHooks(r)).toBe(1)
  })

  it("an inner command's error caught by the outer action: the inner one recorded as an error, the outer ok, one run", () => {
    const r = host('commander-cli.mjs').run(['chainfail'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('chainfail caught boom from fail')
    expect(r.history).toHaveLength(1)
    expect(r.report!.commands.map(c => [c.name, c.status])).toEqual([['fail', 'error'], ['chainfail', 'ok']])
    expect(exitHooks(r)).toBe(1)
  })
})
