/**
 * The plugin bundle's rebuild, in a process of its own (plugin-bundle-write.ts spawnRebuild): the
 * run that found it stale does not wait for esbuild. Its one argument: a RebuildRequest as JSON.
 */
import { rebuildPluginBundle, type RebuildRequest } from './plugin-bundle-write.js'

try {
  await rebuildPluginBundle(JSON.parse(process.argv[2] ?? '') as RebuildRequest)
} catch { /* no request to read: nothing to record (a failed build records itself: plugin-bundle-write.ts) */ }
