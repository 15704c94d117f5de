/** @module policy/input-shape — which parts of `input` a compiled policy can read, from its OPA plan (IR). */

/**
 * The parts of the input a policy reads. `true`: the whole value (every byte may matter). An object: only
 * these keys of an object value matter (each with its own shape), and `items` the elements of an array value
 * the policy iterates; any other value (scalar, or an array not iterated) is kept whole.
 */
export type InputShape = true | { keys: Record<string, InputShape>; items?: InputShape };

interface Operand {
  type: string;
  value: unknown;
}
interface Stmt {
  type: string;
  stmt: Record<string, unknown>;
}
interface Block {
  stmts: Stmt[];
}
interface Func {
  name: string;
  params: number[];
  return: number;
  blocks: Block[];
}
/** The parts of `opa build -t plan`'s plan.json this analysis reads. */
export interface OpaPlan {
  static?: { strings?: { value: string }[] };
  plans?: { plans?: { name: string; blocks: Block[] }[] };
  funcs?: { funcs?: Func[] | null };
}

class Node {
  whole = false;
  readonly keys = new Map<string, Node>();
  items: Node | undefined;
}

/** Statements that move no input value anywhere (their local operands are never input-derived values used). */
const INERT = new Set([
  'MakeSetStmt', 'MakeObjectStmt', 'MakeArrayStmt', 'MakeNullStmt', 'MakeNumberIntStmt', 'MakeNumberRefStmt',
  'BreakStmt', 'NopStmt',
  // Definedness and type tests: a pruned object or array keeps its definedness and type.
  'IsDefinedStmt', 'IsUndefinedStmt', 'IsArrayStmt', 'IsObjectStmt', 'IsSetStmt',
]);
/** Statements whose operands, when input-derived, are used as whole values. */
const WHOLE_OPERANDS: Record<string, string[]> = {
  ArrayAppendStmt: ['value'],
  ObjectInsertStmt: ['key', 'value'],
  ObjectInsertOnceStmt: ['key', 'value'],
  SetAddStmt: ['value'],
  ResultSetAddStmt: ['value'],
  ObjectMergeStmt: ['a', 'b'],
  LenStmt: ['source'],
};
/** Fields naming a local that a statement assigns or mutates. */
const WRITTEN_FIELDS = ['target', 'result', 'array', 'object', 'set'];
/** Statements that (re)set their target local to something no input node aliases. */
const WRITES_NOTHING_TRACKED = new Set([
  'MakeSetStmt', 'MakeObjectStmt', 'MakeArrayStmt', 'MakeNullStmt', 'MakeNumberIntStmt', 'MakeNumberRefStmt',
  'ResetLocalStmt', 'AssignIntStmt',
]);
const MAKES_SCALAR = new Set(['MakeNullStmt', 'MakeNumberIntStmt', 'MakeNumberRefStmt']);

class Bail extends Error {}

/** Does `stmt` (or a statement nested in it) write local `local`? */
function writes(stmt: Stmt, local: number): boolean {
  const s = stmt.stmt;
  if (WRITTEN_FIELDS.some((field) => s[field] === local)) return true;
  if (stmt.type === 'ScanStmt' && (s.key === local || s.value === local)) return true;
  const nested = [s.block, s.else, ...((s.blocks as Block[] | undefined) ?? [])] as (Block | undefined)[];
  return nested.some((b) => b?.stmts.some((inner) => writes(inner, local)));
}

/** Is operand `op`, used by stmts[at], certainly a scalar constant (a literal, or a local just made from one)? */
function isScalarConstant(op: Operand, stmts: Stmt[], at: number): boolean {
  if (op.type === 'bool' || op.type === 'string_index' || op.type === 'number') return true;
  if (op.type !== 'local') return false;
  for (let j = at - 1; j >= 0; j--) {
    const stmt = stmts[j]!;
    if (!writes(stmt, op.value as number)) continue;
    return MAKES_SCALAR.has(stmt.type) && stmt.stmt.target === op.value;
  }
  return false;
}

type Env = Map<number, Set<Node>>;

/**
 * Abstract interpretation of the plan: each local holds the set of input nodes it may alias. Within one
 * statement list an assignment replaces a local's set (statements run in order; a break leaves the list);
 * what a nested block assigns is added to the outer sets (it may have run fully, partly or not at all).
 * Function parameters and results join over all calls; passes repeat until nothing grows.
 */
class Analysis {
  private changed = true;
  private readonly params = new Map<string, Env>();
  private readonly returns = new Map<string, Set<Node>>();
  readonly root = new Node();

  constructor(
    private readonly strings: string[],
    private readonly funcs: Map<string, Func>,
  ) {}

  run(plans: { blocks: Block[] }[]): void {
    while (this.changed) {
      this.changed = false;
      for (const plan of plans) this.blocks(plan.blocks, new Map([[0, new Set([this.root])]]), new Map());
      for (const func of this.funcs.values()) {
        const env: Env = new Map();
        for (const [local, nodes] of this.params.get(func.name) ?? []) env.set(local, new Set(nodes));
        this.blocks(func.blocks, env, new Map());
        this.join(this.returns, func.name, env.get(func.return));
      }
    }
  }

  /** Add nodes to a set kept across passes (parameters, results): growth means another pass. */
  private join<K>(map: Map<K, Set<Node>>, key: K, nodes: Iterable<Node> | undefined): void {
    if (!nodes) return;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    for (const node of nodes) {
      if (set.has(node)) continue;
      set.add(node);
      this.changed = true;
    }
  }

  private whole(nodes: Iterable<Node> | undefined): void {
    for (const node of nodes ?? []) {
      if (node.whole) continue;
      node.whole = true;
      this.changed = true;
    }
  }

  /** Sequential blocks, each possibly left early: each starts from everything the earlier ones may have set. */
  private blocks(blocks: Block[], env: Env, assigned: Env): void {
    for (const block of blocks) {
      const inner: Env = new Map();
      this.list(block.stmts, new Map([...env].map(([k, v]) => [k, new Set(v)])), inner);
      for (const [local, nodes] of inner) {
        env.set(local, new Set([...(env.get(local) ?? []), ...nodes]));
        assigned.set(local, new Set([...(assigned.get(local) ?? []), ...nodes]));
      }
    }
  }

  private list(stmts: Stmt[], env: Env, assigned: Env): void {
    stmts.forEach((stmt, at) => this.stmt(stmt, stmts, at, env, assigned));
  }

  private assign(env: Env, assigned: Env, local: number, nodes: Iterable<Node> | undefined): void {
    const set = new Set(nodes ?? []);
    env.set(local, set);
    assigned.set(local, new Set([...(assigned.get(local) ?? []), ...set]));
  }

  private stmt(stmt: Stmt, stmts: Stmt[], at: number, env: Env, assigned: Env): void {
    const s = stmt.stmt;
    const get = (op: unknown): Set<Node> | undefined => {
      const operand = op as Operand | undefined;
      return operand?.type === 'local' ? env.get(operand.value as number) : undefined;
    };
    if (WRITES_NOTHING_TRACKED.has(stmt.type)) {
      if (typeof s.target === 'number') this.assign(env, assigned, s.target, undefined);
    } else if (stmt.type in WHOLE_OPERANDS) {
      for (const field of WHOLE_OPERANDS[stmt.type]!) this.whole(typeof s[field] === 'number' ? env.get(s[field] as number) : get(s[field]));
      if (stmt.type === 'LenStmt') this.assign(env, assigned, s.target as number, undefined);
    } else if (stmt.type === 'AssignVarStmt' || stmt.type === 'AssignVarOnceStmt') {
      this.assign(env, assigned, s.target as number, get(s.source));
    } else if (stmt.type === 'DotStmt') {
      const key = s.key as Operand;
      const sources = get(s.source);
      const children: Node[] = [];
      if (key.type !== 'string_index') {
        this.whole(sources);
        this.whole(get(key));
      } else {
        const name = this.strings[key.value as number]!;
        if (name === '__proto__') throw new Bail();
        for (const node of sources ?? []) {
          let child = node.keys.get(name);
          if (!child) (node.keys.set(name, (child = new Node())), (this.changed = true));
          children.push(child);
        }
      }
      this.assign(env, assigned, s.target as number, children);
    } else if (stmt.type === 'ScanStmt') {
      const items: Node[] = [];
      for (const node of env.get(s.source as number) ?? []) {
        if (!node.items) (node.items = new Node()), (this.changed = true);
        items.push(node.items);
      }
      // The body runs once per element: run it twice so values carried into a next iteration are seen.
      const body = s.block as Block;
      for (let pass = 0; pass < 2; pass++) {
        this.assign(env, assigned, s.key as number, undefined);
        this.assign(env, assigned, s.value as number, items);
        this.blocks([body], env, assigned);
      }
    } else if (stmt.type === 'BlockStmt') {
      this.blocks(s.blocks as Block[], env, assigned);
    } else if (stmt.type === 'NotStmt') {
      this.blocks([s.block as Block], env, assigned);
    } else if (stmt.type === 'EqualStmt' || stmt.type === 'NotEqualStmt') {
      this.compare([s.a as Operand, s.b as Operand], stmts, at, env);
    } else if (stmt.type === 'CallStmt') {
      const args = s.args as Operand[];
      const func = this.funcs.get(s.func as string);
      if (func) {
        const bound = this.params.get(func.name) ?? new Map<number, Set<Node>>();
        this.params.set(func.name, bound);
        args.forEach((arg, i) => this.join(bound, func.params[i]!, get(arg)));
        this.assign(env, assigned, s.result as number, this.returns.get(func.name));
      } else {
        if ((s.func === 'equal' || s.func === 'neq') && args.length === 2) this.compare(args, stmts, at, env);
        else for (const arg of args) this.whole(get(arg)); // a builtin sees its arguments whole
        this.assign(env, assigned, s.result as number, undefined);
      }
    } else if (stmt.type === 'ReturnLocalStmt') {
      const func = [...this.funcs.values()].find((f) => f.blocks.some((b) => b.stmts.includes(stmt)));
      if (func) this.join(this.returns, func.name, env.get(s.source as number));
    } else if (!INERT.has(stmt.type)) {
      throw new Bail(); // WithStmt, CallDynamicStmt or a statement this analysis does not know
    }
  }

  /** Comparing with a scalar constant needs only the type of a pruned object/array (never equal to a scalar). */
  private compare(operands: Operand[], stmts: Stmt[], at: number, env: Env): void {
    if (operands.some((op) => isScalarConstant(op, stmts, at))) return;
    for (const op of operands) if (op.type === 'local') this.whole(env.get(op.value as number));
  }
}

function toShape(node: Node): InputShape {
  if (node.whole) return true;
  const keys: Record<string, InputShape> = {};
  for (const [name, child] of node.keys) keys[name] = toShape(child);
  return node.items ? { keys, items: toShape(node.items) } : { keys };
}

/**
 * The input shape of a compiled policy, from its plan (`opa build -t plan`, the IR the wasm is compiled
 * from): a sound over-approximation of what any entrypoint can read. `true` (keep the whole input) when the
 * plan uses `with`, dynamic calls or anything the analysis does not model.
 *
 * @example
 * planInputShape(plan); // { keys: { phase: true, http: { keys: { host: true } } } }
 */
export function planInputShape(plan: OpaPlan): InputShape {
  const strings = (plan.static?.strings ?? []).map((s) => s.value);
  const funcs = new Map((plan.funcs?.funcs ?? []).map((f) => [f.name, f]));
  const analysis = new Analysis(strings, funcs);
  try {
    analysis.run(plan.plans?.plans ?? []);
  } catch (err) {
    if (err instanceof Bail) return true;
    throw err;
  }
  return toShape(analysis.root);
}
