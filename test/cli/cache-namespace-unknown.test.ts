/**
 * `unperf cache list --namespace nosuch` printed "no entries", exit 0: a typo in a script (`cache
 * clear --namespace templtes`) passed without clearing anything. A namespace neither configured nor
 * stored is bad usage (exit 2) with the closest name; one stored by an older config is listed, and
 * said to be no longer configured.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache --namespace of a namespace the config does not have', () => {
  it('neither configured nor stored: exit 2 with the closest name, for every command that takes it', () => {
    const dir = projectWith(`export default { cache: { driver: 'fs', namespaces: { templates: { ttl: '1h' } } } }`)
    for (const args of [['list'], ['info'], ['get', 'k'], ['clear'], ['prune'], ['verify']]) {
      const r = unperf(dir, 'cache', ...args, '--namespace', 'templtes')
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2)
      expect(r.stderr, args.join(' ')).toContain("[unperf] --namespace 'templtes': no such namespace in the config, and none stored under that name; did you mean 'templates'? (namespaces: default, shared, templates)")
      expect(r.stdout, args.join(' ')).toBe('')
    }
    const json = unperf(dir, 'cache', 'list', '--namespace', 'nosuch', '--json')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE', message: expect.stringContaining("--namespace 'nosuch': no such namespace") })
    // the configured ones and a plugin's are taken as they are
    for (const name of ['templates', 'default', 'shared', 'plugin:git-info']) {
      const r = unperf(dir, 'cache', 'list', '--namespace', name)
      expect([r.code, r.stderr], name).toEqual([0, ''])
    }
  })

  it('stored by an older config: listed, with a warning that it is not configured (exit 0)', () => {
    const dir = projectWith(`export default { cache: { driver: 'fs', namespaces: { legacy: { ttl: '1h' } } }, report: { console: false } }`, {
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.cache.namespace('legacy').set('old-key', 'old-value')
        await perf.close()`,
    })
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run.status, run.stderr).toBe(0)
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' } }`)
    const r = unperf(dir, 'cache', 'list', '--namespace', 'legacy', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect((r.json() as { key: string }[]).map(e => e.key)).toEqual(['old-key'])
    expect(r.stderr).toContain("[unperf] warning: --namespace 'legacy' is not in the config; its entries here were stored by an older config or by code that opens it by name")
  })
})
