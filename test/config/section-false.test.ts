/**
 * `monitors: false` or `$test: { cache: false }` (as many tools take a feature switched off) is a config
 * error that now says how to switch the section off here: `{ enabled: false }`. It said only
 * "expected an object, got false". A section with no `enabled` key, or `true`, gets the plain message.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import type { ConfigError } from '../../src/errors.js'
import { projectWith } from '../helpers/project.js'

describe('a section set to false', () => {
  it('names { enabled: false } for the sections that have it', async () => {
    const cwd = projectWith(`export default { monitors: false, $test: { cache: false, report: false }, $env: { ci: { monitors: true } } }`)
    const error = await loadPerfConfig({ cwd, env: 'test', noSnapshot: true }).then(() => undefined, (e: ConfigError) => e)
    expect(error?.issues.map(i => `${i.path}: ${i.expected}`)).toEqual([
      'monitors: an object (to turn it off: monitors: { enabled: false })',
      '$test.cache: an object (to turn it off: cache: { enabled: false })',
      '$test.report: an object',
      '$env.ci.monitors: an object',
    ])
  })
})
