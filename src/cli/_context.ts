import { resolve } from 'node:path'
import { loadPerfConfigLayers } from '../config/load.js'
import type { ResolvedPerfConfig } from '../config/types.js'

/** The config the command works on: rootDir = cwd = --cwd (or the current directory). */
export async function cliConfig(args: { cwd?: string; env?: string }): Promise<ResolvedPerfConfig> {
  const cwd = resolve(args.cwd ?? process.cwd())
  return (await loadPerfConfigLayers({ cwd, rootDir: cwd, ...(args.env && { env: args.env }) })).config
}
