/**
 * A redis url ioredis parses but cannot use is a config error naming its key path, never showing the
 * url: a database path that is not a number (`redis://h:6379/cache`: ioredis sent `SELECT NaN`, whose
 * rejection went unhandled and ended the CLI, `unperf doctor` included, after it said ✔) and user
 * info that is not valid percent-encoding (ioredis threw 'URI malformed' on connecting).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { unperf } from '../helpers/unperf-cli.js'
import { PKG, project } from './_fixtures.js'

const withUrl = (url: string) => project({ 'package.json': PKG, 'perf.config.ts': `export default { cache: { driver: ['memory', { driver: 'redis', url: ${JSON.stringify(url)} }] } }` })

async function issuesOf(url: string) {
  const error = await loadPerfConfig({ cwd: withUrl(url), noSnapshot: true }).then(() => undefined, (e: unknown) => e)
  expect(error, url).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

describe('redis url', () => {
  it('a path or ?db= that is not a database number, and bad percent-encoding, are config errors that never show the url', async () => {
    for (const url of ['redis://:pwsecret1@127.0.0.1:6379/cache', 'redis://:pwsecret1@127.0.0.1:6379/3/x', 'rediss://:pwsecret1@127.0.0.1:6379?db=one', 'redis://:pw%secret1@127.0.0.1:6379', 'redis://u%zz:pwsecret1@127.0.0.1:6379/0']) {
      const error = await issuesOf(url)
      expect(error.issues.map(i => i.path), url).toEqual(['cache.driver[1].url'])
      expect(error.message, url).not.toContain('secret1')
      expect(error.message, url).toMatch(/database number|percent-encoded/)
    }
    // a url that does not parse at all says how to write a password with special characters
    expect((await issuesOf('redis://ci:pw#secret1@127.0.0.1:6379/3')).message).toContain('percent-encoded (encodeURIComponent)')
    // white space around it (a CI secret stored with its newline) is said as such, not as a password to encode
    // (before: 'got redis://… (rest not shown)' and the percent-encoding hint, for a url that was fine inside)
    for (const [url, where] of [['redis://:pwsecret1@127.0.0.1:6379/2\n', 'at its end'], [' redis://:pwsecret1@127.0.0.1:6379', 'at its start'], ['\tredis://:pwsecret1@h:6379 ', 'at its start and end']] as const) {
      const { message } = await issuesOf(url)
      expect(message, JSON.stringify(url)).toContain(`without the white space ${where} (a secret stored with its newline?), got 'redis://… (rest not shown)'`)
      expect(message, JSON.stringify(url)).not.toMatch(/percent-encoded|secret1/)
    }
    for (const url of ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379/', 'redis://:p%23w@127.0.0.1:6379/12', 'redis://h:1?db=2', '/tmp/redis.sock']) {
      await expect(loadPerfConfig({ cwd: withUrl(url), noSnapshot: true }), url).resolves.toBeDefined()
    }
  })

})

describeRedis('redis url against a real redis-server', () => {
  it('unperf doctor and a run exit with the config error (2), not a crash of an unhandled SELECT NaN', () => {
    const dir = withUrl(`${redisUrl!.replace(/\/\d*$/, '')}/cache`)
    const doctor = unperf(dir, 'doctor')
    expect(doctor.code, doctor.stderr).toBe(2)
    expect(doctor.stdout).toContain('cache.driver[1].url: expected a redis url whose path (or ?db=) is a database number')
    expect(doctor.stdout + doctor.stderr).not.toContain('ReplyError')
    const dist = join(import.meta.dirname, '../../dist/index.mjs')
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
      let perf
      try { perf = await createPerf() } catch (e) { console.log(e.name); process.exit(0) }
      await perf.cache.set('k', 1)
      console.log('value', await perf.cache.get('k'))
      await perf.close()`)
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/ConfigError/)
  })
})
