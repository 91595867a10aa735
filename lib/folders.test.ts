import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

/**
 * No folder loops in lib/: if a module in lib/a imports from lib/b, nothing in lib/b may reach back into lib/a,
 * directly or through other folders. Page loaders that read several domains live above them in lib/pages; the
 * database infrastructure (lib/db) reaches its observer through lib/db/observer.ts, never lib/observability.
 *
 * Edges are runtime imports of non-test source: `import type` is left out (a type is vocabulary, erased at run
 * time — lib/audit/log.ts names the `Actor` of lib/auth/actor.ts while lib/auth/guards.ts writes audit rows).
 */
const libDir = path.resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Specifiers a file imports at run time: static imports and re-exports that are not type-only, and import(). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = c && (c.isTypeOnly || (!c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** lib/<folder> of a file or import target, or null outside lib/ or for lib's top-level modules (lib/env.ts…). */
function folderOf(target: string): string | null {
  const rel = path.relative(libDir, target);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : null;
}

function folderGraph() {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(libDir)) {
    const from = folderOf(file);
    if (!from) continue;
    for (const spec of runtimeImports(file)) {
      const target = spec.startsWith('@/lib/')
        ? path.join(libDir, spec.slice('@/lib/'.length))
        : spec.startsWith('.')
          ? path.resolve(path.dirname(file), spec)
          : null;
      const to = target && (fs.existsSync(target) && fs.statSync(target).isDirectory() ? folderOf(path.join(target, 'index.ts')) : folderOf(target));
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, `${path.relative(libDir, file)} imports ${spec}`);
    }
  }
  return edges;
}

/** Every loop as the chain of imports that makes it (Tarjan's strongly connected components). */
function folderLoops(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const loops: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) {
        const inLoop = new Set(component);
        loops.push(component.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => inLoop.has(b)).map(([, why]) => why)));
      }
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return loops;
}

it('has no import loop between lib/ folders', () => {
  expect(folderLoops(folderGraph())).toEqual([]);
});

it('finds a loop when there is one (the check is not vacuous)', () => {
  const edges = folderGraph();
  expect(edges.get('observability')?.has('db')).toBe(true);
  const looped = new Map(edges);
  looped.set('db', new Map([...(edges.get('db') ?? []), ['observability', 'db/client.ts imports @/lib/observability/monitor']]));
  expect(folderLoops(looped)).toEqual([expect.arrayContaining(['db/client.ts imports @/lib/observability/monitor'])]);
});

it('keeps lib/db to infrastructure: it imports no domain, seed or observability folder', () => {
  const fromDb = [...(folderGraph().get('db')?.keys() ?? [])];
  expect(fromDb).toEqual([]);
});

it('never calls back up: nothing in lib/ (outside the test helpers) imports from app/', () => {
  const up = sourceFiles(libDir).flatMap((file) =>
    runtimeImports(file)
      .filter((spec) => spec.startsWith('@/app/') || spec.startsWith('@/components/'))
      .map((spec) => `${path.relative(libDir, file)} imports ${spec}`),
  );
  expect(up).toEqual([]);
});
