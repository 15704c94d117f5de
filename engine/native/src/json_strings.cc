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

Napi::Int32Array Int32Arg(Napi::Env env, const Napi::Value& value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, std::string(name) + " must be an Int32Array");
  }
  return value.As<Napi::Int32Array>();
}

// Backslashes in [p, end): with the runs already written, an upper bound of the runs a decode needs (two per escape,
// one plain stretch after it, and one before the first).
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

// decodeJsonString(src, start, end, rawBase, out, state: Int32Array [length, runs], runDec, runRaw, runRawLen) => number
// What DecodeArena.decode does in JS (engine/stream/escapes.ts), byte for byte: appends the decoded form of the
// validated raw string content src[start, end) to `out` at state[0] and its runs (decoded offset, raw offset
// rawBase + i, raw length or -1 for a plain stretch) at state[1]. Returns 0 and advances state, or, when the run
// arrays are too small, a negative number whose magnitude is the capacity needed (state unchanged: grow, call again).
// `out` must hold end - start free bytes after state[0] (a decoded escape is never longer than its raw form).
Napi::Value DecodeJsonString(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* srcData;
  size_t srcLength;
  BorrowBytes(env, info[0], "src", &srcData, &srcLength);
  const uint32_t start = info[1].As<Napi::Number>().Uint32Value();
  const uint32_t end = info[2].As<Napi::Number>().Uint32Value();
  const int32_t rawBase = info[3].As<Napi::Number>().Int32Value();
  const char* outData;
  size_t outLength;
  BorrowBytes(env, info[4], "out", &outData, &outLength);
  Napi::Int32Array state = Int32Arg(env, info[5], "state");
  Napi::Int32Array runDec = Int32Arg(env, info[6], "runDec");
  Napi::Int32Array runRaw = Int32Arg(env, info[7], "runRaw");
  Napi::Int32Array runRawLen = Int32Arg(env, info[8], "runRawLen");
  if (state.ElementLength() < 2) throw Napi::RangeError::New(env, "state must hold [length, runs]");
  if (start > end || end > srcLength) throw Napi::RangeError::New(env, "[start, end) is out of range");
  const size_t first = static_cast<size_t>(state[0]);
  if (state[0] < 0 || first + (end - start) > outLength) throw Napi::RangeError::New(env, "out has too little room");
  const size_t capacity = std::min(runDec.ElementLength(), std::min(runRaw.ElementLength(), runRawLen.ElementLength()));
  size_t runs = static_cast<size_t>(state[1]);
  if (state[1] < 0 || runs > capacity) throw Napi::RangeError::New(env, "state[1] is out of range");

  const uint8_t* src = reinterpret_cast<const uint8_t*>(srcData);
  uint8_t* out = reinterpret_cast<uint8_t*>(const_cast<char*>(outData));
  int32_t* dec = runDec.Data();
  int32_t* raw = runRaw.Data();
  int32_t* rawLen = runRawLen.Data();
  const size_t runsBefore = runs;
  size_t w = first;
  size_t i = start;
  for (;;) {
    if (runs + 2 > capacity) {  // nothing committed: the caller grows the run arrays and calls again
      return Napi::Number::New(env, -static_cast<double>(runsBefore + 2 * CountBackslashes(src + start, src + end) + 1));
    }
    const void* hit = i < end ? std::memchr(src + i, '\\', end - i) : nullptr;
    const size_t j = hit == nullptr ? end : static_cast<size_t>(static_cast<const uint8_t*>(hit) - src);
    if (j > i) {  // the plain stretch [i, j)
      dec[runs] = static_cast<int32_t>(w);
      raw[runs] = rawBase + static_cast<int32_t>(i);
      rawLen[runs] = -1;
      runs++;
      std::memmove(out + w, src + i, j - i);
      w += j - i;
    }
    if (j >= end) break;
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
    dec[runs] = static_cast<int32_t>(w);
    raw[runs] = rawBase + static_cast<int32_t>(j);
    rawLen[runs] = static_cast<int32_t>(len);
    runs++;
    w += PutUtf8(out + w, cp);
    i = j + len;
  }
  state[0] = static_cast<int32_t>(w);
  state[1] = static_cast<int32_t>(runs);
  return Napi::Number::New(env, 0);
}

}  // namespace sluice
