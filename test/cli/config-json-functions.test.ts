/** `unperf config --json` shows a config's hooks as the text output does (`[function]`), not as `hooks: {}`. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

it('hooks and an inline plugin object keep their keys in --json', () => {
  const dir = tempDir('unperf-config-json-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'json-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default {
    hooks: { 'command:after': () => {}, exit: () => {} },
    cache: { swr: true },
  }`)
  const text = unperf(dir, 'config')
  expect(text.stdout).toContain(`hooks.exit = [function]`)
  const r = unperf(dir, 'config', '--json')
  expect(r.code, r.stderr).toBe(0)
  expect(r.json().config.hooks).toEqual({ 'command:after': '[function]', exit: '[function]' })
  expect(r.json().config.cache.swr).toBe('Infinity')
})
