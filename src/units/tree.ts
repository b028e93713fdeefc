// STUB (owned by the static-verifier helper): replace the body, keep the signature.

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface UnitNode {
  readonly name: string;
  /** Names of the units listed in its `children`, in order. */
  readonly children: readonly string[];
  /** The whole `const Name = unit({...})` statement. */
  readonly range: { readonly start: Position; readonly end: Position };
}

export interface UnitTree {
  /** The `name` given to block({...}), if literal. */
  readonly design: string | undefined;
  /** The root unit's name, from block({ root }). */
  readonly root: string | undefined;
  readonly units: readonly UnitNode[];
}

/** Reads the unit tree of a block file with the compiler API (syntax only: fast, no type check). */
export function readUnitTree(fileName: string, source: string): UnitTree {
  void fileName;
  void source;
  throw new Error('readUnitTree: not implemented yet');
}
