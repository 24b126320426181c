import { tempDir } from '../helpers/tmp.js'
import { buildManager, type ManagerOptions } from './_config.js'

export type { ManagerOptions }

/** A real cache manager over real tiers in fresh temp dirs (removed after the file's tests). */
export function manager(o: Partial<ManagerOptions> = {}) {
  return buildManager({ ...o, dir: o.dir ?? tempDir('unperf-cache-'), cwd: o.cwd ?? tempDir('unperf-cwd-') })
}
