// @module native/database — a compiled libhs database: block scans (raw, ranges, segments), streams, serialize.
#include <cstring>

#include "sluice_hs.h"

namespace sluice {

Napi::Function Database::Init(Napi::Env env) {
  return DefineClass(env, "Database",
                     {
                         InstanceMethod<&Database::Scan>("scan"),
                         InstanceMethod<&Database::ScanRanges>("scanRanges"),
                         InstanceMethod<&Database::ScanSegments>("scanSegments"),
                         InstanceMethod<&Database::ScanRangesInto>("scanRangesInto"),
                         InstanceMethod<&Database::ScanSegmentsInto>("scanSegmentsInto"),
                         InstanceMethod<&Database::ScanRegionsInto>("scanRegionsInto"),
                         InstanceMethod<&Database::OpenStream>("openStream"),
                         InstanceMethod<&Database::Serialize>("serialize"),
                         InstanceAccessor<&Database::GetMode>("mode"),
                         InstanceAccessor<&Database::GetSize>("size"),
                     });
}

Database::Database(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Database>(info) {
  // Instances are made by compile()/deserialize() through Database::Wrap; a bare `new` has no database.
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Database is created by compile() or deserialize()");
  }
  auto* handle = info[0].As<Napi::External<std::shared_ptr<DatabaseHandle>>>().Data();
  handle_ = *handle;
}

Napi::Object Database::Wrap(Napi::Env env, std::shared_ptr<DatabaseHandle> handle) {
  EnsureScratch(env, handle->db);
  auto external = Napi::External<std::shared_ptr<DatabaseHandle>>::New(env, &handle);
  return GetData(env)->databaseCtor.New({external});  // the constructor copies the shared_ptr
}

void Database::RequireBlock(Napi::Env env) const {
  if (handle_->stream) throw Napi::Error::New(env, "this database was compiled for stream mode");
}

// One block-mode hs_scan of info[0] (borrowed, no copy) into `collector`.
void Database::RunBlock(Napi::Env env, const Napi::CallbackInfo& info, Collector& collector) {
  RequireBlock(env);
  const char* data;
  size_t length;
  BorrowBytes(env, info[0], "bytes", &data, &length);
  if (length > UINT_MAX) throw Napi::RangeError::New(env, "bytes longer than 4 GiB");
  hs_error_t rc = hs_scan(handle_->db, data, static_cast<unsigned int>(length), 0, GetData(env)->scratch,
                          Collector::OnMatch, &collector);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_scan", rc);
}

Napi::Value Database::ScanBlock(const Napi::CallbackInfo& info, bool raw) {
  Collector collector(*handle_, raw, false);
  RunBlock(info.Env(), info, collector);
  return collector.ToArray(info.Env());
}

// scan(bytes) => Uint32Array [id, end, id, end, …] — every end offset libhs reports.
Napi::Value Database::Scan(const Napi::CallbackInfo& info) { return ScanBlock(info, true); }

// scanRanges(bytes) => Uint32Array [id, firstEnd, lastEnd, …] — nearby ends of one id merged.
Napi::Value Database::ScanRanges(const Napi::CallbackInfo& info) { return ScanBlock(info, false); }

// scanSegments(bytes, bounds: Uint32Array [s0, e0, s1, e1, …], count) =>
// Uint32Array [id, firstEnd, lastEnd, segment, …] with buffer-absolute ends inside each segment.
Napi::Value Database::ScanSegments(const Napi::CallbackInfo& info) {
  Collector collector(*handle_, false, true);
  RunSegments(info.Env(), info, collector);
  return collector.ToArray(info.Env());
}

// scanSegmentsInto(bytes, bounds, count, out: Uint32Array) => length of the results; they are written to `out`
// only when they fit (else call again with a larger `out`). No allocation per call.
Napi::Value Database::ScanSegmentsInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint32Array out = OutArray(env, info[3]);
  Collector collector(*handle_, false, true);
  RunSegments(env, info, collector);
  return Napi::Number::New(env, static_cast<double>(collector.CopyTo(out.Data(), out.ElementLength())));
}

// scanRangesInto(bytes, out: Uint32Array) => length of [id, firstEnd, lastEnd, …], written when it fits.
Napi::Value Database::ScanRangesInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Uint32Array out = OutArray(env, info[1]);
  Collector collector(*handle_, false, false);
  RunBlock(env, info, collector);
  return Napi::Number::New(env, static_cast<double>(collector.CopyTo(out.Data(), out.ElementLength())));
}

// scanRegionsInto(bytes, bounds: Uint32Array [s0, e0, …], count, out) => length of [id, firstEnd, lastEnd, region, …]
// (ends in the original bytes), written to `out` only when it fits. The regions (non-empty, in any order) are
// copied back to back, a NUL after each, and scanned by one hs_scan (a call costs about as much as scanning a
// kilobyte); each end is mapped to its region, so ends in no region (a match over a join) are dropped. A match
// over a join that ends inside a region is only a spurious candidate: the confirm step runs on the original bytes.
Napi::Value Database::ScanRegionsInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const SegmentArgs args = ReadSegmentArgs(env, info);
  const char* data = args.data;
  const size_t length = args.length;
  const uint32_t count = args.count;
  const uint32_t* b = args.bounds;
  Napi::Uint32Array out = OutArray(env, info[3]);
  for (uint32_t i = 0; i < count; i++) {
    if (b[2 * i] >= b[2 * i + 1] || b[2 * i + 1] > length) {
      throw Napi::RangeError::New(env, "region " + std::to_string(i) + " is empty or out of range");
    }
  }
  Collector collector(*handle_, false, true);
  ScanPacked(env, data, b, count, collector);
  return Napi::Number::New(env, static_cast<double>(collector.CopyTo(out.Data(), out.ElementLength())));
}

Napi::Uint32Array OutArray(Napi::Env env, const Napi::Value& value) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "out must be a Uint32Array");
  }
  return value.As<Napi::Uint32Array>();
}

Database::SegmentArgs Database::ReadSegmentArgs(Napi::Env env, const Napi::CallbackInfo& info) const {
  RequireBlock(env);
  SegmentArgs args{};
  BorrowBytes(env, info[0], "bytes", &args.data, &args.length);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "bounds must be a Uint32Array");
  }
  Napi::Uint32Array bounds = info[1].As<Napi::Uint32Array>();
  args.count = info[2].As<Napi::Number>().Uint32Value();
  if (static_cast<size_t>(args.count) * 2 > bounds.ElementLength()) throw Napi::RangeError::New(env, "count exceeds bounds");
  args.bounds = bounds.Data();
  return args;
}

void Database::RunSegments(Napi::Env env, const Napi::CallbackInfo& info, Collector& collector) {
  const SegmentArgs args = ReadSegmentArgs(env, info);
  const char* data = args.data;
  const size_t length = args.length;
  uint32_t count = args.count;
  hs_scratch_t* scratch = GetData(env)->scratch;
  // Sorted, disjoint segments with little in between (e.g. the string values of one JSON body): one
  // hs_scan over the range covering them all, each end mapped to its segment. Patterns have no anchors,
  // word boundaries or lookarounds, so every match inside a segment is reported exactly as by a scan of
  // that segment alone; ends that fall between segments are dropped and the confirm step stays within
  // the segment, so no match crosses a boundary. Otherwise: one hs_scan over the segments packed (below).
  const uint32_t* b = args.bounds;
  bool sorted = true;
  uint64_t inside = 0;
  for (uint32_t i = 0; i < count && sorted; i++) {
    if (b[2 * i] > b[2 * i + 1] || b[2 * i + 1] > length) sorted = false;
    else if (i > 0 && b[2 * i] < b[2 * i - 1]) sorted = false;
    inside += b[2 * i + 1] - b[2 * i];
  }
  if (sorted && count > 1) {
    const uint32_t first = b[0];
    const uint32_t last = b[2 * count - 1];
    // Nearly contiguous (e.g. decoded values back to back): cover the gaps. Otherwise packing below is cheaper:
    // a copy costs a few percent of a scan per byte (4 KB request: 4080 bytes covered vs 1241 packed).
    if (last > first && ((last - first) - inside) * 16 <= inside) {
      collector.MapSegments(b, count, first);
      hs_error_t rc = hs_scan(handle_->db, data + first, last - first, 0, scratch, Collector::OnMatch, &collector);
      if (rc != HS_SUCCESS) ThrowHs(env, "hs_scan", rc);
      return;
    }
  }
  for (uint32_t i = 0; i < count; i++) {
    if (b[2 * i] > b[2 * i + 1] || b[2 * i + 1] > length) throw Napi::RangeError::New(env, "segment " + std::to_string(i) + " out of range");
  }
  if (count > 1) {
    // Far apart (or unsorted): the segments packed into one hs_scan (a call costs about as much as scanning a
    // kilobyte, a copy a few percent of a scan).
    ScanPacked(env, data, b, count, collector);
    return;
  }
  if (count == 1 && b[0] < b[1]) {
    collector.BeginSegment(b[0], 0);
    hs_error_t rc = hs_scan(handle_->db, data + b[0], b[1] - b[0], 0, scratch, Collector::OnMatch, &collector);
    if (rc != HS_SUCCESS) ThrowHs(env, "hs_scan", rc);
  }
}

// One hs_scan over the (validated) segments' bytes back to back, a NUL after each. Ends are mapped to their segment in
// the packed bytes, then shifted back to offsets of `data`; an end in no segment (a match over a join) is dropped, and
// one inside a segment is at worst a spurious candidate: the confirm step runs on the original bytes.
void Database::ScanPacked(Napi::Env env, const char* data, const uint32_t* b, uint32_t count, Collector& collector) {
  PackSegments(data, b, count);
  DatabaseHandle& h = *handle_;
  if (h.packed.empty()) return;
  collector.MapSegments(h.packedBounds.data(), count, 0);
  hs_error_t rc = hs_scan(h.db, h.packed.data(), static_cast<unsigned int>(h.packed.size()), 0, GetData(env)->scratch,
                          Collector::OnMatch, &collector);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_scan", rc);
  ShiftToOriginal(b);
}

// Copies the (validated) segments [b[2i], b[2i+1]) back to back into handle_->packed, a NUL after each non-empty
// one, and their bounds there into handle_->packedBounds (sorted by construction; empty segments stay empty).
void Database::PackSegments(const char* data, const uint32_t* b, uint32_t count) {
  DatabaseHandle& h = *handle_;
  size_t total = 0;
  for (uint32_t i = 0; i < count; i++) total += b[2 * i + 1] - b[2 * i] + (b[2 * i + 1] > b[2 * i] ? 1 : 0);
  if (total > UINT_MAX) throw Napi::RangeError::New(Env(), "segments longer than 4 GiB");
  h.packed.resize(total);
  h.packedBounds.resize(2 * static_cast<size_t>(count));
  size_t at = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint32_t size = b[2 * i + 1] - b[2 * i];
    h.packedBounds[2 * i] = static_cast<uint32_t>(at);
    if (size > 0) {
      std::memcpy(h.packed.data() + at, data + b[2 * i], size);
      at += size;
      h.packed[at++] = 0;
    }
    h.packedBounds[2 * i + 1] = static_cast<uint32_t>(at - (size > 0 ? 1 : 0));
  }
}

// Collected rows [id, firstEnd, lastEnd, segment] of a packed scan: ends back to offsets of the original bytes.
void Database::ShiftToOriginal(const uint32_t* b) {
  DatabaseHandle& h = *handle_;
  for (size_t r = 0; r + 3 < h.out.size(); r += 4) {
    const uint32_t segment = h.out[r + 3];
    const uint32_t shift = b[2 * segment] - h.packedBounds[2 * segment];  // modulo 2^32: also when negative
    h.out[r + 1] += shift;
    h.out[r + 2] += shift;
  }
}

Napi::Value Database::OpenStream(const Napi::CallbackInfo& info) {
  if (!handle_->stream) throw Napi::Error::New(info.Env(), "this database was compiled for block mode");
  return GetData(info.Env())->streamCtor.New({Value()});
}

// serialize() => Buffer, for an on-disk cache (deserialize checks the platform).
Napi::Value Database::Serialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char* bytes = nullptr;
  size_t length = 0;
  hs_error_t rc = hs_serialize_database(handle_->db, &bytes, &length);
  if (rc != HS_SUCCESS) ThrowHs(env, "hs_serialize_database", rc);
  Napi::Buffer<char> out = Napi::Buffer<char>::Copy(env, bytes, length);
  free(bytes);  // libhs uses the default misc allocator (malloc)
  return out;
}

Napi::Value Database::GetMode(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), handle_->stream ? "stream" : "block");
}

Napi::Value Database::GetSize(const Napi::CallbackInfo& info) {
  size_t size = 0;
  hs_database_size(handle_->db, &size);
  return Napi::Number::New(info.Env(), static_cast<double>(size));
}

}  // namespace sluice
