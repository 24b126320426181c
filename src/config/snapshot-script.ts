/**
 * A config snapshot module as a classic script: what a warm start runs for a config that imports
 * nothing at run time (snapshot.ts runScript), compiled and run without the ES module loader.
 */

/**
 * The bundled config as a script `(function (module, exports) { ... })` when it has no import left
 * (packages it imports stay imports), no import() and no top-level await; else undefined.
 */
export async function asScript(esm: string): Promise<string | undefined> {
  if (/(?<![\w$.])import\s*[({"'*\w]|(?<![\w$.])require\s*\(|\bimport\.meta\b/.test(esm)) return undefined
  try {
    const esbuild = await import('esbuild')
    const { code } = await esbuild.transform(defaultExportOnly(esm) ?? esm, { format: 'cjs', loader: 'js', target: 'node20', logLevel: 'silent' })
    return `(function (module, exports) {\n${code}\n})\n`
  } catch {
    return undefined // top-level await, ...
  }
}

/**
 * esbuild's bundle with its closing export clause (`export {\n  x_default as default,\n  extra\n};`,
 * the one form a bundle's exports take) replaced by `exports.default = x_default`: the runtime reads
 * the default alone (snapshot.ts). esbuild's own CommonJS form of the clause copies every export
 * through getters (`__toCommonJS`): ≈ 2.5 M instructions of every warm start, 12 functions compiled
 * for one property read. Undefined (esbuild's form then) for anything else.
 */
function defaultExportOnly(esm: string): string | undefined {
  const clause = /\nexport\s*\{([^{}]*)\};?\s*$/.exec(esm)
  if (!clause || /(?<![\w$.])export\b/.test(esm.slice(0, clause.index))) return undefined
  const local = clause[1]!.split(',').map(spec => /^\s*([\w$]+)\s+as\s+default\s*$/.exec(spec)?.[1]).find(Boolean)
  return local && `${esm.slice(0, clause.index)}\nexports.default = ${local};\n`
}
