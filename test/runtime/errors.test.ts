/**
 * The '[unperf] ' prefix: unperf's errors carry it once, and a message of unperf's own that names
 * one of them (a warning, a wrapping error) does not repeat it.
 */
import { expect, it } from 'vitest'
import { ConfigError, MissingDependencyError, PluginError, TimeoutError, configIssue, errorMessage, thrownMessage } from '../../src/errors.js'

it('errorMessage: the message without the prefix of unperf\'s errors; other messages and values as they are', () => {
  expect(errorMessage(new TimeoutError('redis cache tier', 250))).toBe('redis cache tier timed out after 250ms')
  expect(errorMessage(new TypeError('[unperf] cache keys are strings, got number'))).toBe('cache keys are strings, got number')
  expect(errorMessage(new ConfigError([configIssue('perf.config.json', 'cache.ttl', 'a duration', 'lots')])))
    .toBe("invalid config:\n  - perf.config.json: cache.ttl: expected a duration, got 'lots'")
  expect(errorMessage(new Error('boom'))).toBe('boom')
  expect(errorMessage(new Error('not [unperf] at the start'))).toBe('not [unperf] at the start')
  expect(errorMessage(new Error('[unperf]no space'))).toBe('[unperf]no space')
  expect(errorMessage('[unperf] a string thrown')).toBe('a string thrown')
  expect(errorMessage(42)).toBe('42')
  expect(errorMessage(undefined)).toBe('undefined thrown (not an Error)')
})

it('thrownMessage: the message as thrown, prefix kept', () => {
  expect(thrownMessage(new TimeoutError('x', 1))).toBe('[unperf] x timed out after 1ms')
  expect(thrownMessage(new Error('boom'))).toBe('boom')
  expect(thrownMessage(42)).toBe('42')
  // not an Error: a message it carries, else what it is and its code, never its values
  expect(thrownMessage({ message: 'from another realm' })).toBe('from another realm')
  expect(thrownMessage({ code: 'EX', token: 'ghp_secret' })).toBe("an object thrown (not an Error), code 'EX'")
  expect(thrownMessage(new (class Oops {})())).toBe('an instance of Oops thrown (not an Error)')
  expect(thrownMessage(null)).toBe('null thrown (not an Error)')
  expect(thrownMessage(new Proxy({}, { get() { throw new Error('trap') } }))).toBe('an object thrown (not an Error)')
  // an Error with no message read as '' ("failed in hook 'report': " and nothing): its class and where it was made
  expect(thrownMessage(new Error())).toMatch(/^Error with no message \(made at .*errors\.test\.ts:\d+:\d+\)$/)
  expect(thrownMessage(new (class AbortedError extends Error { override name = 'AbortedError' })())).toMatch(/^AbortedError with no message \(made at /)
  expect(thrownMessage(Object.assign(new Error(''), { stack: undefined }))).toBe('Error with no message')
})

it('a PluginError names its cause without the cause\'s own prefix', () => {
  const cause = new MissingDependencyError('ioredis', "cache.driver 'redis'")
  const error = new PluginError('acme', 'setup', cause)
  expect(error.message).toBe("[unperf] plugin 'acme' failed in setup: cache.driver 'redis' needs the package 'ioredis': install it (npm i ioredis) or remove cache.driver 'redis' from perf.config")
  expect(error.cause).toBe(cause)
  expect(new PluginError('acme', "hook 'command:before'", 'a string').message).toBe("[unperf] plugin 'acme' failed in hook 'command:before': a string")
})
