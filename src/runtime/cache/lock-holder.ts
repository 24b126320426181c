/**
 * Who holds a wrap() lock on Redis, in its value: `<host> <pid namespace> <pid> <random>`. A waiter on
 * the same machine and in the same pid namespace can tell a holder that died (SIGKILL, a crash, Ctrl-C
 * during fn) from one still at work, and take the lock at once instead of waiting for it to expire
 * (5 s after its last keep). A holder on another machine, or whose pid was reused, is waited for until the lock expires.
 */
import { readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { crypto } from '../_builtins.js'
import { processGone } from '../lock-file.js'

let self: string | undefined

/** This process, as written into its lock values. */
function holder(): string {
  if (self !== undefined) return self
  let pidNamespace = '-'
  // Linux: containers sharing a hostname have their own pid namespaces (and pids)
  try { pidNamespace = readlinkSync('/proc/self/ns/pid').replace(/\s/g, '') } catch { /* not Linux */ }
  return (self = `${hostname().replace(/\s/g, '') || '-'} ${pidNamespace} ${process.pid}`)
}

/** A fresh lock value: this process plus a random token (two calls in one process never share one). */
export function lockToken(): string {
  return `${holder()} ${crypto().randomBytes(12).toString('hex')}`
}

/** True when `value` is the lock of a process of this machine and pid namespace that is no longer running. */
export function holderIsGone(value: string | null | undefined): boolean {
  if (!value) return false
  const parts = value.split(' ')
  if (parts.length !== 4) return false
  const [host, pidNamespace, pidText] = parts
  const [ownHost, ownNamespace, ownPid] = holder().split(' ')
  if (host !== ownHost || pidNamespace !== ownNamespace || pidNamespace === '-' || pidText === ownPid) return false
  return processGone(Number(pidText))
}
