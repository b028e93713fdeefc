// static/host-read: block code never reads tensor values on the host. Methods that download
// values are matched by member name (so `(x as any).dataSync()` is caught); string conversions
// are caught where the checker sees a Tensor (template literals, String(x), x.toString()).
import { TENSOR_READ_METHODS } from '../../../gab/host-reads';
import ts from 'typescript';
import { walkValues, type Finding, type Rule, type RuleContext } from '../rule';
import { CONTRACT_PATH } from '../service';

/** tfjs Tensor methods that read values back from the backend. */
const READ_MEMBERS: ReadonlySet<string> = new Set(TENSOR_READ_METHODS);
/** Conversions that read values when called on a tensor (fine on numbers and strings). */
const CONVERSIONS: ReadonlySet<string> = new Set([
  'toString',
  'toLocaleString',
  'valueOf',
  'toJSON',
]);

const HINT =
  'blocks must not read tensor values on the host (it breaks tracing and costs a device sync); keep the computation in ops and branch only on shapes and hyperparameters';

function isTensor(ctx: RuleContext, expr: ts.Expression, anyCounts: boolean): boolean {
  const type = ctx.checker.getTypeAtLocation(expr);
  if ((type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0) {
    return anyCounts;
  }
  const sym = type.getSymbol() ?? type.aliasSymbol;
  return (
    sym?.getName() === 'Tensor' &&
    (sym.declarations ?? []).some((d) => d.getSourceFile().fileName === CONTRACT_PATH)
  );
}

function memberFinding(ctx: RuleContext, node: ts.PropertyAccessExpression): Finding | undefined {
  const name = node.name.text;
  if (READ_MEMBERS.has(name)) {
    return ctx.at(node.name, `\`.${name}\` reads tensor values: ${HINT}`);
  }
  if (CONVERSIONS.has(name) && isTensor(ctx, node.expression, true)) {
    return ctx.at(node.name, `\`.${name}()\` on a tensor reads its values: ${HINT}`);
  }
  return undefined;
}

/** The literal member name of x[k] (k a literal, or a const of a literal type), if any. */
function keyName(ctx: RuleContext, key: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(key)) {
    return key.text;
  }
  const type = ctx.checker.getTypeAtLocation(key);
  return type.isStringLiteral() ? type.value : undefined;
}

/** `const { dataSync } = x as any` reads like `x.dataSync`. */
function bindingFinding(ctx: RuleContext, el: ts.BindingElement): Finding | undefined {
  const key = el.propertyName ?? el.name;
  const name =
    ts.isIdentifier(key) || ts.isStringLiteralLike(key)
      ? key.text
      : ts.isComputedPropertyName(key)
        ? keyName(ctx, key.expression)
        : undefined;
  return ts.isObjectBindingPattern(el.parent) && name !== undefined && READ_MEMBERS.has(name)
    ? ctx.at(key, `destructuring \`${name}\` reads tensor values: ${HINT}`)
    : undefined;
}

function conversionFinding(ctx: RuleContext, node: ts.Node): Finding | undefined {
  if (ts.isBindingElement(node)) {
    return bindingFinding(ctx, node);
  }
  if (ts.isElementAccessExpression(node)) {
    const name = keyName(ctx, node.argumentExpression);
    return name !== undefined && READ_MEMBERS.has(name)
      ? ctx.at(node.argumentExpression, `\`['${name}']\` reads tensor values: ${HINT}`)
      : undefined;
  }
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
    (isTensor(ctx, node.left, false) || isTensor(ctx, node.right, false))
  ) {
    return ctx.at(node, `\`+\` on a tensor converts it to text, reading its values: ${HINT}`);
  }
  if (ts.isTemplateSpan(node) && isTensor(ctx, node.expression, false)) {
    return ctx.at(
      node.expression,
      `a tensor in a template literal is converted to text, reading its values: ${HINT}`,
    );
  }
  const arg = ts.isCallExpression(node) ? node.arguments.at(0) : undefined;
  if (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    ['String', 'Number', 'Boolean'].includes(node.expression.text) &&
    arg !== undefined &&
    isTensor(ctx, arg, false)
  ) {
    return ctx.at(node, `${node.expression.text}(tensor) reads its values: ${HINT}`);
  }
  return undefined;
}

export const hostReadRule: Rule = {
  id: 'static/host-read',
  severity: 'error',
  description: 'no tensor values are read on the host (dataSync, data, array, print, conversions)',
  run: (ctx) => {
    const out: Finding[] = [];
    walkValues(ctx.sourceFile, (node) => {
      const f = ts.isPropertyAccessExpression(node)
        ? memberFinding(ctx, node)
        : conversionFinding(ctx, node);
      if (f !== undefined) {
        out.push(f);
      }
    });
    return out;
  },
};
