// Types of scripts/schema-docs.mjs, for test/config/schema.test.ts.
import type ts from 'typescript'

export interface KeyDoc { description: string; markdownDescription: string; default?: unknown }
export function configTypes(): { checker: ts.TypeChecker; rootType: ts.Type }
export function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): KeyDoc | undefined
export function defaultValue(text: string): unknown
export function membersOf(type: ts.Type, checker: ts.TypeChecker): ts.Type[]
export function objectTypes(members: ts.Type[], checker: ts.TypeChecker): ts.Type[]
export function driverOf(member: ts.Type, checker: ts.TypeChecker): string | undefined
export function keyDoc(members: ts.Type[], key: string, checker: ts.TypeChecker): KeyDoc | undefined
export function annotate<S extends object>(schema: S, types: { checker: ts.TypeChecker; rootType: ts.Type }): S
