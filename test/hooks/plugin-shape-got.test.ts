/**
 * A plugin file whose export is no plugin was told "a plugin must be an object with a non-empty
 * `name`" without what it was: a `null` default (an `export default maybePlugin` that was unset), a
 * name of another type and a missing name read alike. The message now says what came.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPlugin } from '../../src/hooks/plugins.js'
import { tempDir } from '../helpers/tmp.js'

describe('a plugin file that exports no plugin', () => {
  it.each([
    ['export default null', 'got null'],
    ['export default [1]', 'got an array'],
    ['export default { name: 42 }', 'got name: number'],
    ["export default { name: '' }", "got name: ''"],
    ['export default { setup() {} }', 'got an object without one'],
    ['export default () => null', 'got null'],
  ])('%s: the message says what it got', async (source, got) => {
    const dir = tempDir('unperf-plugin-got-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module' }))
    writeFileSync(join(dir, 'p.mjs'), source)
    await expect(loadPlugin('./p.mjs', dir)).rejects.toThrow(`a plugin must be an object with a non-empty \`name\` (use definePerfPlugin), ${got}`)
  })
})
