/**
 * A small declarative description of the message subsets. One description drives the parser,
 * the builder, the model types (inferred, so they cannot drift) and the test data generators.
 * Element order, cardinality and facets are copied from the official XSDs; the tests check every
 * built document against those XSDs.
 */

/** Why a value was refused: `schema` when the XSD refuses it too, `field` for scheme rules on top. */
export type FaultKind = 'schema' | 'field';

export class Fault extends Error {
  readonly kind: FaultKind;
  constructor(message: string, kind: FaultKind = 'schema') {
    super(message);
    this.kind = kind;
  }
}

/** An XSD simple type: how its text maps to a model value and back. */
export interface SimpleType<T> {
  /** ISO type name (e.g. `Max35Text`); the test generators are keyed by it. */
  readonly name: string;
  /** xs:whiteSpace collapse (dates, numbers, booleans): surrounding XML whitespace is ignored. */
  readonly collapse: boolean;
  /** Text → value; throws Fault. */
  decode(text: string): T;
  /** Checks a model value; throws Fault. */
  check(value: unknown): T;
  /** Value (already checked) → text. */
  encode(value: T): string;
}

export interface TextNode<T> {
  readonly kind: 'text';
  readonly type: SimpleType<T>;
}

/** `<X Ccy="KZT">1500.00</X>` ↔ `{ amount: 150000n, ccy: 'KZT' }`. */
export interface AmountNode {
  readonly kind: 'amount';
  readonly name: string;
}

export interface SeqNode<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly kind: 'seq';
  readonly name: string;
  readonly fields: F;
  readonly byTag: ReadonlyMap<string, number>;
  readonly byKey: ReadonlyMap<string, number>;
}

export interface ChoiceNode<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly kind: 'choice';
  readonly name: string;
  readonly fields: F;
  readonly byTag: ReadonlyMap<string, number>;
  readonly byKey: ReadonlyMap<string, number>;
}

// biome-ignore lint/suspicious/noExplicitAny: the value type is erased where nodes are mixed
export type Node = TextNode<any> | AmountNode | SeqNode | ChoiceNode;

export interface Field<
  K extends string = string,
  N extends Node = Node,
  R extends boolean = boolean,
  L extends boolean = boolean,
> {
  readonly tag: string;
  readonly key: K;
  readonly node: N;
  /** At least one occurrence. */
  readonly required: R;
  /** Repeatable: the model holds an array. */
  readonly list: L;
  readonly min: number;
  readonly max: number;
}

export type AnyField = Field<string, Node, boolean, boolean>;

export interface Amount {
  /** Minor units of `ccy` (tiyn for KZT). */
  amount: bigint;
  ccy: string;
}

// ---- model types inferred from the description ----

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ValueOf<N> =
  N extends TextNode<infer T>
    ? T
    : N extends AmountNode
      ? Amount
      : N extends SeqNode<infer F>
        ? SeqValue<F>
        : N extends ChoiceNode<infer F>
          ? ChoiceValue<F>
          : never;

type FieldValue<F> =
  F extends Field<string, infer N, boolean, infer L> ? (L extends true ? ValueOf<N>[] : ValueOf<N>) : never;

type SeqValue<F extends readonly AnyField[]> = Simplify<
  { [P in F[number] as P extends Field<infer K, Node, true> ? K : never]: FieldValue<P> } & {
    [P in F[number] as P extends Field<infer K, Node, false> ? K : never]?: FieldValue<P>;
  }
>;

/** A choice is an object with exactly one of its keys. */
type ChoiceValue<F extends readonly AnyField[]> = F[number] extends infer P
  ? P extends Field<infer K>
    ? { [Q in K]: FieldValue<P> }
    : never
  : never;

// ---- ISO tag → model key ----

type Upper =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F'
  | 'G'
  | 'H'
  | 'I'
  | 'J'
  | 'K'
  | 'L'
  | 'M'
  | 'N'
  | 'O'
  | 'P'
  | 'Q'
  | 'R'
  | 'S'
  | 'T'
  | 'U'
  | 'V'
  | 'W'
  | 'X'
  | 'Y'
  | 'Z';

type LowerRun<S extends string> = S extends `${infer A extends Upper}${infer B}${infer R}`
  ? B extends Upper
    ? `${Lowercase<A>}${LowerRun<`${B}${R}`>}`
    : S
  : S extends Upper
    ? Lowercase<S>
    : S;

/** `MsgId` → `msgId`, `BICFI` → `bicfi`, `FIToFICstmrCdtTrf` → `fiToFICstmrCdtTrf`. */
export type Camel<S extends string> = S extends `${infer A}${infer R}` ? `${Lowercase<A>}${LowerRun<R>}` : S;

/** Runtime twin of `Camel`: lower-case the leading capitals, except one that starts the next word. */
export function camel(tag: string): string {
  let k = 1;
  while (k < tag.length && isUpper(tag[k]!) && (k + 1 >= tag.length || isUpper(tag[k + 1]!))) k++;
  return tag.slice(0, k).toLowerCase() + tag.slice(k);
}

function isUpper(c: string): boolean {
  return c >= 'A' && c <= 'Z';
}

// ---- constructors ----

// biome-ignore lint/suspicious/noExplicitAny: see Node
type NodeLike = Node | SimpleType<any>;
type AsNode<X> = X extends SimpleType<infer T> ? TextNode<T> : X;

function toNode(x: NodeLike): Node {
  return 'kind' in x ? x : { kind: 'text', type: x };
}

function field(tag: string, x: NodeLike, min: number, max: number, list: boolean): AnyField {
  return { tag, key: camel(tag), node: toNode(x), required: min > 0, list, min, max };
}

/** Exactly one occurrence. */
export function one<const T extends string, X extends NodeLike>(tag: T, x: X): Field<Camel<T>, AsNode<X>, true, false> {
  return field(tag, x, 1, 1, false) as Field<Camel<T>, AsNode<X>, true, false>;
}

/** Zero or one occurrence. */
export function opt<const T extends string, X extends NodeLike>(
  tag: T,
  x: X,
): Field<Camel<T>, AsNode<X>, false, false> {
  return field(tag, x, 0, 1, false) as Field<Camel<T>, AsNode<X>, false, false>;
}

/** Zero to `max` occurrences. */
export function many<const T extends string, X extends NodeLike>(
  tag: T,
  x: X,
  max = Number.POSITIVE_INFINITY,
): Field<Camel<T>, AsNode<X>, false, true> {
  return field(tag, x, 0, max, true) as Field<Camel<T>, AsNode<X>, false, true>;
}

/** One to `max` occurrences. */
export function some<const T extends string, X extends NodeLike>(
  tag: T,
  x: X,
  max = Number.POSITIVE_INFINITY,
): Field<Camel<T>, AsNode<X>, true, true> {
  return field(tag, x, 1, max, true) as Field<Camel<T>, AsNode<X>, true, true>;
}

function index(fields: readonly AnyField[]): { byTag: Map<string, number>; byKey: Map<string, number> } {
  const byTag = new Map<string, number>();
  const byKey = new Map<string, number>();
  fields.forEach((f, i) => {
    if (byTag.has(f.tag)) throw new Error(`duplicate tag ${f.tag}`);
    byTag.set(f.tag, i);
    byKey.set(f.key, i);
  });
  return { byTag, byKey };
}

/** xs:sequence: children in this order. `name` is the ISO complex type, for messages and docs. */
export function seq<const F extends readonly AnyField[]>(name: string, fields: F): SeqNode<F> {
  return { kind: 'seq', name, fields, ...index(fields) };
}

/** xs:choice: exactly one of the children. */
export function choice<const F extends readonly AnyField[]>(name: string, fields: F): ChoiceNode<F> {
  for (const f of fields) if (f.min !== 1 || f.max !== 1) throw new Error(`choice ${name}: ${f.tag} must be one()`);
  return { kind: 'choice', name, fields, ...index(fields) };
}

export function amount(name: string): AmountNode {
  return { kind: 'amount', name };
}
