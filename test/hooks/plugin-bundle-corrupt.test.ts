/**
 * The plugin bundle (bundlePlugins: true) damaged on disk: its module truncated, NUL bytes where its
 * code was, a directory, a FIFO or a symlink to another file in its place; its manifest a FIFO or a
 * symlink. A FIFO hung every start for good (require() and the manifest's readFileSync block on it), a
 * symlink ran the code it points at, a module cut short or of NUL bytes failed to load on every run,
 * silently, and was never rebuilt. Now: the plugins load from their files (no hang, never another
 * file's code), a module that does not load is said once, and the bundle is rebuilt after the run
 * (the link replaced, never written through). Real processes on the built dist, real FIFOs.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

const plugin = (name: string) => `process.stdout.write('${name} from ' + (/plugins-[0-9a-f]+\\.mjs/.test(new Error().stack) ? 'bundle' : 'file') + '\\n')
export default { name: '${name}' }`
const EVIL = `process.stdout.write('evil ran\\n')\nexport const plugins = {}\n`

const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
await perf.close()`

async function until<T>(what: string, value: () => T | undefined): Promise<T> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise(r => setTimeout(r, 50))) {
    const found = value()
    if (found) return found
  }
  throw new Error(`never: ${what}`)
}

function project() {
  const dir = projectWith(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs'] }`, {
    'node_modules/.keep': '', 'app.mjs': app, 'plugins/a.mjs': plugin('a'), 'evil.mjs': EVIL,
  }, 'bundle-corrupt-cli')
  const snapshots = join(dir, 'node_modules/.cache/unperf/config')
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '', NO_COLOR: '1' }
  const run = () => {
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env, timeout: 30_000, killSignal: 'SIGKILL' })
    return { out: r.signal ? `killed (${r.signal}): hung` : r.stdout, status: r.status, stderr: r.stderr }
  }
  const manifestFile = () => join(snapshots, readdirSync(snapshots).find(n => /^plugins-.*\.json$/.test(n))!)
  const manifest = () => {
    // (a FIFO under its name, before it is replaced, would block this process's read)
    try { return lstatSync(manifestFile()).isFile() ? JSON.parse(readFileSync(manifestFile(), 'utf8')) as { module?: string } : undefined } catch { return undefined }
  }
  /** Waits for the bundle (rebuilt in a process of its own after a run) to be a regular file again, then runs from it. */
  const rebuilt = async (module: string, code?: Buffer) => {
    const file = join(snapshots, module)
    await until('the bundle rebuilt', () => manifest()?.module === module && lstatSync(file, { throwIfNoEntry: false })?.isFile() && (!code || readFileSync(file).equals(code)))
    return run().out
  }
  return { dir, snapshots, run, manifest, manifestFile, rebuilt }
}

describe.skipIf(process.platform === 'win32')('a damaged plugin bundle: the plugins load from their files, it is rebuilt', () => {
  it('its module truncated, NUL bytes, a FIFO, a symlink to another file, an empty directory', async () => {
    const p = project()
    p.run()
    const module = await until('the bundle built', () => p.manifest()?.module)
    expect(await p.rebuilt(module)).toBe('a from bundle\n')
    const file = join(p.snapshots, module)
    const code = readFileSync(file)
    const size = code.length
    const damages: Array<[string, () => void]> = [
      ['truncated', () => writeFileSync(file, readFileSync(file).subarray(0, size >> 1))],
      ['NUL bytes of its size', () => writeFileSync(file, Buffer.alloc(size))],
      ['a FIFO', () => { rmSync(file); execFileSync('mkfifo', ['-m', '600', file]) }],
      ['a symlink to another file', () => { rmSync(file); symlinkSync(join(p.dir, 'evil.mjs'), file) }],
      ['an empty directory', () => { rmSync(file); mkdirSync(file) }],
    ]
    for (const [what, damage] of damages) {
      damage()
      const r = p.run()
      expect([what, r.out, r.status]).toEqual([what, 'a from file\n', 0])
      // said once (a module that does not load), or not at all (stale at a stat: rebuilt as any stale bundle)
      expect(r.stderr.split('plugin bundle').length - 1, `${what}: ${r.stderr}`).toBeLessThanOrEqual(1)
      expect([what, await p.rebuilt(module, code)]).toEqual([what, 'a from bundle\n'])
    }
    expect(readFileSync(join(p.dir, 'evil.mjs'), 'utf8')).toBe(EVIL)
  })

  it('NUL bytes where its code was: said once, naming the file', async () => {
    const p = project()
    p.run()
    const module = await until('the bundle built', () => p.manifest()?.module)
    await p.rebuilt(module)
    const file = join(p.snapshots, module)
    writeFileSync(file, Buffer.alloc(readFileSync(file).length))
    const r = p.run()
    expect(r.out).toBe('a from file\n')
    expect(r.stderr.split(`the plugin bundle ${file} cannot be loaded`).length - 1, r.stderr).toBe(1)
  })

  it('its manifest a FIFO or a symlink to another file: never waited on nor followed', async () => {
    const p = project()
    p.run()
    const module = await until('the bundle built', () => p.manifest()?.module)
    await p.rebuilt(module)
    const manifest = p.manifestFile()
    const text = readFileSync(manifest, 'utf8')
    // a copy elsewhere, its module the evil file's name beside it
    writeFileSync(join(p.snapshots, 'plugins-0123456789abcdef.mjs'), EVIL)
    writeFileSync(join(p.dir, 'other.json'), text.replace(module, 'plugins-0123456789abcdef.mjs').replace(/"moduleSize":\d+/, `"moduleSize":${EVIL.length}`))
    for (const [what, damage] of [
      ['a FIFO', () => { rmSync(manifest); execFileSync('mkfifo', ['-m', '600', manifest]) }],
      ['a symlink', () => { rmSync(manifest); symlinkSync(join(p.dir, 'other.json'), manifest) }],
    ] as const) {
      damage()
      expect([what, p.run().out]).toEqual([what, 'a from file\n'])
      expect([what, await p.rebuilt(module)]).toEqual([what, 'a from bundle\n'])
      expect(lstatSync(manifest).isFile()).toBe(true)
    }
    expect(readFileSync(join(p.dir, 'other.json'), 'utf8')).toContain('plugins-0123456789abcdef.mjs')
  })
})
