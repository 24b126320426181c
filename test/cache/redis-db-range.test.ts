/**
 * A redis url or `db` naming a database the server does not have (`/99` with the default
 * `databases 16`): Redis refuses the SELECT and ioredis stayed connected to db 0, so the tier wrote
 * and read db 0 silently (another project's database, maybe) and `unperf doctor` said ✔. Now the
 * tier fails with the server's own error, in the warning, `cache:error` and doctor, and the command
 * goes on with the other tiers. Against the test redis-server.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'
import { manager } from './_manager.js'

const base = redisUrl?.replace(/\/\d*$/, '')

describeRedis('a redis database past the server\'s databases', () => {
  it('the tier fails with ERR DB index is out of range, never reads or writes db 0', async () => {
    for (const tier of [{ driver: 'redis' as const, url: `${base}/99` }, { driver: 'redis' as const, url: base!, db: 99 }]) {
      const scope = `dbrange${Date.now()}`
      const { cache, hooks, warnings, m } = manager({ driver: ['memory', tier], timeout: 1000, scope })
      const errors: string[] = []
      hooks.hook('cache:error', p => { errors.push(String((p.error as Error).message)) })
      try {
        await cache.set('k', 1)
        expect(await cache.get('k')).toBe(1) // the memory tier answers
        expect(errors.length).toBeGreaterThan(0)
        for (const message of errors) expect(message).toMatch(/DB index is out of range/)
        // with the server's address (the url's credentials never: redis-refusal-address.test.ts)
        expect(warnings.join('\n')).toContain(`redis tier failed (ERR DB index is out of range (at ${new URL(base!).host}))`)
      } finally {
        await m.close()
      }
      const { cache: db0, m: m0 } = manager({ driver: [{ driver: 'redis', url: base! }], timeout: 1000, scope })
      try {
        expect(await db0.keys()).not.toContain('k')
      } finally {
        await m0.close()
      }
    }
  })

  it('unperf doctor names it a problem', () => {
    const dir = tempDir('unperf-dbrange-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dbrange', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: ['memory', { driver: 'redis', url: `${base}/99` }] } }))
    const r = unperf(dir, 'doctor')
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toMatch(/✖ redis .*: ERR DB index is out of range/)
  })
})
