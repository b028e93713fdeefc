// static/forbidden-import: the only module a block may reach is 'blocksmith/gab', in every import
// form: import/export ... from, import x = require(), import(), require(), import types,
// import.meta and triple-slash references (which would pull host typings into the program).
import ts from 'typescript';
import type { Finding, Rule, RuleContext } from '../rule';
import { GAB_MODULE } from '../service';

const ONLY = `block files may import only '${GAB_MODULE}'`;

function specifierFinding(ctx: RuleContext, spec: ts.Expression): Finding | undefined {
  if (ts.isStringLiteral(spec) && spec.text === GAB_MODULE) {
    return undefined;
  }
  const what = ts.isStringLiteral(spec) ? `'${spec.text}'` : 'a computed module';
  return ctx.at(spec, `import of ${what}: ${ONLY}; remove it and use the contract's ops`);
}

function nodeFinding(ctx: RuleContext, node: ts.Node): Finding | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
    return specifierFinding(ctx, node.moduleSpecifier);
  }
  if (ts.isExternalModuleReference(node)) {
    return specifierFinding(ctx, node.expression);
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    return ctx.at(node, `dynamic import(): ${ONLY}, statically; remove it`);
  }
  if (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'require'
  ) {
    return ctx.at(node, `require(): ${ONLY}, with an import declaration; remove it`);
  }
  if (ts.isImportTypeNode(node)) {
    return ctx.at(node, `import type expression: ${ONLY}; remove it`);
  }
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
    return ctx.at(node, `import.meta: ${ONLY} and cannot see the host module system; remove it`);
  }
  return undefined;
}

function referenceFindings(ctx: RuleContext): Finding[] {
  const sf = ctx.sourceFile;
  const refs = [...sf.referencedFiles, ...sf.typeReferenceDirectives, ...sf.libReferenceDirectives];
  return refs.map((r) => ({
    range: ctx.rangeOf(r.pos, r.end),
    message: `triple-slash reference to '${r.fileName}': ${ONLY}; remove the /// directive`,
  }));
}

export const forbiddenImportRule: Rule = {
  id: 'static/forbidden-import',
  severity: 'error',
  description: `every import is from '${GAB_MODULE}' (no require, import(), export-from or /// references)`,
  run: (ctx) => {
    const out = referenceFindings(ctx);
    const go = (node: ts.Node): void => {
      const f = nodeFinding(ctx, node);
      if (f !== undefined) {
        out.push(f);
      }
      ts.forEachChild(node, go);
    };
    ts.forEachChild(ctx.sourceFile, go);
    return out.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  },
};
