// @module native/json_strings — JSON string hot loops: the tokenizer's string scan and DecodeArena's escape decoding.
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sluice_hs.h"

namespace sluice {

namespace {

inline uint32_t Hex(uint8_t c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

inline uint32_t Hex4(const uint8_t* p) { return (Hex(p[0]) << 12) | (Hex(p[1]) << 8) | (Hex(p[2]) << 4) | Hex(p[3]); }

inline size_t PutUtf8(uint8_t* o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = static_cast<uint8_t>(cp);
    return 1;
  }
  if (cp < 0x800) {
    o[0] = static_cast<uint8_t>(0xc0 | (cp >> 6));
    o[1] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = static_cast<uint8_t>(0xe0 | (cp >> 12));
    o[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f));
    o[2] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = static_cast<uint8_t>(0xf0 | (cp >> 18));
  o[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3f));
  o[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f));
  o[3] = static_cast<uint8_t>(0x80 | (cp & 0x3f));
  return 4;
}

// Argument `value` as a typed array of element type `type` (Int32Array, Uint32Array); TypeError naming it otherwise.
template <typename T>
Napi::TypedArrayOf<T> TypedArg(Napi::Env env, const Napi::Value& value, napi_typedarray_type type, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(env, std::string(name) + (type == napi_int32_array ? " must be an Int32Array" : " must be a Uint32Array"));
  }
  return value.As<Napi::TypedArrayOf<T>>();
}

Napi::Int32Array Int32Arg(Napi::Env env, const Napi::Value& value, const char* name) {
  return TypedArg<int32_t>(env, value, napi_int32_array, name);
}

Napi::Uint32Array Uint32Arg(Napi::Env env, const Napi::Value& value, const char* name) {
  return TypedArg<uint32_t>(env, value, napi_uint32_array, name);
}

// Backslashes in [p, end): a value with e escapes decodes in at most 2e + 1 runs (each escape and the plain stretch
// after it, and one before the first).
size_t CountBackslashes(const uint8_t* p, const uint8_t* end) {
  size_t count = 0;
  while (p < end) {
    const void* hit = std::memchr(p, '\\', static_cast<size_t>(end - p));
    if (hit == nullptr) break;
    count++;
    p = static_cast<const uint8_t*>(hit) + 2;  // validated: every backslash starts an escape
  }
  return count;
}

// First index in [i, to) of a quote, a backslash or a control byte (< 0x20), or `to`: 16 bytes at a time with SSE2.
size_t NextSpecial(const uint8_t* p, size_t i, size_t to) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1f);
  while (i + 16 <= to) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, control), v);  // v <= 0x1f (unsigned)
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), low);
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  for (; i < to; i++) {
    const uint8_t c = p[i];
    if (c == '"' || c == '\\' || c < 0x20) return i;
  }
  return to;
}

// A two-byte escape the string loop steps over in place (\u and invalid ones go through the tokenizer's states).
inline bool ShortEscape(uint8_t e) {
  return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't';
}

// DecodeArena's map back to raw offsets: per run its decoded offset, raw offset and raw length (-1: a plain stretch).
struct RunMap {
  int32_t* dec;
  int32_t* raw;
  int32_t* rawLen;
  size_t capacity;
  size_t count;
  // Records a run; false (nothing recorded) when the arrays are full.
  bool Add(size_t decoded, size_t rawAt, int32_t length) {
    if (count == capacity) return false;
    dec[count] = static_cast<int32_t>(decoded);
    raw[count] = static_cast<int32_t>(rawAt);
    rawLen[count] = length;
    count++;
    return true;
  }
};

// Decodes validated raw content src[start, end) at out + w, appending its runs; false when the run arrays are full.
bool DecodeOne(const uint8_t* src, size_t start, size_t end, uint8_t* out, size_t& w, RunMap& runs) {
  size_t i = start;
  for (;;) {
    const void* hit = i < end ? std::memchr(src + i, '\\', end - i) : nullptr;
    const size_t j = hit == nullptr ? end : static_cast<size_t>(static_cast<const uint8_t*>(hit) - src);
    if (j > i) {  // the plain stretch [i, j)
      if (!runs.Add(w, i, -1)) return false;
      std::memmove(out + w, src + i, j - i);
      w += j - i;
    }
    if (j >= end) return true;
    if (j + 1 >= end || (src[j + 1] == 'u' && j + 6 > end)) {
      // A truncated escape: never in validated content, but the binding reads nothing past `end` for any input and
      // copies these bytes as they are (so no value decodes longer than its raw form).
      const size_t len = end - j;
      if (!runs.Add(w, j, static_cast<int32_t>(len))) return false;
      std::memmove(out + w, src + j, len);
      w += len;
      return true;
    }
    const uint8_t e = src[j + 1];
    size_t len = 2;
    uint32_t cp;
    switch (e) {
      case 'n': cp = 0x0a; break;
      case 't': cp = 0x09; break;
      case 'r': cp = 0x0d; break;
      case 'b': cp = 0x08; break;
      case 'f': cp = 0x0c; break;
      case 'u': {
        cp = Hex4(src + j + 2);
        len = 6;
        if (cp >= 0xd800 && cp <= 0xdbff && j + 12 <= end && src[j + 6] == '\\' && src[j + 7] == 'u') {
          const uint32_t lo = Hex4(src + j + 8);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            len = 12;
          }
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;  // a lone surrogate
        break;
      }
      default: cp = e;  // \" \\ \/
    }
    if (!runs.Add(w, j, static_cast<int32_t>(len))) return false;
    w += PutUtf8(out + w, cp);
    i = j + len;
  }
}

}  // namespace

// findJsonStringStop(bytes, from, to) => stop * 2 + escaped. The JsonTokenizer's string loop (engine/stream/tokenizer.ts)
// in C++: the first index in [from, to) where it stops — a quote, a control byte, or a backslash not followed by a
// two-byte escape within [from, to) (\u, an invalid escape, or the last byte) — stepping over two-byte escapes
// (escaped = 1 when it stepped over one); `to` when it reaches the end.
Napi::Value FindJsonStringStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* data;
  size_t length;
  BorrowBytes(env, info[0], "bytes", &data, &length);
  const uint32_t from = info[1].As<Napi::Number>().Uint32Value();
  const uint32_t to = info[2].As<Napi::Number>().Uint32Value();
  if (from > to || to > length) throw Napi::RangeError::New(env, "[from, to) is out of range");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(data);
  size_t i = from;
  bool escaped = false;
  for (;;) {
    i = NextSpecial(p, i, to);
    if (i >= to || p[i] != '\\' || i + 1 >= to || !ShortEscape(p[i + 1])) break;
    escaped = true;
    i += 2;
  }
  return Napi::Number::New(env, static_cast<double>(i) * 2 + (escaped ? 1 : 0));
}

// decodeJsonStrings(src, bounds, count, reach, out, state: Int32Array [length, runs], runDec, runRaw, runRawLen, decoded)
// => number. DecodeArena.decodeAll in C++ (engine/stream/escapes.ts), byte for byte: for each of the `count` values
// [bounds[2k], bounds[2k+1]) of validated raw JSON string content in src, appends to `out` at state[0] the `reach` raw
// bytes before it (NULs where src has fewer), then its decoded form, with its runs (decoded offset, raw offset in src,
// raw length or -1 for a plain stretch) at state[1], and its decoded [start, end) at decoded[2k]. Returns 0 and
// advances state, or, when the run arrays are too small, minus the capacity needed (state unchanged: grow, call again).
// `out` must have room for every value's reach + raw length after state[0] (a decoded escape is never longer).
Napi::Value DecodeJsonStrings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* srcData;
  size_t srcLength;
  BorrowBytes(env, info[0], "src", &srcData, &srcLength);
  Napi::Uint32Array bounds = Uint32Arg(env, info[1], "bounds");
  const uint32_t count = info[2].As<Napi::Number>().Uint32Value();
  const uint32_t reach = info[3].As<Napi::Number>().Uint32Value();
  const char* outData;
  size_t outLength;
  BorrowBytes(env, info[4], "out", &outData, &outLength);
  Napi::Int32Array state = Int32Arg(env, info[5], "state");
  Napi::Int32Array runDec = Int32Arg(env, info[6], "runDec");
  Napi::Int32Array runRaw = Int32Arg(env, info[7], "runRaw");
  Napi::Int32Array runRawLen = Int32Arg(env, info[8], "runRawLen");
  Napi::Uint32Array decoded = Uint32Arg(env, info[9], "decoded");
  if (static_cast<size_t>(count) * 2 > bounds.ElementLength() || static_cast<size_t>(count) * 2 > decoded.ElementLength()) {
    throw Napi::RangeError::New(env, "count exceeds bounds or decoded");
  }
  if (state.ElementLength() < 2 || state[0] < 0 || state[1] < 0) throw Napi::RangeError::New(env, "state must hold [length, runs]");
  const uint32_t* b = bounds.Data();
  size_t need = static_cast<size_t>(state[0]);
  for (uint32_t k = 0; k < count; k++) {
    if (b[2 * k] > b[2 * k + 1] || b[2 * k + 1] > srcLength) throw Napi::RangeError::New(env, "value " + std::to_string(k) + " is out of range");
    need += reach + (b[2 * k + 1] - b[2 * k]);
  }
  if (need > outLength || need > INT32_MAX) throw Napi::RangeError::New(env, "out has too little room");
  RunMap runs{runDec.Data(), runRaw.Data(), runRawLen.Data(),
              std::min(runDec.ElementLength(), std::min(runRaw.ElementLength(), runRawLen.ElementLength())),
              static_cast<size_t>(state[1])};
  if (runs.count > runs.capacity) throw Napi::RangeError::New(env, "state[1] is out of range");
  const uint8_t* src = reinterpret_cast<const uint8_t*>(srcData);
  uint8_t* out = reinterpret_cast<uint8_t*>(const_cast<char*>(outData));
  uint32_t* into = decoded.Data();
  const size_t runsBefore = runs.count;
  size_t w = static_cast<size_t>(state[0]);
  for (uint32_t k = 0; k < count; k++) {
    const size_t start = b[2 * k];
    const size_t own = std::min<size_t>(start, reach);
    std::memset(out + w, 0, reach - own);
    std::memcpy(out + w + (reach - own), src + start - own, own);
    w += reach;
    into[2 * k] = static_cast<uint32_t>(w);
    if (!DecodeOne(src, start, b[2 * k + 1], out, w, runs)) {
      size_t backslashes = 0;
      for (uint32_t v = 0; v < count; v++) backslashes += CountBackslashes(src + b[2 * v], src + b[2 * v + 1]);
      return Napi::Number::New(env, -static_cast<double>(runsBefore + 2 * backslashes + count));
    }
    into[2 * k + 1] = static_cast<uint32_t>(w);
  }
  state[0] = static_cast<int32_t>(w);
  state[1] = static_cast<int32_t>(runs.count);
  return Napi::Number::New(env, 0);
}

}  // namespace sluice
