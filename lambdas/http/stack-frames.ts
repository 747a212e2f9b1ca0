/**
 * Readable stack frames in a deployed function without `--enable-source-maps` (ADR 0021). Node
 * reads and parses a bundle's source map when it loads the bundle if that flag is set: 7–17 % of
 * every cold start, for the few errors whose stack is ever written. Instead every edge (HTTP, task,
 * batch) installs an `Error.prepareStackTrace` hook at import that costs nothing until a stack is
 * formatted: the first stack with a frame in this bundle reads `index.mjs.map` beside it and parses
 * it (node:module's SourceMap), once per process; each frame of the bundle then names its original
 * file (project-relative: `lambdas/…`, `node_modules/…`), line, column and function, in the lines
 * Node writes with `--enable-source-maps`. Whatever formats the stack gets them: the 500 log
 * (middlewares.ts), Powertools Logger, the Lambda runtime's "Invoke Error" line.
 *
 * A stack without a frame of the bundle is formatted exactly as before (the hook hands it to the
 * formatter it replaced), and so is one whose map is missing or unreadable; the hook never throws.
 * TypeScript run from source (tsx for the local stack, vitest) is mapped by its runner: nothing is
 * installed there, nor when Node maps stacks itself (`--enable-source-maps`).
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { fileURLToPath } from 'node:url';

type CallSite = NodeJS.CallSite;
type Formatter = (error: Error, trace: CallSite[]) => unknown;
/** What SourceMap.findEntry answers: an empty object where the map has no entry (`name` is untyped in @types/node). */
type MapEntry = Partial<SourceMapping & { name: string }>;

/** This file's path in the project: its entry among a map's sources tells where the project root is. */
const THIS_FILE = 'lambdas/http/stack-frames.ts';

/** A bundle's parsed map and the prefix of its sources that leads from the bundle to the project root. */
interface BundleMap {
  map: SourceMap;
  projectRoot: string;
}

/** How V8 writes a stack when nothing replaces it (Node's default formatter, if it were absent). */
const v8Format: Formatter = (error, trace) =>
  [Error.prototype.toString.call(error), ...trace.map((site) => `    at ${site}`)].join('\n');

/** The bundles whose frames are mapped (one per process in Lambda). */
const installed = new Set<string>();

/**
 * Maps the frames of the bundle at `bundleUrl` (this module's own file once bundled) in every stack
 * formatted from now on. Idempotent; does nothing for a module run from TypeScript source or when
 * Node already maps stacks.
 */
export function mapBundleStackFrames(bundleUrl: string = import.meta.url): void {
  if (
    installed.has(bundleUrl) ||
    process.sourceMapsEnabled ||
    /\.[cm]?tsx?$/.test(new URL(bundleUrl).pathname)
  )
    return;
  installed.add(bundleUrl);
  const previous: Formatter = Error.prepareStackTrace ?? v8Format;
  let bundleMap: BundleMap | null | undefined;
  let formatting = false;
  Error.prepareStackTrace = (error, trace) => {
    if (formatting) return previous(error, trace);
    formatting = true;
    try {
      // Inside the try: a caller may hand the hook something other than V8's call sites.
      if (!trace.some((site) => site.getFileName() === bundleUrl)) return previous(error, trace);
      if (bundleMap === undefined) bundleMap = readBundleMap(bundleUrl);
      if (!bundleMap) return previous(error, trace);
      const map = bundleMap;
      const frames = trace.map((site, i) => {
        const mapped = site.getFileName() === bundleUrl ? mappedFrame(map, site, trace[i + 1]) : undefined;
        return `\n    at ${mapped ?? site}`;
      });
      return `${previous(error, [])}${frames.join('')}`;
    } catch {
      return previous(error, trace);
    } finally {
      formatting = false;
    }
  };
}

/** The bundle's `<file>.map` (esbuild's and NodejsFunction's name for it), or null when it cannot be used. */
function readBundleMap(bundleUrl: string): BundleMap | null {
  try {
    const payload = JSON.parse(readFileSync(`${fileURLToPath(bundleUrl)}.map`, 'utf8')) as SourceMapPayload;
    if (!Array.isArray(payload.sources) || typeof payload.mappings !== 'string') return null;
    const self = payload.sources.find((source) => source === THIS_FILE || source.endsWith(`/${THIS_FILE}`));
    return { map: new SourceMap(payload), projectRoot: self?.slice(0, -THIS_FILE.length) ?? '' };
  } catch {
    return null;
  }
}

/** A source's path from the project root (esbuild writes it relative to the bundle's directory). */
function projectPath(source: string, projectRoot: string): string {
  if (projectRoot && source.startsWith(projectRoot)) return source.slice(projectRoot.length);
  return source.replace(/^(?:\.\.?\/)+/, '');
}

/**
 * One frame of the bundle in its original source, written as Node's `--enable-source-maps` writes it
 * (lib/internal/source_map/prepare_stack_trace.js): the function's original name from the map where
 * it has one; undefined when the map has no entry for the position.
 */
function mappedFrame({ map, projectRoot }: BundleMap, site: CallSite, caller: CallSite | undefined) {
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (line === null || column === null) return undefined;
  const { originalSource, originalLine, originalColumn } = entryAt(map, line, column);
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined)
    return undefined;
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const typeName = site.getTypeName();
  const namePrefix = typeName !== null && typeName !== 'global' ? `${typeName}.` : '';
  const name =
    originalName(map, site, caller) || (site.getFunctionName() ?? site.getMethodName()) || '<anonymous>';
  const location = `${projectPath(originalSource, projectRoot)}:${originalLine + 1}:${originalColumn + 1}`;
  return `${prefix}${namePrefix}${name} (${location})`;
}

/** The map's entry for a 1-based position of the bundle. */
const entryAt = (map: SourceMap, line: number, column: number): MapEntry =>
  map.findEntry(line - 1, column - 1);

/** The name the map gives the enclosing function, else the name at the caller's call site in the bundle. */
function originalName(map: SourceMap, site: CallSite, caller: CallSite | undefined): string | undefined {
  const enclosingLine = site.getEnclosingLineNumber();
  const enclosingColumn = site.getEnclosingColumnNumber();
  const enclosing =
    enclosingLine && enclosingColumn ? entryAt(map, enclosingLine, enclosingColumn).name : undefined;
  if (enclosing) return enclosing;
  const callerLine = caller?.getLineNumber();
  const callerColumn = caller?.getColumnNumber();
  if (caller?.getFileName() !== site.getFileName() || !callerLine || !callerColumn) return undefined;
  return entryAt(map, callerLine, callerColumn).name;
}
