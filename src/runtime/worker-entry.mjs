// Worker-thread entry for perf.workers.run(moduleUrl, exportName, args): imports the module
// (cached per worker) and calls the export. Shipped as-is (copied to dist by the build).
//
// An error thrown by the export crosses the thread boundary as a structured clone, which keeps an
// Error's message and stack but drops its own properties (`code`, `errno`, `path`, ...) and any name
// but the built-in ones: it is returned as a plain record instead, and workers.ts rebuilds the Error.
export const ERROR_RECORD = '__unperfWorkerError'

export default async function runExport({ moduleUrl, exportName, args }) {
  const mod = await import(moduleUrl)
  const fn = mod[exportName]
  if (typeof fn !== 'function') {
    throw new TypeError(`[unperf] ${moduleUrl} has no exported function '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})`)
  }
  try {
    return await fn(...args)
  } catch (error) {
    if (!(error instanceof Error)) throw error
    return { [ERROR_RECORD]: record(error) }
  }
}

/** name, message, stack, the own enumerable properties of primitive value, and a cloneable cause. */
function record(error) {
  const props = {}
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) props[key] = value
  }
  const cause = error.cause instanceof Error ? error.cause : ['string', 'number', 'boolean'].includes(typeof error.cause) ? error.cause : undefined
  return { name: error.name, message: error.message, stack: error.stack, props, ...(cause !== undefined && { cause }) }
}
