// Build post-pass: one file on the start path.
//
// esbuild's code splitting puts every module that an entry shares with its lazy parts into its own
// chunk, and the entry imports those chunks statically: `import('unperf')` loaded 8 files, and each
// extra ESM file costs ~0.7 ms at startup (../shared/notes/startup.md). This pass re-bundles each
// entry with its static chunks into the entry file itself, and rewrites the lazy chunks of that build
// to take the shared modules from the entry's copy (a registry keyed by the entry's own URL, a
// function that makes it on its first call), so
// there is still exactly one instance of each module (error classes, the current instance, ...).
import { build } from 'esbuild'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'

const registryKey = entryUrl => `Symbol.for("unperf:start-chunks:" + ${entryUrl})`

/**
 * @param {string} dist absolute dist dir
 * @param {string} entryFile absolute path of the entry's output (dist/<name>.mjs)
 * @param {import('esbuild').Metafile} metafile the entry build's metafile
 */
export async function inlineStartChunks(dist, entryFile, metafile) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([p, o]) => [resolve(p), o]))
  const own = Object.keys(outputs).filter(p => p.endsWith('.mjs'))
  // the chunks the entry loads statically (transitively)
  const stat = new Set()
  const walk = file => {
    for (const i of outputs[file]?.imports ?? []) {
      if (i.kind !== 'import-statement' || i.external) continue
      const p = resolve(i.path)
      if (!stat.has(p)) { stat.add(p); walk(p) }
    }
  }
  walk(entryFile)
  if (stat.size === 0) return { inlined: 0 }
  for (const chunk of stat) {
    if (/import\.meta/.test(readFileSync(chunk, 'utf8'))) throw new Error(`${basename(chunk)} uses import.meta: inlining it into ${basename(entryFile)} would change what it resolves`)
  }

  // 1. the build's lazy chunks take the shared modules from the entry's registry: collect the names
  // they import from each static chunk (only those are registered, so tree-shaking keeps working)
  const needed = new Map([...stat].map(p => [p, new Set()]))
  const entryRel = file => JSON.stringify(relative(dirname(file), entryFile).replace(/^(?!\.)/, './'))
  for (const file of own) {
    if (file === entryFile || stat.has(file)) continue
    let code = readFileSync(file, 'utf8')
    let changed = false
    code = code.replace(/import\s*(?:\{([^}]*)\}\s*from\s*)?"(\.[^"]+)";/g, (all, names, spec) => {
      const target = resolve(dirname(file), spec)
      if (!stat.has(target)) return all
      changed = true
      if (names === undefined) return '' // side effects only: already run by the entry
      const fields = names.split(',').map(s => s.trim()).filter(Boolean).map(s => {
        const [imported, local] = s.split(/\s+as\s+/)
        needed.get(target).add(imported)
        return local ? `${imported}: ${local}` : imported
      })
      return `const { ${fields.join(', ')} } = globalThis[${registryKey(`new URL(${entryRel(file)}, import.meta.url).href`)}](${JSON.stringify(basename(target))});`
    })
    if (changed) writeFileSync(file, code)
  }

  // 2. the entry + its static chunks, re-bundled into one file, with the registry
  const ids = [...stat].map((p, i) => ({ p, ns: `__chunk${i}`, name: basename(p), names: [...needed.get(p)] }))
  const shim = join(dirname(entryFile), `.${basename(entryFile)}.entry.mjs`)
  const hasDefault = /\bexport default\b|as default\b/.test(readFileSync(entryFile, 'utf8'))
  const local = (c, n) => `${c.ns}_${n}`
  writeFileSync(shim, [
    `export * from './${basename(entryFile)}'`,
    ...(hasDefault ? [`export { default } from './${basename(entryFile)}'`] : []),
    ...ids.filter(c => c.names.length > 0).map(c => `import { ${c.names.map(n => `${n} as ${local(c, n)}`).join(', ')} } from './${relative(dirname(entryFile), c.p)}'`),
    // made on a lazy chunk's first import, not at load: the object of every shared module's names
    // (≈ 40 objects, ≈ 240 properties) was ≈ 25 kB of young-generation allocation on every start, and
    // a warm run that loads no lazy chunk never reads it (see scripts/start-script.mjs, LARGE_STRING).
    // And each start chunk's object only when a lazy chunk imports from it (a switch): made whole, the
    // registry cost a run ≈ 25–30 kB for its first lazy chunk, one that imports a few names of one
    // (one closure at load, as before: a function of its own for the switch was one more on every start)
    `let __startChunks`,
    `globalThis[${registryKey('import.meta.url')}] = name => (__startChunks ??= {})[name] ??= (() => {`,
    `  switch (name) { ${ids.map(c => `case ${JSON.stringify(c.name)}: return { ${c.names.map(n => `${n}: ${local(c, n)}`).join(', ')} }`).join('; ')} }`,
    `})()`,
  ].join('\n'))
  const pkgExternal = { name: 'keep-outside', setup(b) {
    b.onResolve({ filter: /.*/ }, args => {
      if (args.kind === 'entry-point') return undefined
      if (!args.path.startsWith('.')) return { path: args.path, external: true }
      const abs = resolve(args.resolveDir, args.path)
      // lazy chunks stay separate files: keep the import, relative to the entry's dir
      if (args.kind === 'dynamic-import' || !(stat.has(abs) || abs === entryFile)) {
        return { path: './' + relative(dirname(entryFile), abs), external: true }
      }
      // the package says `sideEffects: false`, which would let esbuild drop what the shim only
      // re-exports: an entry whose work is its top level (the CLI's `run(process.argv)`) vanished
      return { path: abs, sideEffects: true }
    })
  } }
  const result = await build({
    entryPoints: [shim], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false,
    minifySyntax: true, legalComments: 'none', logLevel: 'warning', plugins: [pkgExternal], outfile: entryFile,
  })
  writeFileSync(entryFile, result.outputFiles[0].text)
  rmSync(shim)

  for (const chunk of stat) {
    for (const file of own) {
      if (file !== chunk && !stat.has(file) && file !== entryFile && readFileSync(file, 'utf8').includes(`"./${basename(chunk)}"`)) {
        throw new Error(`${basename(file)} still refers to ${basename(chunk)} after inlining`)
      }
    }
  }
  for (const chunk of stat) rmSync(chunk)
  return { inlined: stat.size }
}
