/**
 * Syntax tree of a Velocity 1.7 template. Every node keeps the offset where it starts in the
 * source so that render errors and lint messages can point at it.
 */

export type Node =
  | TextNode
  | RefNode
  | SetNode
  | IfNode
  | ForeachNode
  | DefineNode
  | BreakNode
  | StopNode
  | UnsupportedNode;

export interface TextNode { kind: 'text'; at: number; value: string }

/** `$ref` / `${ref}` / `$!ref` written in template text. */
export interface RefNode {
  kind: 'ref';
  at: number;
  ref: RefExpr;
  /** Source text of the reference, printed for an escaped reference (`\$x`). */
  literal: string;
  /**
   * Number of backslashes before the `$`. An even count prints half of them and then the value;
   * an odd count prints half of them and the reference text itself (Velocity's escaping).
   */
  backslashes: number;
}

export interface SetNode { kind: 'set'; at: number; target: RefExpr; value: Expr }

export interface IfNode { kind: 'if'; at: number; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[] | null }

export interface ForeachNode { kind: 'foreach'; at: number; variable: string; iterable: Expr; body: Node[] }

/** `#define($name) ... #end`: $name renders the block, evaluated when (and where) it is used. */
export interface DefineNode { kind: 'define'; at: number; name: string; body: Node[] }

export interface BreakNode { kind: 'break'; at: number }
export interface StopNode { kind: 'stop'; at: number }

/**
 * A directive API Gateway does not run: `#macro` definitions (dropped: output nothing) and calls of
 * `#evaluate`, `#parse`, `#include` or a macro (printed as written, like AWS does).
 */
export interface UnsupportedNode { kind: 'unsupported'; at: number; name: string; literal: string; isDefinition: boolean }

export type Expr =
  | RefExpr
  | StringLit
  | InterpolatedString
  | NumberLit
  | BoolLit
  | NullLit
  | ListLit
  | MapLit
  | RangeLit
  | BinaryExpr
  | UnaryExpr;

export type Segment =
  | { kind: 'prop'; at: number; name: string }
  | { kind: 'call'; at: number; name: string; args: Expr[] }
  | { kind: 'index'; at: number; index: Expr };

export interface RefExpr { kind: 'ref'; at: number; name: string; path: Segment[] }
export interface StringLit { kind: 'string'; at: number; value: string }
/** A double-quoted string holding `$` or `#`: rendered like a small template. */
export interface InterpolatedString { kind: 'istring'; at: number; parts: Node[] }
export interface NumberLit { kind: 'number'; at: number; value: number; isDouble: boolean }
export interface BoolLit { kind: 'bool'; at: number; value: boolean }
export interface NullLit { kind: 'null'; at: number }
export interface ListLit { kind: 'list'; at: number; items: Expr[] }
export interface MapLit { kind: 'map'; at: number; entries: { key: Expr; value: Expr }[] }
export interface RangeLit { kind: 'range'; at: number; from: Expr; to: Expr }

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';
export interface BinaryExpr { kind: 'binary'; at: number; op: BinaryOp; left: Expr; right: Expr }
export interface UnaryExpr { kind: 'unary'; at: number; op: '!' | '-'; operand: Expr }

/** The parsed template. */
export interface Template { body: Node[]; source: string }
