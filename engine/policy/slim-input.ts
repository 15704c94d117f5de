/** @module policy/slim-input — prunes an input to the parts a policy can read, so less JSON is written and parsed. */
import type { InputShape } from './input-shape.js';

/** Prunes one value to its shape; JSON.stringify of the result gives the policy the same input it would read. */
export type InputSlimmer = (input: unknown) => unknown;

/**
 * Generates one function per pruned node. Object nodes become an object literal with the shape's keys in a
 * fixed order (one hidden class, JSON.stringify's fast path); the guards send anything JSON.stringify would
 * not read as plain own properties (toJSON, class instances, arrays where an object is expected) through whole.
 */
function compile(shape: InputShape): InputSlimmer {
  const functions: string[] = [];
  const emit = (node: InputShape): string | undefined => {
    if (node === true) return undefined;
    const name = `n${functions.length}`;
    functions.push(''); // reserve the slot: children get higher numbers
    const index = functions.length - 1;
    const guard = 'if (typeof v !== "object" || v === null || typeof v.toJSON === "function") return v;';
    if (node.items !== undefined) {
      const item = emit(node.items);
      functions[index] = item === undefined
        ? `function ${name}(v) { return v; }`
        : `function ${name}(v) { ${guard} if (!isArray(v)) return v; const out = new Array(v.length);` +
          ` for (let i = 0; i < v.length; i++) out[i] = ${item}(v[i]); return out; }`;
      return name;
    }
    const fields = Object.entries(node.keys).map(([key, child]) => {
      const read = `v[${JSON.stringify(key)}]`;
      const slim = emit(child);
      return `${JSON.stringify(key)}: ${slim === undefined ? read : `${slim}(${read})`}`;
    });
    functions[index] =
      `function ${name}(v) { ${guard} if (isArray(v)) return v; const p = getPrototypeOf(v);` +
      ` if (p !== objectProto && p !== null) return v; return { ${fields.join(', ')} }; }`;
    return name;
  };
  const root = emit(shape);
  if (root === undefined) return (input) => input;
  const body = `"use strict"; ${functions.join('\n')}\nreturn ${root};`;
  return new Function('isArray', 'getPrototypeOf', 'objectProto', body)(Array.isArray, Object.getPrototypeOf, Object.prototype) as InputSlimmer;
}

/**
 * Whether inputs can be pruned to `shape`: not the whole input, and no `__proto__` key (an object literal
 * cannot carry one).
 *
 * @example
 * prunable(true); // false
 */
export function prunable(shape: InputShape): shape is Exclude<InputShape, true> {
  return shape !== true && !hasProtoKey(shape);
}

function hasProtoKey(shape: InputShape): boolean {
  if (shape === true) return false;
  return '__proto__' in shape.keys && Object.hasOwn(shape.keys, '__proto__')
    ? true
    : Object.values(shape.keys).some(hasProtoKey) || (shape.items !== undefined && hasProtoKey(shape.items));
}

/**
 * A function pruning inputs to `shape` (see planInputShape): objects keep only the keys the policy reads,
 * arrays it iterates keep every element (pruned), anything else is kept as is. For any JSON value, the policy
 * decides the same on the pruned input as on the full one; values the policy never reads are not serialized,
 * so they cannot make JSON.stringify fail (a BigInt, a cycle) where the full input would.
 *
 * @example
 * const slim = createInputSlimmer({ keys: { phase: true } });
 * JSON.stringify(slim({ phase: 'request', body: { bytes: 1 } })); // '{"phase":"request"}'
 */
export function createInputSlimmer(shape: InputShape): InputSlimmer {
  return prunable(shape) ? compile(shape) : (input) => input;
}
