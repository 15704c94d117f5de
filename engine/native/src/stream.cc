// @module native/stream — a libhs stream: match state carried across writes, offsets absolute over the stream.
#include "sluice_hs.h"

namespace sluice {

Napi::Function Stream::Init(Napi::Env env) {
  return DefineClass(env, "Stream",
                     {
                         InstanceMethod<&Stream::Write>("write"),
                         InstanceMethod<&Stream::WriteInto>("writeInto"),
                         InstanceMethod<&Stream::Close>("close"),
                         InstanceAccessor<&Stream::GetOffset>("offset"),
                     });
}

Stream::Stream(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Stream>(info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "Stream is created by openStream()");
  Database* database = Database::Unwrap(info[0].As<Napi::Object>());
  handle_ = database->handle();
  hs_error_t rc = hs_open_stream(handle_->db, 0, &stream_);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_open_stream", rc);
}

Stream::~Stream() {
  // Closing without scratch reports nothing and only frees the stream state.
  if (stream_ != nullptr) hs_close_stream(stream_, nullptr, nullptr, nullptr);
}

void Stream::Run(const Napi::CallbackInfo& info, Collector& collector) {
  Napi::Env env = info.Env();
  if (stream_ == nullptr) throw Napi::Error::New(env, "the stream is closed");
  const char* data;
  size_t length;
  BorrowBytes(env, info[0], "chunk", &data, &length);
  if (length > UINT_MAX) throw Napi::RangeError::New(env, "chunk longer than 4 GiB");
  hs_error_t rc = hs_scan_stream(stream_, data, static_cast<unsigned int>(length), 0, GetData(env)->scratch,
                                 Collector::OnMatch, &collector);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_scan_stream", rc);
  offset_ += length;
}

// write(chunk) => Uint32Array [id, firstEnd, lastEnd, …] reported during this chunk (stream-absolute ends).
Napi::Value Stream::Write(const Napi::CallbackInfo& info) {
  Collector collector(*handle_, false, false);
  Run(info, collector);
  return collector.ToArray(info.Env());
}

// writeInto(chunk, out: Uint32Array) => the length of what write(chunk) returns, written to `out`, when it fits;
// else those results as a new Uint32Array (a stream write cannot be repeated). No allocation when they fit.
Napi::Value Stream::WriteInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint32Array out = OutArray(env, info[1]);
  Collector collector(*handle_, false, false);
  Run(info, collector);
  const size_t length = collector.CopyTo(out.Data(), out.ElementLength());
  if (length > out.ElementLength()) return collector.ToArray(env);
  return Napi::Number::New(env, static_cast<double>(length));
}

// close() => Uint32Array of matches reported at end of data; the stream is unusable afterwards.
Napi::Value Stream::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Collector collector(*handle_, false, false);
  if (stream_ != nullptr) {
    hs_error_t rc = hs_close_stream(stream_, GetData(env)->scratch, Collector::OnMatch, &collector);
    stream_ = nullptr;
    if (rc != HS_SUCCESS) ThrowHs(env, "hs_close_stream", rc);
  }
  return collector.ToArray(env);
}

Napi::Value Stream::GetOffset(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(offset_));
}

}  // namespace sluice
