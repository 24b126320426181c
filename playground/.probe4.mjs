const t0 = performance.now(); const T = []; globalThis.__um = n => T.push([n, performance.now()]); const mark = globalThis.__um
const { createPerf } = await import('../dist/index.mjs'); mark('import')
const perf = await createPerf({ rootDir: import.meta.dirname, cwd: import.meta.dirname }); mark('createPerf')
await perf.cache.get('x'); mark('default get')
await perf.close(); mark('close')
let p = t0; console.error(T.map(([n, t]) => `${n} ${(t - p).toFixed(2)}${(p = t, '')}`).join('\n'))
