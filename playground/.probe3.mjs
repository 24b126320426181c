const t0 = performance.now(); const T = []; const mark = n => T.push([n, performance.now()])
const { createPerf } = await import('../dist/index.mjs'); mark('import')
const perf = await createPerf({ rootDir: import.meta.dirname, cwd: import.meta.dirname, ...(process.env.OV ? { overrides: { plugins: [] } } : {}) }); mark('createPerf')
await perf.close(); mark('close')
const chunks = globalThis[Symbol.for('unperf:lazy-chunks:' + new URL('../dist/index.mjs', import.meta.url).href)]
let p = t0; console.error(T.map(([n, t]) => `${n} ${(t - p).toFixed(2)}${(p = t, '')}`).join(' | '), [...chunks.keys()].join(','))
