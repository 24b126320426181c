// Shared by the scenarios 3–5: install a fixture program (bench/scenarios/<name>/) into a temp
// package where `import 'unperf'` resolves the way it does for a user (node_modules/unperf with
// the package.json exports, pointing at a private copy of dist: a rebuild during the run must not
// change what is measured), start a real redis-server, write bench/results/<name>.md.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repo = resolve(import.meta.dirname, '../..')
// Ctrl-C / kill: still run the 'exit' cleanups (temp dirs, the dist copy, our redis-server)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130))

let pkgCopy
/** A private copy of the unperf package (package.json + dist), inside the repo so its own dependencies resolve. */
function unperfPackage() {
  if (pkgCopy) return pkgCopy
  if (!existsSync(join(repo, 'dist/index.mjs'))) throw new Error('dist/ is missing: run `node scripts/build.mjs --no-dts` (or npm run build) first')
  pkgCopy = join(repo, 'bench', `.dist-${process.pid}-pkg`)
  cpSync(join(repo, 'dist'), join(pkgCopy, 'dist'), { recursive: true })
  cpSync(join(repo, 'package.json'), join(pkgCopy, 'package.json'))
  cpSync(join(repo, 'schema'), join(pkgCopy, 'schema'), { recursive: true })
  process.on('exit', () => rmSync(pkgCopy, { recursive: true, force: true }))
  return pkgCopy
}

/**
 * Copies bench/scenarios/<name>/ into a fresh temp dir with node_modules/unperf (and the listed
 * dependencies from the repo's node_modules) linked in; removed at exit. Returns the dir.
 */
export function installFixture(name, { deps = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `unperf-scenario-${name}-`))
  removeAtExit(dir)
  cpSync(join(import.meta.dirname, name), dir, { recursive: true })
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(unperfPackage(), join(dir, 'node_modules', 'unperf'), 'dir')
  for (const dep of deps) symlinkSync(join(repo, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir')
  return dir
}

/**
 * Removes `path` when the process exits. Call it again after createPerf() in-process: unperf's own
 * exit handler (registered then) writes its V8 code cache into XDG_CACHE_HOME, which lives in the
 * temp dir, so the last removal must run after it (exit listeners run in registration order).
 */
export function removeAtExit(path) {
  process.on('exit', () => rmSync(path, { recursive: true, force: true }))
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
    server.on('error', fail)
  })
}
export { freePort }

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  return new Promise((done, fail) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.end(); done() })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) fail(new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

/** REDIS_URL when set, else a real redis-server on a free loopback port (killed at exit). */
export async function startRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, own: false }
  const bin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim()
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server) and REDIS_URL is not set')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'unperf-scenario-redis-'))
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], { stdio: 'ignore' })
  child.unref()
  process.on('exit', () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) })
  await waitForPort(port, 10_000)
  return { url: `redis://127.0.0.1:${port}`, own: true }
}

export const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }
export const percentile = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))] }
export const machine = () => `node ${process.version}, load average ${loadavg().map(l => l.toFixed(1)).join(' ')}`

/** bench/results/<file>.md */
export function writeResult(file, text) {
  writeFileSync(join(repo, 'bench/results', `${file}.md`), text.trim() + '\n')
}
