import { tempDir } from '../helpers/tmp.js'
import { buildManager, type ManagerOptions } from './_config.js'

export type { ManagerOptions }

/** A real cache manager over real tiers in fresh temp dirs (removed after the file's tests). */
export function manager(o: Partial<ManagerOptions> = {}) {
  return buildManager({ ...o, dir: o.dir ?? tempDir('unperf-cache-'), cwd: o.cwd ?? tempDir('unperf-cwd-') })
}

/** Two processes' caches (each its own dir) on one Redis, both connected: what wrap()'s locks are between. */
export async function twoOnRedis(url: string, cwd = tempDir('unperf-lock-cwd-')) {
  const driver = [{ driver: 'redis' as const, url }]
  const a = manager({ cwd, driver, timeout: 5000 })
  const b = manager({ cwd, driver, timeout: 5000 })
  await Promise.all([a.cache.get('warm-up'), b.cache.get('warm-up')])
  return { first: a.cache, second: b.cache, close: async () => { await a.m.close(); await b.m.close() } }
}
