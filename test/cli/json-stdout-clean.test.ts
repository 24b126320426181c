/**
 * With --json, stdout is one JSON document (JSON lines for monitor) even when the code unperf runs
 * in its own process writes there: a perf.config's top-level `console.log`, a plugin module's
 * (`doctor` imports plugins). That text came before the document, so `unperf doctor --json | jq`
 * failed; it now goes to stderr. Real child processes, the built binary.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

function noisyProject(): string {
  const dir = tempDir('unperf-json-stdout-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'noisy', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'plugin.mjs'), `console.log('plugin module loaded')\nexport default { name: 'noisy', setup() { console.log('plugin set up') } }\n`)
  writeFileSync(join(dir, 'perf.config.mjs'), `console.log('config loaded')\nexport default { plugins: ['./plugin.mjs'], monitors: { interval: '100ms' } }\n`)
  return dir
}

describe('--json: stdout holds the JSON alone, whatever the config and plugins print', () => {
  it.each(['doctor', 'config', 'cache info', 'report', 'budget'])('unperf %s --json', command => {
    const dir = noisyProject()
    const args = command.split(' ')
    const r = unperf(dir, ...args, '--json')
    expect([0, 1], r.stderr).toContain(r.code)
    expect(() => JSON.parse(r.stdout), r.stdout).not.toThrow()
    expect(r.stderr).toContain('config loaded')
    if (args[0] === 'doctor') expect(r.stderr).toContain('plugin module loaded')
  })

  it('unperf monitor --json: every stdout line is JSON', () => {
    const dir = noisyProject()
    const r = unperf(dir, 'monitor', '--json', '--count', '1', '--interval', '100ms')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(r.stderr).toContain('config loaded')
  })

  it('unperf monitor into a pipe without --json (JSON lines there too): every stdout line is JSON', () => {
    const dir = noisyProject()
    const r = unperf(dir, 'monitor', '--count', '1', '--interval', '100ms')
    expect(r.code, r.stderr).toBe(0)
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow()
    expect(r.stderr).toContain('config loaded')
  })

  it('a config error with --json: still one document, the config\'s output on stderr', () => {
    const dir = noisyProject()
    writeFileSync(join(dir, 'perf.config.mjs'), `console.log('config loaded')\nexport default { cache: { ttl: 0 } }\n`)
    const r = unperf(dir, 'cache', 'info', '--json')
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ code: 'E_CONFIG' })
    expect(r.stderr).toContain('config loaded')
  })

  it('without --json the text output is unchanged: the config\'s console.log stays where it wrote it', () => {
    const dir = noisyProject()
    const r = unperf(dir, 'config')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('config loaded')
    expect(r.stdout).toContain('unperf config · noisy@1.0.0')
  })
})
