/**
 * Where a plugin that does not compile is wrong. A plugin file with a syntax error, or a file it
 * imports, was reported as `failed in load: Unexpected token '}'`, naming no file: node keeps the
 * place of an ES module's SyntaxError out of its message and its stack (it prints it only for an
 * uncaught one), and puts a CommonJS file's on the stack's first line (`/app/plugins/x.cjs:3`).
 * Loaded only when a plugin fails to load with a SyntaxError (plugins.ts imports it then).
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `error` with the file and line it names added to its message (`Unexpected token '}' (in
 * /app/plugins/helper.mjs:3:1)`), its cause the original; `error` itself when neither its stack nor
 * esbuild, asked to read `file` and the local files it imports, tells where.
 */
export async function locatedSyntaxError(error: SyntaxError, file: string): Promise<Error> {
  const at = stackHead(error) ?? (await firstSyntaxError(file))
  return at ? new SyntaxError(`${error.message} (in ${at})`, { cause: error }) : error
}

// --- internal ---

/** A CommonJS file's place, the first line of its SyntaxError's stack (`/app/x.cjs:3`, `file:///app/x.mjs:3`). */
function stackHead(error: Error): string | undefined {
  const head = typeof error.stack === 'string' ? /^((?:file:\/\/|\/|[A-Za-z]:\\)[^\n]*?):(\d+)\n/.exec(error.stack) : null
  if (!head) return undefined
  let path = head[1]!
  if (path.startsWith('file:')) try { path = fileURLToPath(path) } catch { /* as written */ }
  return `${path}:${head[2]}`
}

/**
 * The first syntax error esbuild finds in `file` and the local files it imports (packages stay
 * outside): `/app/plugins/helper.mjs:3:1`. esbuild's parser takes what node takes, so the place is
 * the one node would have printed; its other errors (an import it cannot resolve) are no place.
 */
async function firstSyntaxError(file: string): Promise<string | undefined> {
  try {
    const esbuild = await import('esbuild')
    const dir = dirname(file)
    await esbuild.build({ entryPoints: [file], bundle: true, write: false, packages: 'external', platform: 'node', format: 'esm', target: 'esnext', logLevel: 'silent', absWorkingDir: dir })
  } catch (error) {
    const errors = (error as { errors?: Array<{ text?: string; location?: { file: string; line: number; column: number } | null }> }).errors ?? []
    const found = errors.find(e => e.location && !/^Could not resolve|^No loader/.test(e.text ?? ''))
    if (found?.location) return `${resolve(dirname(file), found.location.file)}:${found.location.line}:${found.location.column + 1}`
  }
  return undefined
}
