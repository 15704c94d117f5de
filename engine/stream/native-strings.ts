/** @module stream/native-strings — the addon's JSON string helpers (engine/native/src/json_strings.cc), when it loads. */
import { loadNative, type NativeBinding } from '../scan/native.js';

/** DecodeArena.decodeAll in C++. */
export type NativeDecode = NonNullable<NativeBinding['decodeJsonStrings']>;
/** The tokenizer's string loop in C++. */
export type NativeStringStop = NonNullable<NativeBinding['findJsonStringStop']>;

/** The helpers, each null when the addon does not load (or was built before it). */
export interface NativeStrings {
  decode: NativeDecode | null;
  stringStop: NativeStringStop | null;
}

let helpers: NativeStrings | undefined;

/**
 * The addon's JSON string helpers, loaded once. The native engine's tokenizers and decode arenas use them
 * (`useNative`); without the addon everything runs in JS.
 *
 * @example
 * const { stringStop } = nativeStrings(); // null without the addon
 */
export function nativeStrings(): NativeStrings {
  if (helpers === undefined) {
    const load = loadNative();
    const binding = load.ok ? load.binding : null;
    helpers = {
      decode: typeof binding?.decodeJsonStrings === 'function' ? binding.decodeJsonStrings : null,
      stringStop: typeof binding?.findJsonStringStop === 'function' ? binding.findJsonStringStop : null,
    };
  }
  return helpers;
}
