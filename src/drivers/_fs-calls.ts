/**
 * The fs tier's thread-pool calls as promises: the callback APIs (fs/promises adds a FileHandle
 * object and more promises per call), and the quiet unlink of temp files and asides.
 */
import * as fs from 'node:fs'
import { renameRetrying } from '../runtime/rename-retry.js'

export function open(path: string, flags: string | number, mode?: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, mode, (error, fd) => (error ? reject(error) : resolve(fd))))
}

export function read(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (error, n) => (error ? reject(error) : resolve(n))))
}

export function fstat(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (error, st) => (error ? reject(error) : resolve(st))))
}

export function close(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, error => (error ? reject(error) : resolve())))
}

export function rename(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.rename(from, to, error => (error ? reject(error) : resolve())))
}

/** rename() of a temp file over its target (an atomic write's last step): on Windows retried while a scanner holds the file (rename-retry.ts). */
export function renameOver(from: string, to: string): Promise<void> {
  return process.platform === 'win32' ? renameRetrying(from, to) : rename(from, to)
}

/** rename() of a file to a name of the caller's own (a cache entry aside): retried on Windows as renameOver; ENOENT at once (rename-over.ts renameClaimSync). */
export const renameClaim = renameOver

export function unlink(path: string): Promise<void> {
  return new Promise((resolve, reject) => fs.unlink(path, error => (error ? reject(error) : resolve())))
}

/** A second name for `from`; never replaces `to` (EEXIST), unlike rename. */
export function link(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.link(from, to, error => (error ? reject(error) : resolve())))
}

export function writev(fd: number, parts: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, parts, position, (error, n) => (error ? reject(error) : resolve(n))))
}

export const ignore = () => {}

/** unlink that ignores every error (a temp file or an aside that may be gone). */
export function unlinkQuiet(path: string): void {
  try { fs.unlinkSync(path) } catch { /* gone, or not ours to remove */ }
}

