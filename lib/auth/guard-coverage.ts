import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Static half of the role × operation matrix (lib/auth/matrix.test.ts): finds every server action module
 * (app/**\/actions.ts) and route handler (app/api/**\/route.ts) and reports each export that is not built by
 * the guard wrapper. A hand-written `export async function` in an actions file is exactly the bug this catches.
 */
export type EntryKind = 'action' | 'route';
export type Violation = { file: string; name: string; problem: string };

const httpMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function walk(dir: string, out: string[]) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(p, out);
    } else out.push(p);
  }
  return out;
}

/** Repository-relative paths (forward slashes) of every action module and route handler under app/. */
export function discoverEntryModules(root: string): { file: string; kind: EntryKind }[] {
  const files = walk(path.join(root, 'app'), []).map((f) => path.relative(root, f).split(path.sep).join('/'));
  return files
    .flatMap((file): { file: string; kind: EntryKind }[] => {
      if (/(^|\/)actions\.tsx?$/.test(file)) return [{ file, kind: 'action' }];
      if (/^app\/api\/.*\/route\.tsx?$/.test(file)) return [{ file, kind: 'route' }];
      return [];
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

function hasExportModifier(node: ts.Node) {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The exports of one module that need a guard, and any that do not use the expected wrapper. */
export function checkModuleSource(
  file: string,
  source: string,
  kind: EntryKind,
  allowList: ReadonlySet<string> = new Set(),
): { guarded: string[]; violations: Violation[] } {
  const wrapper = kind === 'action' ? 'guardedAction' : 'guardedRoute';
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // apiRoute (lib/api/handler.ts) is guardedRoute plus the agent API's body/idempotency plumbing; a local
  // factory whose every return is `guardedAction(…)` (one action per sign-off role) counts as the wrapper too.
  const wrappers = new Set(kind === 'action' ? [wrapper] : [wrapper, 'apiRoute']);
  for (const st of sf.statements) {
    if (kind !== 'action' || !ts.isFunctionDeclaration(st) || !st.name || !st.body) continue;
    const returns = st.body.statements.filter(ts.isReturnStatement);
    const allWrapped =
      returns.length > 0 &&
      returns.every(
        (r) => r.expression && ts.isCallExpression(r.expression) && ts.isIdentifier(r.expression.expression) && r.expression.expression.text === wrapper,
      );
    if (allWrapped && st.body.statements.length === 1) wrappers.add(st.name.text);
  }
  const guarded: string[] = [];
  const violations: Violation[] = [];
  const needsGuard = (name: string) => (kind === 'action' ? true : httpMethods.has(name));
  const report = (name: string, problem: string) => {
    if (!allowList.has(`${file}#${name}`)) violations.push({ file, name, problem });
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st) && hasExportModifier(st)) {
      for (const d of st.declarationList.declarations) {
        const name = d.name.getText(sf);
        if (!needsGuard(name)) continue;
        const init = d.initializer;
        if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && wrappers.has(init.expression.text)) {
          guarded.push(name);
        } else report(name, `is not created with ${wrapper}(…)`);
      }
    } else if (ts.isFunctionDeclaration(st) && hasExportModifier(st)) {
      const name = st.name?.text ?? 'default';
      if (needsGuard(name)) report(name, `is a plain function; wrap it with ${wrapper}(…)`);
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      report('export {…}', `re-exports cannot be checked; export each entry point as \`export const x = ${wrapper}(…)\``);
    } else if (ts.isExportAssignment(st)) {
      report('default', 'default exports cannot be checked');
    }
  }
  return { guarded, violations };
}
