// The runtime module behind `import ... from 'blocksmith/gab'` (types: contract.d.ts).
export { unit, block } from './define';
export { ops } from './ops';
export type * from './contract';
