/**
 * The layers `unperf config` shows, highest priority first: each file's block for the env
 * (`$env.<env>`, then `$<env>`) as a layer of its own above the file, as they merge (merge.ts
 * applyEnv), and which of them set a key. The loaded layers have their env blocks merged in, so
 * `--env ci` listed `perf.config.ts` alone and a value its `$env.ci` set could not be told from
 * one the file set.
 */
import type { RawLayer } from '../config/layers.js'
import { layerName } from '../config/layers.js'
import type { PerfConfigLayerInfo } from '../config/load.js'

type Obj = Record<string, unknown>

export interface ShownLayer extends PerfConfigLayerInfo {
  /** The env block this layer is (`$env.ci`, `$production`): its `config` is the block's content. */
  block?: string
}

/**
 * `raw`: the layers as written (env blocks in place); `applied`: as merged (the overrides first, when
 * given: they have no env blocks left to show apart).
 */
export function shownLayers(raw: RawLayer[], applied: RawLayer[], env: string, rootDir: string): ShownLayer[] {
  const shown: ShownLayer[] = []
  const overrides = applied.filter(l => l.source === 'overrides')
  for (const l of overrides) shown.push({ source: l.source, name: layerName(l, rootDir), config: l.config })
  for (const layer of raw) {
    const name = layerName(layer, rootDir)
    const at = { source: layer.source, ...(layer.file && { file: layer.file }) }
    const fromEnv = (layer.config.$env as Obj | undefined)?.[env]
    const named = layer.config[`$${env}`]
    if (isBlock(fromEnv)) shown.push({ ...at, name: `${name} $env.${env}`, block: `$env.${env}`, config: fromEnv })
    if (isBlock(named)) shown.push({ ...at, name: `${name} $${env}`, block: `$${env}`, config: named })
    shown.push({ ...at, name, config: layer.config })
  }
  return shown
}

const isBlock = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
