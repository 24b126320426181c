/**
 * Size budgets of files (`budgets.files`, like size-limit): each glob's files after none, gzip or
 * brotli compression. A deferred module (scripts/build.mjs): budgets.ts loads it only for a config
 * with file budgets, which loads tinyglobby and compresses the files then anyway.
 */
import { zlib } from '../_builtins.js'
import { readFileSync } from 'node:fs'
import type { ResolvedPerfConfig } from '../../config/types.js'
import type { BudgetResult } from '../types.js'
import { judge } from './budgets.js'
import { tinyglobby } from '../_tinyglobby.js'

/** Size budgets of files (globs relative to cwd), after none/gzip/brotli compression. */
export function checkFileBudgets(config: ResolvedPerfConfig): BudgetResult[] {
  return config.budgets.files.map((f, i) => {
    const files = globSync(f.path, config.cwd)
    let total = 0
    for (const file of files) {
      const data = readFileSync(file)
      total += f.compression === 'gzip' ? zlib().gzipSync(data, { level: 9 }).length
        : f.compression === 'brotli' ? zlib().brotliCompressSync(data, { params: { [zlib().constants.BROTLI_PARAM_QUALITY]: 11 } }).length
          : data.length
    }
    if (files.length === 0) {
      return { budget: `budgets.files[${i}]`, kind: 'file' as const, status: 'fail' as const, actual: 0, limit: f.limit, unit: 'bytes' as const, file: f.path, compression: f.compression, message: `budgets.files[${i}]: no file matches '${f.path}'` }
    }
    const budget = `budgets.files[${i}]`
    const result = judge(budget, 'file', 'bytes', total, f.limit, { file: f.path, compression: f.compression })
    // the verdict worded as every budget's (with its "(+X)" when over), after what was measured
    result.message = `${budget}: ${f.path} (${files.length} file${files.length === 1 ? '' : 's'}, ${f.compression}): ${result.message.slice(budget.length + 2)}`
    return result
  })
}

/**
 * Files matching a glob relative to cwd (tinyglobby, loaded on first use). node_modules and .git are
 * ignored unless the glob names them: `node_modules/dep/dist/*.js` (a dependency's bundle you
 * ship or vendor) failed with "no file matches" beside the files it names.
 */
export function globSync(pattern: string, cwd: string): string[] {
  const named = pattern.split(/[\\/]/)
  const ignore = IGNORED.filter(dir => !named.includes(dir)).map(dir => `**/${dir}/**`)
  return tinyglobby().globSync([pattern], { cwd, absolute: true, dot: true, onlyFiles: true, ignore }).sort()
}

const IGNORED = ['node_modules', '.git']
