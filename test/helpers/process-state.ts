/**
 * A test worker's process state, as a file may change it and a process of its own would have it
 * for the next file: process.env, the umask, the cwd, process.exitCode, process listeners,
 * stdout/stderr writes and globalThis's own properties. test/setup/restore-process.ts takes one
 * before each file of the 'restored' project and puts it back after the file.
 */

type Listener = (...args: unknown[]) => unknown

export interface ProcessState {
  env: Record<string, string | undefined>
  umask: number
  cwd: string
  exitCode: typeof process.exitCode
  maxListeners: number
  listeners: Map<string | symbol, Listener[]>
  writes: [PropertyDescriptor | undefined, PropertyDescriptor | undefined]
  globals: Map<string | symbol, PropertyDescriptor>
}

// reading the umask sets it: put back at once (nothing else runs in between)
const readUmask = () => { const mask = process.umask(0o022); process.umask(mask); return mask }

export function snapshot(): ProcessState {
  const listeners = new Map<string | symbol, Listener[]>()
  for (const name of process.eventNames()) listeners.set(name, process.rawListeners(name) as Listener[])
  const globals = new Map<string | symbol, PropertyDescriptor>()
  for (const key of Reflect.ownKeys(globalThis)) globals.set(key, Object.getOwnPropertyDescriptor(globalThis, key)!)
  return {
    env: { ...process.env },
    umask: readUmask(),
    cwd: process.cwd(),
    exitCode: process.exitCode,
    maxListeners: process.getMaxListeners(),
    listeners,
    writes: [Object.getOwnPropertyDescriptor(process.stdout, 'write'), Object.getOwnPropertyDescriptor(process.stderr, 'write')],
    globals,
  }
}

/**
 * Globals a built-in module adds for good and cannot be removed (not configurable): the next file
 * finds it as a file of 'shared' does.
 */
const PERMANENT = new Set<string | symbol>([
  Symbol.for('undici.globalDispatcher.1'), // the dispatcher of Node's fetch(), made on its first call
])

const sameDescriptor = (a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined) =>
  a === b || (!!a && !!b && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable)

/** What differs in `now` from `before`, one line each (empty: the same process state). */
export function differences(before: ProcessState, now: ProcessState): string[] {
  const found: string[] = []
  for (const key of new Set([...Object.keys(before.env), ...Object.keys(now.env)])) {
    if (before.env[key] !== now.env[key]) found.push(`process.env.${key}`)
  }
  if (before.umask !== now.umask) found.push('the umask')
  if (before.cwd !== now.cwd) found.push('the cwd')
  if (before.exitCode !== now.exitCode) found.push('process.exitCode')
  if (before.maxListeners !== now.maxListeners) found.push('the max listeners')
  for (const name of new Set([...before.listeners.keys(), ...now.listeners.keys()])) {
    const a = before.listeners.get(name) ?? [], b = now.listeners.get(name) ?? []
    if (a.length !== b.length || a.some((l, i) => l !== b[i])) found.push(`process listeners of '${String(name)}'`)
  }
  if (!sameDescriptor(before.writes[0], now.writes[0])) found.push('process.stdout.write')
  if (!sameDescriptor(before.writes[1], now.writes[1])) found.push('process.stderr.write')
  for (const key of new Set([...before.globals.keys(), ...now.globals.keys()])) {
    if (!before.globals.has(key) && PERMANENT.has(key)) continue
    if (!sameDescriptor(before.globals.get(key), now.globals.get(key))) found.push(`globalThis[${String(key)}]`)
  }
  return found
}

/** Puts `to` back: removes what was added since, restores what was changed or removed. */
export function restore(to: ProcessState): void {
  for (const key of Object.keys(process.env)) if (!(key in to.env)) delete process.env[key]
  for (const [key, value] of Object.entries(to.env)) if (process.env[key] !== value) process.env[key] = value
  process.umask(to.umask)
  if (process.cwd() !== to.cwd) process.chdir(to.cwd)
  process.exitCode = to.exitCode
  process.setMaxListeners(to.maxListeners)
  for (const name of new Set([...process.eventNames(), ...to.listeners.keys()])) {
    const want = to.listeners.get(name) ?? []
    const now = process.rawListeners(name) as Listener[]
    if (now.length === want.length && now.every((l, i) => l === want[i])) continue
    process.removeAllListeners(name)
    for (const listener of want) process.on(name, listener)
  }
  const streams = [process.stdout, process.stderr] as const
  streams.forEach((stream, i) => {
    const descriptor = to.writes[i]
    if (sameDescriptor(Object.getOwnPropertyDescriptor(stream, 'write'), descriptor)) return
    if (descriptor) Object.defineProperty(stream, 'write', descriptor)
    else delete (stream as { write?: unknown }).write
  })
  for (const key of Reflect.ownKeys(globalThis)) {
    if (!to.globals.has(key) && !PERMANENT.has(key)) Reflect.deleteProperty(globalThis, key)
  }
  for (const [key, descriptor] of to.globals) {
    if (!sameDescriptor(Object.getOwnPropertyDescriptor(globalThis, key), descriptor)) Object.defineProperty(globalThis, key, descriptor)
  }
}

