/**
 * citty's lazy subcommands (`build: () => import('./build.mjs')`) get a startup phase of their own,
 * `load:<path>`, holding the import: the report's phases are how a CLI author finds a slow command
 * module. The mark was set once the module had loaded, so the import's time went to the phase
 * before it (`ready`, read as unperf's or the plugins' cost) and `load:<path>` held what came after
 * (citty parsing the arguments). A subcommand given as an object loads nothing: no phase.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { built, host } from './_host.js'

const BUSY_MS = 400
const HEAVY = `const t = Date.now(); while (Date.now() - t < ${BUSY_MS}) {}
export default globalThis.__defineCommand({ meta: { name: 'heavy' }, run() { console.log('heavy ran') } })\n`

type Phase = { name: string; duration: number }

for (const [label, env] of [['unperf/citty runMain', {}], ["citty's own runMain", { MODE: 'citty-runmain' }]] as const) {
  describe.skipIf(!built)(`citty load:<command> phases (${label})`, { timeout: 120_000 }, () => {
    it('the import of a lazy subcommand is its load phase, not the ready phase before it', () => {
      const h = host('citty-lazy.mjs')
      writeFileSync(join(h.dir, 'bin', 'heavy.mjs'), HEAVY)
      for (const [args, path] of [[['heavy'], 'heavy'], [['tools', 'build'], 'tools build']] as const) {
        const r = h.run([...args], env)
        expect(r.code, r.stderr).toBe(0)
        expect(r.stdout).toContain('heavy ran')
        const phases = r.report!.startup.phases as Phase[]
        const names = phases.map(p => p.name)
        // an object (`tools`) loads nothing: no phase of its own
        expect(names.filter(n => n.startsWith('load:'))).toEqual([`load:${path}`])
        const load = phases.find(p => p.name === `load:${path}`)!
        expect(load.duration).toBeGreaterThanOrEqual(BUSY_MS * 0.9)
        // what surrounds it is the adapter's own time, far below the import's
        for (const p of phases.filter(p => p.name === 'ready')) expect(p.duration, JSON.stringify(phases)).toBeLessThan(load.duration)
        expect(names.at(-1), JSON.stringify(phases)).toBe('ready')
      }
    })

    it('a subcommand given as an object adds no load phase', () => {
      const h = host('citty-lazy.mjs')
      const r = h.run(['plain'], env)
      expect(r.code, r.stderr).toBe(0)
      expect((r.report!.startup.phases as Phase[]).map(p => p.name).filter(n => n.startsWith('load:'))).toEqual([])
    })
  })
}
