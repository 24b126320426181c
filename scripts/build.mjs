// Build: one bundled ESM file per entry point (the start path is one file: every extra ESM
// file costs ~0.85 ms at startup, see ../shared/notes/startup.md), lazy parts as split chunks,
// and .d.mts declarations from tsc.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const entries = {
  index: 'src/index.ts',
  config: 'src/config/index.ts',
  citty: 'src/adapters/citty.ts',
  commander: 'src/adapters/commander.ts',
  vitest: 'src/vitest/index.ts',
  cli: 'src/cli/index.ts',
}
const present = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(join(root, file))))

// hookable and defu are tiny and on the start path: bundled in (a resolved package name costs 3-4 ms).
const inlined = new Set(['hookable', 'defu'])
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
].filter(name => !inlined.has(name)).flatMap(name => [name, `${name}/*`])

// Node builtins through process.getBuiltinModule() (Node >= 20.16): a static `import 'node:fs'`
// in an ESM entry costs ~4 ms at startup; a builtin fetched this way costs next to nothing.
const builtins = {
  name: 'builtins-via-getBuiltinModule',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, args => ({ path: args.path, namespace: 'node-builtin' }))
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, args => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)})`,
      loader: 'js',
    }))
  },
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

await build({
  entryPoints: present,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: '_chunks/[name]-[hash]',
  external,
  minifySyntax: true,
  treeShaking: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __UNPERF_VERSION__: JSON.stringify(pkg.version) },
  plugins: process.env.UNPERF_BUILD_STATIC_BUILTINS ? [] : [builtins],
})

// The worker-thread entry is shipped as it is.
copyFileSync(join(root, 'src/runtime/worker-entry.mjs'), join(dist, 'worker-entry.mjs'))

// Declarations: tsc emits per-file .d.ts into dist/types; each entry gets a .d.mts re-export.
if (!process.argv.includes('--no-dts')) {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root })
  for (const [name, file] of Object.entries(present)) {
    const target = './types/' + file.replace(/^src\//, '').replace(/\.ts$/, '.js')
    writeFileSync(join(dist, `${name}.d.mts`), `export * from '${target}'\n`)
  }
}
const files = readdirSync(dist).filter(f => f.endsWith('.mjs'))
console.log(`built ${files.join(', ')}`)
