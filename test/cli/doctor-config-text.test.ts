/**
 * `unperf doctor` with an invalid config: the config row read `✖ config     [unperf] invalid config:`
 * with its issues on the next line at column 3, out of the detail column. The row carries the message
 * without the prefix, each further line indented under the detail; `--json` too (json-errors.test.ts:
 * no `--json` message carries the prefix).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf doctor, text output of an invalid config', () => {
  it('keeps the issues in the detail column, exit 2', () => {
    const dir = tempDir('unperf-doctor-config-text-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'doctor-text-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), `export default { cache: { ttl: '1 day' } }\n`)
    const r = unperf(dir, 'doctor')
    expect(r.code).toBe(2)
    const lines = r.stdout.split('\n')
    const at = lines.findIndex(l => l.startsWith('✖ config'))
    expect(lines[at]).toBe('✖ config     invalid config:')
    expect(lines[at + 1]).toMatch(/^ {13} {2}- \S*perf\.config\.ts:1:\d+: cache\.ttl: expected a duration/)
    const json = unperf(dir, 'doctor', '--json').json() as { checks: { check: string; detail: string }[] }
    expect(json.checks.find(c => c.check === 'config')!.detail).toMatch(/^invalid config:\n {2}- /)
  })
})
