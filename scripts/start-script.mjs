// Build post-pass: the runtime's start path compiled once, not on every start.
//
// Node 20 has no compile cache for ES modules (module.enableCompileCache() is Node 22), and a CLI
// pays V8's parse and compile of unperf's start path on every run: ~100 kB up front plus every
// function compiled lazily on its first call, ~10 ms in all on the machines CI uses. A classic
// script, though, can be compiled with V8's code cache (vm.Script cachedData). So dist/index.mjs
// becomes a small ES module that runs the start path as a script, with the code cache kept in the
// platform cache dir, written at the first exit (then it holds the functions that run used too).
// The script takes import() and import.meta from the module, so lazy chunks load as before.
import { transformSync } from 'esbuild'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'


export function buildStartScript(dist, version) {
  const entry = join(dist, 'index.mjs')
  let code = readFileSync(entry, 'utf8')
  if (/^import\s/m.test(code)) throw new Error('dist/index.mjs has static imports: it cannot run as a script')
  const exportClause = /\nexport\s*\{([^}]*)\};?\s*$/.exec(code)
  if (!exportClause) throw new Error('dist/index.mjs: no export clause at its end')
  const names = exportClause[1].split(',').map(s => s.trim()).filter(Boolean).map(s => s.split(/\s+as\s+/).pop())
  const dynamic = code.match(/(?<![\w$.])import\(/g)?.length ?? 0
  code = code.replace(/(?<![\w$.])import\(/g, '__unperf_import(').replace(/(?<![\w$.])import\.meta\b/g, '__unperf_meta')
  if (/(?<![\w$.])import[(.]/.test(code) || code.split('__unperf_import(').length - 1 !== dynamic) throw new Error('dist/index.mjs: an import() or import.meta was not rewritten')
  // whitespace only: names stay readable in stack traces; ~20 % less source to read and hold on every start
  const cjs = transformSync(code, { format: 'cjs', loader: 'js', target: 'node20', minifySyntax: true, minifyWhitespace: true, logLevel: 'warning' }).code
  const script = `(function (module, exports, __unperf_import, __unperf_meta) {\n${cjs}\n})\n`
  // V8 accepts a code cache for any source of the same length: the cache is keyed by a content hash
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16)
  const file = `_chunks/index.start-${hash}.js`
  writeFileSync(join(dist, file), script)
  writeFileSync(entry, shim(names, version, file, hash))
}

function shim(names, version, SCRIPT, hash) {
  return `// unperf's start path runs as a script compiled with V8's code cache: see ${SCRIPT} and scripts/start-script.mjs.
import.meta.unperfLoadStart = process.uptime() * 1e3 // the report's startup phases: unperf's code starts here
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = process.getBuiltinModule('node:fs')
const { join } = process.getBuiltinModule('node:path')
const { fileURLToPath } = process.getBuiltinModule('node:url')
const { Script } = process.getBuiltinModule('node:vm')

const file = fileURLToPath(new URL(${JSON.stringify('./' + SCRIPT)}, import.meta.url))
const source = readFileSync(file, 'utf8') // ASCII: the native utf8 path is ~3× faster than latin1 here
const env = process.env
const home = process.platform === 'win32' ? env.LOCALAPPDATA || env.USERPROFILE : env.HOME
const base = env.XDG_CACHE_HOME || (home && (process.platform === 'darwin' ? join(home, 'Library', 'Caches') : process.platform === 'win32' ? home : join(home, '.cache')))
// V8 checks a cache against its own version and flags and the source's length, not its content:
// the name carries the build's content hash, so a cache is only ever used with the code it came from
const dir = env.UNPERF_CODE_CACHE === '0' || !base ? undefined : join(base, 'unperf', 'code-cache')
const cacheFile = dir && join(dir, \`\${${JSON.stringify(version)}}-${hash}-\${process.version}-\${process.arch}.v8\`)
let cachedData
try { if (cacheFile) cachedData = readFileSync(cacheFile) } catch { /* first run */ }
const script = new Script(source, { filename: file, cachedData })
const mod = { exports: {} }
script.runInThisContext()(mod, mod.exports, specifier => import(specifier), import.meta)
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  // at exit, the cache also holds every function this run compiled (createPerf, run, close)
  process.once('exit', () => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      const tmp = \`\${cacheFile}.\${process.pid}.tmp\`
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 })
      renameSync(tmp, cacheFile)
      // caches of other builds: the newest 16 stay (several CLIs may use different unperf versions)
      const others = readdirSync(dir).filter(n => n.endsWith('.v8') && join(dir, n) !== cacheFile)
        .map(n => ({ n, t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => b.t - a.t)
      for (const { n } of others.slice(15)) unlinkSync(join(dir, n))
    } catch { /* read-only home: compile each time */ }
  })
}

export const { ${names.join(', ')} } = mod.exports
`
}
