// Worker-thread entry for perf.workers.run(moduleUrl, exportName, args): imports the module
// (cached per worker) and calls the export. Shipped as-is (copied to dist by the build).
export default async function runExport({ moduleUrl, exportName, args }) {
  const mod = await import(moduleUrl)
  const fn = mod[exportName]
  if (typeof fn !== 'function') {
    throw new TypeError(`[unperf] ${moduleUrl} has no exported function '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})`)
  }
  return fn(...args)
}
