/**
 * A config problem as ConfigError lists it, its value told by its type or shape (errors.ts
 * re-exports both). A deferred module (scripts/build.mjs): only a config with a problem, or a
 * caller's slip, makes one.
 */
import { NotShown, type ConfigIssue } from './errors.js'

export function formatFound(value: unknown): string {
  if (value instanceof NotShown) return value.description
  if (typeof value === 'string') return `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'`
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  return 'an object'
}

export function configIssue(file: string, path: string, expected: string, found: unknown): ConfigIssue {
  return { file, path, expected, found, message: `${file}: ${path}: expected ${expected}, got ${formatFound(found)}` }
}
