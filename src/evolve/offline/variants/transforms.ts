// Edits of an existing unit's own text, not replacements: the positional scheme (rotary base
// change, rotary removed) and the activation of an MLP's gate. Each returns undefined when it
// does not apply to the unit.
import ts from 'typescript';
import { parseBlock } from '../../../units/tree';
import { applyEdits } from '../source';
import { pick } from './types';

export interface TransformResult {
  readonly text: string;
  readonly tag: string;
  readonly summary: string;
}

export interface Transform {
  readonly id: string;
  readonly family: string;
  apply(unitText: string, rng: () => number): TransformResult | undefined;
}

function opsCalls(text: string, op: string): { sf: ts.SourceFile; calls: ts.CallExpression[] } {
  const sf = parseBlock('unit.ts', text);
  const calls: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      ts.isIdentifier(n.expression.expression) &&
      n.expression.expression.text === 'ops' &&
      n.expression.name.text === op
    ) {
      calls.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { sf, calls };
}

const rotaryBase: Transform = {
  id: 'rotary-base',
  family: 'position',
  apply(text, rng) {
    const { calls } = opsCalls(text, 'rotary');
    if (calls.length === 0) {
      return undefined;
    }
    const base = pick(rng, [100, 1000, 50000, 500000]);
    const edits = calls.map((call) => {
      const first = call.arguments.at(0);
      return { start: first?.end ?? call.end, end: call.arguments.end, text: `, ${base}` };
    });
    return {
      text: applyEdits(text, edits),
      tag: `rotary-base-${base}`,
      summary: `changes the rotary frequency base to ${base}: ${base < 10000 ? 'faster-turning angles that favour local position resolution' : 'slower-turning angles that keep distant positions distinguishable'}`,
    };
  },
};

const noPositions: Transform = {
  id: 'no-positions',
  family: 'position',
  apply(text) {
    const { sf, calls } = opsCalls(text, 'rotary');
    const edits = calls.flatMap((call) => {
      const first = call.arguments.at(0);
      return first ? [{ start: call.getStart(sf), end: call.end, text: first.getText(sf) }] : [];
    });
    if (edits.length === 0) {
      return undefined;
    }
    return {
      text: applyEdits(text, edits),
      tag: 'nope',
      summary:
        'removes rotary positions (NoPE): the causal mask alone carries order, which some studies find extrapolates better',
    };
  },
};

const ACTS = ['silu', 'gelu', 'sigmoid'];

const swapActivation: Transform = {
  id: 'swap-activation',
  family: 'gate',
  apply(text, rng) {
    const from = ACTS.find((a) => opsCalls(text, a).calls.length > 0);
    if (from === undefined) {
      return undefined;
    }
    const to = pick(
      rng,
      ACTS.filter((a) => a !== from),
    );
    const { sf, calls } = opsCalls(text, from);
    const call = calls.at(0);
    if (call === undefined || !ts.isPropertyAccessExpression(call.expression)) {
      return undefined;
    }
    const nameNode = call.expression.name;
    return {
      text: applyEdits(text, [{ start: nameNode.getStart(sf), end: nameNode.end, text: to }]),
      tag: `act-${from}-to-${to}`,
      summary: `swaps the first ${from} activation for ${to}, changing the shape of the gate's non-linearity`,
    };
  },
};

export const TRANSFORMS: readonly Transform[] = [rotaryBase, noPositions, swapActivation];
