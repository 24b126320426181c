/**
 * The merger c12 is given: mergeConfig (merge.ts), and every root layer's `extends` applies. c12
 * merges the config file, `.perfrc` and package.json's `perf` with its merger, then resolves the
 * result's `extends`: mergeConfig's lists replace the lower one's, so a preset listed in `.perfrc` or
 * package.json was dropped without a word once the config file extended anything. Here they add up,
 * the higher layer's presets first (as defu orders lists), a preset listed twice once. Cold path only
 * (c12.ts): nothing of it is on the warm start path, where extends are resolved already.
 */
import { mergeConfig } from './merge.js'

type Source = Record<string, unknown> | null | undefined

export function mergeWithEveryExtends(...sources: Source[]): Record<string, unknown> {
  const withExtends = sources.filter(s => typeof s === 'object' && s !== null && s.extends !== undefined && s.extends !== null) as Array<Record<string, unknown>>
  const merged = (mergeConfig as (...s: Source[]) => Record<string, unknown>)(...sources)
  if (withExtends.length > 1) {
    const listed = withExtends.flatMap(s => (Array.isArray(s.extends) ? s.extends : [s.extends]) as unknown[])
    merged.extends = listed.filter((s, i) => typeof s !== 'string' || listed.indexOf(s) === i)
  }
  return merged
}
