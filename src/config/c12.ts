/**
 * The reference loader: c12 (+ jiti), imported only on a cold start or when the snapshot
 * cannot cover the config. Returns raw layers (env not applied: see mergeLayers).
 */
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { ConfigError, configIssue } from '../errors.js'
import type { RawLayer } from './layers.js'
import { rootLayerExtending } from './extends-owner.js'
import { mergeWithEveryExtends } from './merge-extends.js'
import { snapshotDirs, snapshotDirUntrusted } from './snapshot.js'
import { candidateInputs, configCandidates } from './config-candidates.js'
import { dirUnsafeSync } from '../drivers/fs-safety.js'
import { makeDirSync } from '../runtime/make-dir.js'
import { resolvePackageImport } from '../hooks/_resolve-package.js'
import { checkRcLines } from './rc-lines.js'
import { checkConfigFiles, checkOneConfigFile } from './config-files.js'
import { jsonSyntaxError } from './json-position.js'
import { checkDefaultExport } from './no-default-export.js'
import { inModulePackage } from './package-type.js'
import { configLoadError } from './config-load-error.js'
import { createJitiOfC12, withImportOnce } from './jiti-import-once.js'
import { extendsCycleCheck } from './extends-cycle.js'
import { packageFile } from './plugin-paths.js'
import { packageNameOf, packageProbes, packageRoot, selfAliases } from './package-lookup.js'
// snapshot-write.ts and plugin-bundle-write.ts take these from here: imported from package-lookup.ts
// by the three, it was a lazy chunk of its own, the start script's list of them 134 bytes longer
export { packageNameOf, packageProbes, packageRoot, selfAliases }

export interface C12LoadResult {
  layers: RawLayer[]
  /** The main config file found, if any. */
  configFile: string | undefined
  /** False when some layer can't be snapshotted (remote extends). */
  snapshotable: boolean
  /**
   * Paths resolving a package `extends` looked at (`<dir>/node_modules/<pkg>/package.json` from the
   * extending file's dir up to the one found): the snapshot's inputs, so installing the package
   * closer, or a new version whose `main`/`exports` names another file, makes it stale; and every
   * perf.config candidate of a preset's dir (`extends: './presets'`), a second one added there too.
   */
  resolutionInputs: string[]
}

/**
 * Where jiti keeps its transpiled copies of the config files (a copy holds whatever the config
 * holds, a hardcoded password too): a 0700 dir of unperf's, not jiti's default
 * `node_modules/.cache/jiti`, which jiti creates with the umask (0777 under umask 000, its files
 * 0666). false (no fs cache: transpile each cold load) when it cannot be made private.
 */
function jitiCacheDir(rootDir: string): string | false {
  // beside the config snapshot (snapshot.ts): the project's node_modules/.cache, else the platform cache dir
  for (const snapshots of snapshotDirs(rootDir)) {
    const dir = join(dirname(snapshots), basename(snapshots) === 'config' ? 'jiti' : `${basename(snapshots)}-jiti`)
    try {
      // under a root or `config-snapshots` of another user's (theirs, or their link): not made there
      if (snapshotDirUntrusted(snapshots, rootDir, true)) continue
      makeDirSync(dir, 0o700)
      chmodSync(dir, 0o700)
      // jiti runs what it finds there: never a dir of another user's (root's chmod succeeds on it)
      if (!dirUnsafeSync([dir])) return dir
    } catch { /* unwritable: the next place */ }
  }
  return false
}

/**
 * `.perfrc` written as JSON (as .eslintrc, .babelrc, .prettierrc are): c12 reads it as `key=value`
 * lines (rc9), which gives nothing for JSON, so the whole file was ignored without a word. Read as
 * JSON here when it starts with `{`; JSON that does not parse is a config error naming the file.
 * undefined: no `.perfrc`, or one in rc lines (c12's).
 */
function jsonRc(rootDir: string): Record<string, unknown> | undefined {
  const file = join(rootDir, '.perfrc')
  let text: string
  try { text = readFileSync(file, 'utf8') } catch { return undefined }
  if (!text.trimStart().startsWith('{')) return undefined
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    // where it stops, as an editor opens it (JSON.parse says `at position 34`, or nowhere)
    const at = jsonSyntaxError(text)!
    throw new ConfigError([{ ...configIssue('.perfrc', '', 'JSON (it starts with `{`) or `key=value` lines', text.trim().slice(0, 40)), line: at.line, column: at.column, message: `.perfrc:${at.line}:${at.column}: not valid JSON (${at.reason}); write JSON, or \`key=value\` lines (\`plugins[]=./plugins/x.mjs\`)` }])
  }
}

const REMOTE_PREFIXES = ['gh:', 'github:', 'gitlab:', 'bitbucket:', 'https://', 'http://']

/** Errors of jiti's write of its copy that loading without a copy avoids. */
const CACHE_WRITE_FAILED = new Set(['ENOSPC', 'EDQUOT', 'EROFS'])

export async function loadRawLayersWithC12(rootDir: string, configFile: string | undefined): Promise<C12LoadResult> {
  // a config file that is a directory, a package.json that is not JSON: c12 would go on without them
  await checkConfigFiles(rootDir, configFile)
  const { loadConfig, SUPPORTED_EXTENSIONS } = await import('c12')
  const extendsSources: string[] = []
  // which file an extends source came from (errors name it): a layer this resolver loaded that lists
  // it, else the config c12 loaded itself in that dir (the main one, or a directory's perf.config)
  const loaded: { dir: string; file: string; sources: unknown[] }[] = []
  const extendingFile = (dir: string, source: string) =>
    loaded.find(l => l.dir === dir && l.sources.some(s => s === source || (Array.isArray(s) && s[0] === source) || (s as { source?: unknown })?.source === source))?.file
    ?? (dir === rootDir ? rootLayerExtending(rootDir, source) : undefined)
    ?? configCandidates(dir, dir === rootDir ? configFile : undefined).find(f => existsSync(f)) ?? join(dir, 'perf.config')
  /** An extends layer loaded here (a local file, a package's perf.config), as c12 gives its layers. */
  const loadLayerFile = async (file: string, jiti: { import: (id: string, o: { default: true }) => Promise<unknown> }) => {
    let config = await jiti.import(file, { default: true })
    // a native ES module without a default export comes as its namespace, which c12 cannot extend
    // (it adds `_layers`: 'object is not extensible'): exporting nothing is an error naming the
    // file; named exports are its keys, as in a config file c12 loads itself
    if (Object.prototype.toString.call(config) === '[object Module]') {
      await checkDefaultExport(file, relative(rootDir, file), config, selfAliases())
      config = { ...(config as Record<string, unknown>) }
    }
    if (typeof config === 'function') config = await (config as () => unknown)()
    const listed = (config as { extends?: unknown } | null)?.extends
    checkEmptyExtends(relative(rootDir, file), listed)
    loaded.push({ dir: dirname(file), file, sources: Array.isArray(listed) ? listed : [listed] })
    return { config: config as Record<string, unknown>, configFile: file, _configFile: file, cwd: dirname(file), source: file, sourceOptions: {} }
  }
  let extended = extendsCycleCheck(rootDir)
  const jitiCache = jitiCacheDir(rootDir)
  let fsCache = jitiCache
  const resolutionInputs: string[] = []
  let result
  try {
    for (;;) {
      try {
        result = await loadConfig<Record<string, unknown>>({
          name: 'perf',
          cwd: rootDir,
          configFile: configFile ?? 'perf.config',
          rcFile: '.perfrc',
          // rootDir's own package.json alone: c12's lookup (pkg-types) walks up to the nearest one, so a
          // rootDir without one took the `perf` key (and its `extends`) of a package above it, whose name
          // and version it did not take, and which no snapshot input covered (a warm start kept its old values)
          packageJson: existsSync(join(rootDir, 'package.json')) ? 'perf' : false,
          envName: false,
          dotenv: false,
          globalRc: false,
          merger: mergeWithEveryExtends,
          // c12's own jiti (its options), but a file that throws is not evaluated again by jiti's fallback
          jiti: withImportOnce(createJitiOfC12(join(rootDir, configFile ?? 'perf.config'), {
            interopDefault: true, moduleCache: false, extensions: [...SUPPORTED_EXTENSIONS], alias: selfAliases(), fsCache,
          })),
          // Local file extends are resolved here: c12 3.3 resolves './dir/base.ts' against './dir'
          // twice, and only warns when an extends source is missing (unperf fails instead).
          resolve: async (source: string, opts: { cwd?: string; jiti?: { import: (id: string, o: { default: true }) => Promise<unknown> } }) => {
            if (source === '.' || source === (configFile ?? 'perf.config')) return null
            extendsSources.push(source)
            const from = opts.cwd ?? rootDir
            const by = () => extendingFile(from, source)
            if (!(source.startsWith('./') || source.startsWith('../') || isAbsolute(source))) {
              // a package: c12 only warns when it is not installed and runs without it (and the snapshot
              // then kept running without it after an install); unperf fails, as for a missing file
              if (REMOTE_PREFIXES.some(p => source.startsWith(p))) return null
              const pkg = packageNameOf(source)
              if (!pkg) return null
              const probed = packageProbes(from, pkg)
              resolutionInputs.push(...probed)
              if (!existsSync(probed.at(-1)!)) {
                const by = relative(rootDir, extendingFile(from, source))
                throw new ConfigError([{ ...configIssue(by, 'extends', 'an installed package', source), message: `${by}: extends: package '${pkg}' is not installed (looked for node_modules/${pkg} in ${from} and its parent dirs)` }])
              }
              // c12 loads the package's entry (exports, main) as its config; a preset with none, its
              // perf.config.mjs at its root, was skipped with c12's warning alone: its dir's perf.config
              // is loaded, as a directory's (neither: a config error)
              if (hasEntry(source, from)) {
                extended(by(), source, packageFile(from, source))
                // an ES module entry without a default export: loaded here (c12 could not extend its
                // namespace); only an entry node imports natively is looked at (jiti, moduleCache off,
                // would run any other twice)
                const entry = resolvePackageImport(source, from)
                const native = entry !== undefined && (entry.endsWith('.mjs') || (entry.endsWith('.js') && inModulePackage(entry)))
                if (native && Object.prototype.toString.call(await opts.jiti!.import(entry, { default: true })) === '[object Module]') return loadLayerFile(entry, opts.jiti!)
                return null
              }
              const dir = join(dirname(probed.at(-1)!), source.slice(pkg.length))
              // two of them: as in the root, an error (the first alone was loaded, without a word)
              checkOneConfigFile(dir, undefined, { file: relative(rootDir, extendingFile(from, source)), source })
              resolutionInputs.push(...candidateInputs(dir, undefined))
              const file = configCandidates(dir, undefined).find(f => existsSync(f))
              if (!file) {
                const by = relative(rootDir, extendingFile(from, source))
                throw new ConfigError([{ ...configIssue(by, 'extends', 'a package with a config', source), message: `${by}: extends: package '${source}' has no config: its package.json names no entry (exports or main) and ${dir} holds no perf.config.{mjs,js,ts,json,...}` }])
              }
              extended(by(), source, file)
              return loadLayerFile(file, opts.jiti!)
            }
            const file = resolve(from, source)
            if (!existsSync(file)) {
              const by = relative(rootDir, extendingFile(from, source))
              throw new ConfigError([{ ...configIssue(by, 'extends', 'an existing file or directory', source), message: `${by}: extends: '${source}' was not found (looked for ${file})` }])
            }
            if (!extname(file)) {
              // a preset's dir: c12 loads its perf.config (the first in its order), as the root's
              checkOneConfigFile(file, configFile, { file: relative(rootDir, extendingFile(from, source)), source })
              // its every candidate an input: a second one added later makes the snapshot stale (the check above then says so)
              resolutionInputs.push(...candidateInputs(file, configFile))
              extended(by(), source, configCandidates(file, configFile).find(f => existsSync(f)))
              return null
            }
            extended(by(), source, file)
            return loadLayerFile(file, opts.jiti!)
          },
        })
        break
      } catch (error) {
        // jiti's copy could not be written (a full disk, a quota, a file system gone read-only): the
        // config failed to load for it, and so did the command; loaded again without copies
        if (fsCache === false || !CACHE_WRITE_FAILED.has((error as NodeJS.ErrnoException | undefined)?.code ?? '')) throw error
        fsCache = false
        extendsSources.length = 0
        extended = extendsCycleCheck(rootDir)
        loaded.length = 0
        resolutionInputs.length = 0
      }
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw configLoadError(error, rootDir, configFile, packageRoot())
  } finally {
    // jiti writes its copies with the umask: 0600 like every file of unperf's (a cold load: a file or two)
    if (jitiCache) try { for (const f of readdirSync(jitiCache)) chmodSync(join(jitiCache, f), 0o600) } catch { /* the dir is 0700 anyway */ }
  }
  // a config file asked for by name that is not there is an error, not a run on the defaults (c12
  // returns an empty config): a typo in `configFile` would switch every setting off without a word
  if (configFile !== undefined && !result._configFile) {
    const looked = configCandidates(rootDir, configFile)
    throw new ConfigError([{
      ...configIssue(configFile, 'configFile', 'an existing config file', configFile),
      message: `configFile: '${configFile}' was not found (looked for ${looked.length === 1 ? looked[0] : `${resolve(rootDir, configFile)}.{${[...new Set(looked.map(f => f.slice(f.lastIndexOf('.') + 1)))].join(',')}} and in .config/`})`,
    }])
  }
  const rcJson = jsonRc(rootDir)
  // key=value lines: rc9 skips or mis-splits a key it cannot hold (a space, a quote, 'a.b'): named here
  if (!rcJson) checkRcLines(join(rootDir, '.perfrc'))
  // c12 never sees a JSON .perfrc (its rc reader takes key=value lines): its `extends` was dropped without a word
  if (rcJson && typeof rcJson === 'object' && 'extends' in rcJson) {
    throw new ConfigError([{ ...configIssue('.perfrc', 'extends', "a key=value .perfrc for extends (extends=./base.mjs), or extends in perf.config or package.json's perf", JSON.stringify(rcJson.extends)), message: `.perfrc: extends: not applied from a JSON .perfrc; write the .perfrc as key=value lines (extends=./base.mjs), or put extends in perf.config or in package.json's perf` }])
  }
  const layers: RawLayer[] = []
  for (const layer of result.layers ?? []) {
    // a JSON .perfrc takes the place of what c12 read of it (nothing)
    if (layer.configFile === '.perfrc' && rcJson) layer.config = rcJson
    const [source, file]: [RawLayer['source'], string | undefined] = layer.configFile === '.perfrc' ? ['rc', join(rootDir, '.perfrc')]
      : layer.configFile === 'package.json' ? ['packageJson', join(rootDir, 'package.json')]
        : layer.cwd === rootDir && layer.configFile === (configFile ?? 'perf.config') ? ['main', result._configFile]
          : ['extends', layer.configFile]
    // the root layers keep their extends as written (c12 deleted it from the presets it loaded itself)
    if (file) checkEmptyExtends(relative(rootDir, file), (layer.config as { extends?: unknown } | null)?.extends)
    // a script that exports nothing (no `export default`) is an error, not an empty layer
    if (file && source !== 'rc' && source !== 'packageJson') await checkDefaultExport(file, relative(rootDir, file), layer.config, selfAliases())
    // an empty layer adds nothing; a non-object (`export default 42`) goes on to fail validation, not vanish
    if (layer.config === null || layer.config === undefined || (typeof layer.config === 'object' && Object.keys(layer.config).length === 0)) continue
    layers.push({ source, file, config: layer.config })
  }
  const remote = extendsSources.some(s => REMOTE_PREFIXES.some(p => s.startsWith(p)))
  return { layers, configFile: result._configFile, snapshotable: !remote, resolutionInputs }
}

/** An empty `extends` (`''`, or `''` in its list): c12 drops it without a word; never what was meant. */
function checkEmptyExtends(file: string, listed: unknown): void {
  const at = listed === '' ? 'extends' : Array.isArray(listed) && listed.includes('') ? `extends[${listed.indexOf('')}]` : undefined
  if (at) throw new ConfigError([configIssue(file, at, 'a path or a package name (an empty string extends nothing)', '')])
}

/** Whether the package has an entry `import()` or `require()` finds from `from` (exports, main, index.js): what c12 loads as its config. */
function hasEntry(source: string, from: string): boolean {
  if (resolvePackageImport(source, from)) return true
  try {
    createRequire(join(from, 'package.json')).resolve(source)
    return true
  } catch {
    return false
  }
}
