/**
 * tinyglobby, loaded on its first use and once: the cache's file hashes (cache/file-hash.ts), the
 * named dirs among their paths (cache/file-hash-dirs.ts) and the file budgets (report/file-budgets.ts)
 * share it. Its CommonJS build, required synchronously: the sync hash (`cache.invalidate.files`) and
 * the budgets need it without an await, and one copy serves the async hash too (an `import()` would
 * load its ESM build as a second copy).
 */
import { createRequire } from 'node:module'

let _tinyglobby: typeof import('tinyglobby') | undefined
export const tinyglobby = (): typeof import('tinyglobby') => (_tinyglobby ??= createRequire(import.meta.url)('tinyglobby') as typeof import('tinyglobby'))
