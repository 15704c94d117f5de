// @module native/addon — module init and free functions: compile, deserialize, expressionInfo, JSON string helpers, version.
#include "sluice_hs.h"

namespace sluice {

AddonData* GetData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

void EnsureScratch(Napi::Env env, const hs_database_t* db) {
  hs_error_t rc = hs_alloc_scratch(db, &GetData(env)->scratch);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_alloc_scratch", rc);
}

void ThrowHs(Napi::Env env, const char* what, hs_error_t code) {
  Napi::Error error = Napi::Error::New(env, std::string(what) + " failed with libhs status " + std::to_string(code));
  error.Set("hsCode", Napi::Number::New(env, code));
  throw error;
}

void BorrowBytes(Napi::Env env, const Napi::Value& value, const char* name, const char** data, size_t* length) {
  if (!value.IsTypedArray()) throw Napi::TypeError::New(env, std::string(name) + " must be a Buffer or Uint8Array");
  napi_typedarray_type type;
  size_t elements = 0;
  void* pointer = nullptr;
  napi_value arrayBuffer;
  size_t byteOffset = 0;
  napi_status status = napi_get_typedarray_info(env, value, &type, &elements, &pointer, &arrayBuffer, &byteOffset);
  if (status != napi_ok || (type != napi_uint8_array && type != napi_uint8_clamped_array)) {
    throw Napi::TypeError::New(env, std::string(name) + " must be a Buffer or Uint8Array");
  }
  *data = elements == 0 ? "" : static_cast<const char*>(pointer);
  *length = elements;
}

// compile(patterns: string[], flags: Uint32Array, mode: 'block'|'stream', gaps: Uint32Array) => Database.
// Expression ids are the pattern indices. A bad pattern throws an Error with `expression` = its index.
static Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "patterns must be an array of strings");
  Napi::Array patterns = info[0].As<Napi::Array>();
  const uint32_t count = patterns.Length();
  if (count == 0) throw Napi::RangeError::New(env, "at least one pattern is required");
  Napi::Uint32Array flags = info[1].As<Napi::Uint32Array>();
  std::string mode = info[2].As<Napi::String>().Utf8Value();
  Napi::Uint32Array gaps = info[3].As<Napi::Uint32Array>();
  if (flags.ElementLength() != count || gaps.ElementLength() != count) {
    throw Napi::RangeError::New(env, "flags and gaps need one entry per pattern");
  }
  if (mode != "block" && mode != "stream") throw Napi::TypeError::New(env, "mode must be 'block' or 'stream'");

  std::vector<std::string> sources(count);
  std::vector<const char*> expressions(count);
  std::vector<unsigned int> flagValues(count), ids(count);
  auto handle = std::make_shared<DatabaseHandle>();
  handle->stream = mode == "stream";
  handle->gaps.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    sources[i] = patterns.Get(i).As<Napi::String>().Utf8Value();
    expressions[i] = sources[i].c_str();
    flagValues[i] = flags[i];
    ids[i] = i;
    handle->gaps[i] = gaps[i];
  }
  hs_compile_error_t* compileError = nullptr;
  hs_error_t rc = hs_compile_multi(expressions.data(), flagValues.data(), ids.data(), count,
                                   handle->stream ? HS_MODE_STREAM : HS_MODE_BLOCK, nullptr, &handle->db,
                                   &compileError);
  if (rc != HS_SUCCESS) {
    std::string message = compileError != nullptr ? compileError->message : "hs_compile_multi failed";
    int expression = compileError != nullptr ? compileError->expression : -1;
    if (compileError != nullptr) hs_free_compile_error(compileError);
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("expression", Napi::Number::New(env, expression));
    error.Set("hsMessage", Napi::String::New(env, message));
    throw error;
  }
  return Database::Wrap(env, handle);
}

// deserialize(bytes, mode, gaps) => Database (throws when the bytes are from another platform/version).
static Napi::Value Deserialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* data;
  size_t length;
  BorrowBytes(env, info[0], "bytes", &data, &length);
  Napi::Uint32Array gaps = info[2].As<Napi::Uint32Array>();
  auto handle = std::make_shared<DatabaseHandle>();
  handle->stream = info[1].As<Napi::String>().Utf8Value() == "stream";
  handle->gaps.assign(gaps.Data(), gaps.Data() + gaps.ElementLength());
  hs_error_t rc = hs_deserialize_database(data, length, &handle->db);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_deserialize_database", rc);
  return Database::Wrap(env, handle);
}

// expressionInfo(pattern, flags) => { minWidth, maxWidth (null when unbounded), matchesAtEod, matchesOnlyAtEod }.
static Napi::Value ExpressionInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string pattern = info[0].As<Napi::String>().Utf8Value();
  unsigned int flags = info[1].As<Napi::Number>().Uint32Value();
  hs_expr_info_t* exprInfo = nullptr;
  hs_compile_error_t* compileError = nullptr;
  if (hs_expression_info(pattern.c_str(), flags, &exprInfo, &compileError) != HS_SUCCESS) {
    std::string message = compileError != nullptr ? compileError->message : "hs_expression_info failed";
    if (compileError != nullptr) hs_free_compile_error(compileError);
    throw Napi::Error::New(env, message);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("minWidth", exprInfo->min_width);
  out.Set("maxWidth", exprInfo->max_width == UINT_MAX ? env.Null() : Napi::Number::New(env, exprInfo->max_width));
  out.Set("matchesAtEod", Napi::Boolean::New(env, exprInfo->matches_at_eod != 0));
  out.Set("matchesOnlyAtEod", Napi::Boolean::New(env, exprInfo->matches_only_at_eod != 0));
  free(exprInfo);
  return out;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (hs_valid_platform() != HS_SUCCESS) {
    throw Napi::Error::New(env, "this CPU is not supported by libhs (SSSE3/SSE4.2 or NEON required)");
  }
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted (scratch freed) when the environment is torn down
  Napi::Function database = Database::Init(env);
  Napi::Function stream = Stream::Init(env);
  data->databaseCtor = Napi::Persistent(database);
  data->streamCtor = Napi::Persistent(stream);
  exports.Set("compile", Napi::Function::New<Compile>(env, "compile"));
  exports.Set("deserialize", Napi::Function::New<Deserialize>(env, "deserialize"));
  exports.Set("expressionInfo", Napi::Function::New<ExpressionInfo>(env, "expressionInfo"));
  exports.Set("decodeJsonStrings", Napi::Function::New<DecodeJsonStrings>(env, "decodeJsonStrings"));
  exports.Set("findJsonStringStop", Napi::Function::New<FindJsonStringStop>(env, "findJsonStringStop"));
  exports.Set("version", Napi::String::New(env, hs_version()));
  Napi::Object flags = Napi::Object::New(env);
  flags.Set("CASELESS", HS_FLAG_CASELESS);
  flags.Set("DOTALL", HS_FLAG_DOTALL);
  flags.Set("MULTILINE", HS_FLAG_MULTILINE);
  flags.Set("SINGLEMATCH", HS_FLAG_SINGLEMATCH);
  flags.Set("UTF8", HS_FLAG_UTF8);
  flags.Set("PREFILTER", HS_FLAG_PREFILTER);
  exports.Set("FLAGS", flags);
  return exports;
}

}  // namespace sluice

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return sluice::Init(env, exports); }

NODE_API_MODULE(sluice_hs, InitModule)
