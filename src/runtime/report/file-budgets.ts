/**
 * Size budgets of files (`budgets.files`, like size-limit): each glob's files after none, gzip or
 * brotli compression. A deferred module (scripts/build.mjs): budgets.ts loads it only for a config
 * with file budgets. A file is compressed once while unchanged (file-size-memo.ts); a warm
 * judgement costs finding the files and a stat each.
 */
import { zlib } from '../_builtins.js'
import { readFileSync, realpathSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { BudgetResult } from '../types.js'
import { judge } from './budgets.js'
import { tinyglobby } from '../_tinyglobby.js'
import { type FileSizeMemo, loadFileSizeMemo } from './file-size-memo.js'

/**
 * Size budgets of files (globs relative to cwd), after none/gzip/brotli compression.
 *
 * `atExit` (a run judging itself): when the run worked on another project than the config's (a CLI
 * installed in a user's project: cwd there, rootDir its own package), the files are not judged. They
 * name the CLI's build output: in the user's project they measured the user's files or failed with
 * "no file matches" at every run, exit 1 in 'error' mode, and compressed whatever matched at each
 * exit. `unperf budget` in the CLI's own project judges them.
 */
export function checkFileBudgets(config: ResolvedPerfConfig, atExit?: boolean): BudgetResult[] {
  const elsewhere = atExit === true && realDir(config.cwd) !== realDir(config.rootDir)
  let memo: FileSizeMemo | undefined
  const results = config.budgets.files.map((f, i) => {
    if (elsewhere) {
      return { budget: `budgets.files[${i}]`, kind: 'file' as const, status: 'skip' as const, limit: f.limit, unit: 'bytes' as const, file: f.path, compression: f.compression, message: `budgets.files[${i}]: not judged in ${config.cwd}, another project than the config's (${config.rootDir}): \`unperf budget\` in that one judges it` }
    }
    const files = globSync(f.path, config.cwd)
    let total = 0
    for (const file of files) total += sizeOf(file, f.compression, () => memo ??= loadFileSizeMemo(config.cwd))
    if (files.length === 0) {
      return { budget: `budgets.files[${i}]`, kind: 'file' as const, status: 'fail' as const, actual: 0, limit: f.limit, unit: 'bytes' as const, file: f.path, compression: f.compression, message: `budgets.files[${i}]: no file matches '${f.path}'` }
    }
    const budget = `budgets.files[${i}]`
    const result = judge(budget, 'file', 'bytes', total, f.limit, { file: f.path, compression: f.compression })
    // the verdict worded as every budget's (with its "(+X)" when over), after what was measured
    result.message = `${budget}: ${f.path} (${files.length} file${files.length === 1 ? '' : 's'}, ${f.compression}): ${result.message.slice(budget.length + 2)}`
    return result
  })
  memo?.save()
  return results
}

/**
 * A file's size after compression: the size its stat gives with none, else the one recorded of it
 * as it is now (file-size-memo.ts, read on the first file compressed), else compressed (and recorded).
 * Every file here is a regular one: globSync matches files only.
 */
function sizeOf(file: string, compression: ResolvedPerfConfig['budgets']['files'][number]['compression'], memoOf: () => FileSizeMemo): number {
  const st = statSync(file, { bigint: true })
  if (compression === 'none') return Number(st.size)
  const memo = memoOf()
  const known = memo.get(file, st, compression)
  if (known !== undefined) return known
  const recordedAt = Date.now()
  const data = readFileSync(file)
  const size = compression === 'gzip' ? zlib().gzipSync(data, { level: 9 }).length
    : zlib().brotliCompressSync(data, { params: { [zlib().constants.BROTLI_PARAM_QUALITY]: 11 } }).length
  memo.set(file, st, compression, size, recordedAt)
  return size
}

/**
 * Files matching a glob relative to cwd (tinyglobby, loaded on first use). node_modules and .git are
 * ignored unless the glob names them: `node_modules/dep/dist/*.js` (a dependency's bundle you
 * ship or vendor) failed with "no file matches" beside the files it names.
 */
export function globSync(pattern: string, cwd: string): string[] {
  // a file named as it is (size-limit's `dist/index.js`): a stat, where loading tinyglobby and
  // walking cost ≈ 6–35 ms on a run's exit (a loaded 2-core machine)
  if (!GLOB_OR_ESCAPE.test(pattern)) {
    const file = resolve(cwd, pattern)
    try { if (statSync(file).isFile()) return [file] } catch { /* no such file: tinyglobby's answer (none) */ }
  }
  const named = pattern.split(/[\\/]/)
  const ignore = IGNORED.filter(dir => !named.includes(dir)).map(dir => `**/${dir}/**`)
  return tinyglobby().globSync([pattern], { cwd, absolute: true, dot: true, onlyFiles: true, ignore }).sort()
}

const IGNORED = ['node_modules', '.git']
/** What tinyglobby (picomatch) may read as more than a name: globs, extglobs, escapes. */
const GLOB_OR_ESCAPE = /[*?[\]{}!()+@|\\]/

/** A dir as the file system names it (a symlinked checkout is the same project), else as given. */
function realDir(dir: string): string {
  try {
    return realpathSync.native(dir)
  } catch {
    return resolve(dir)
  }
}
