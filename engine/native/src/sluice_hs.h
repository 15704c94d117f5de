// @module native/sluice_hs — shared declarations of the libhs (Vectorscan/Hyperscan) Node-API binding.
#pragma once

#include <napi.h>
#include <hs.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice {

// Per-environment (so per-thread) state, stored with napi_set_instance_data.
// One scratch per thread, grown with hs_alloc_scratch for every database built in this thread.
struct AddonData {
  hs_scratch_t* scratch = nullptr;
  Napi::FunctionReference databaseCtor;
  Napi::FunctionReference streamCtor;
  ~AddonData() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

AddonData* GetData(Napi::Env env);
// Grows this thread's scratch so it fits `db`; throws a JS error on failure.
void EnsureScratch(Napi::Env env, const hs_database_t* db);
// Throws a JS Error carrying the libhs status code as `hsCode`.
[[noreturn]] void ThrowHs(Napi::Env env, const char* what, hs_error_t code);
// Borrows the bytes of a Buffer / Uint8Array (no copy); throws TypeError otherwise.
void BorrowBytes(Napi::Env env, const Napi::Value& value, const char* name, const char** data, size_t* length);
// The `out` argument of the *Into methods: a Uint32Array; throws TypeError otherwise.
Napi::Uint32Array OutArray(Napi::Env env, const Napi::Value& value);

// decodeJsonStrings(src, bounds, count, reach, out, state, runDec, runRaw, runRawLen, decoded),
// findJsonStringStop(bytes, from, to): see json_strings.cc.
Napi::Value DecodeJsonStrings(const Napi::CallbackInfo& info);
Napi::Value FindJsonStringStop(const Napi::CallbackInfo& info);

// A compiled database shared by its JS wrapper and every stream opened on it.
struct DatabaseHandle {
  hs_database_t* db = nullptr;
  bool stream = false;
  std::vector<uint32_t> gaps;  // per expression id: end offsets closer than this merge into one range
  // Collector scratch reused by every scan of this database in this thread (no allocation per call).
  std::vector<uint32_t> slot;
  std::vector<uint32_t> slotGeneration;
  uint32_t generation = 0;
  std::vector<uint32_t> out;
  // scanRegionsInto / scanSegments of far-apart segments: the segments' bytes back to back (one NUL after each) and their bounds there.
  std::vector<char> packed;
  std::vector<uint32_t> packedBounds;
  ~DatabaseHandle() {
    if (db != nullptr) hs_free_database(db);
  }
};

// Collects match reports. raw: [id, end]; ranges: [id, firstEnd, lastEnd] (+ segment when withSegment),
// where ends of one id closer than gaps[id] merge into one range.
class Collector {
 public:
  Collector(DatabaseHandle& handle, bool raw, bool withSegment);
  void BeginSegment(uint64_t base, uint32_t segment);
  // One scan over a range covering many segments: each end is mapped to the segment [start, end) with
  // start < end <= end (sorted, disjoint `bounds`); ends in no segment are dropped.
  void MapSegments(const uint32_t* bounds, uint32_t count, uint64_t base);
  Napi::Uint32Array ToArray(Napi::Env env) const;
  // Copies the results into `into` when they fit; returns their length either way.
  size_t CopyTo(uint32_t* into, size_t capacity) const;
  static int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void* ctx);

 private:
  void Add(unsigned int id, uint64_t end);
  // Segment holding end offset `end` (start < end <= stop), or -1.
  int64_t SegmentOf(uint32_t end);
  void NextGeneration();
  DatabaseHandle& handle_;
  bool raw_;
  bool withSegment_;
  uint64_t base_ = 0;
  uint32_t segment_ = 0;
  uint32_t generation_ = 1;
  const uint32_t* bounds_ = nullptr;  // set by MapSegments
  uint32_t count_ = 0;
  uint32_t cursor_ = 0;
  std::vector<uint32_t>& out_;
  std::vector<uint32_t>& slot_;
  std::vector<uint32_t>& slotGeneration_;
};

class Database : public Napi::ObjectWrap<Database> {
 public:
  static Napi::Function Init(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, std::shared_ptr<DatabaseHandle> handle);
  explicit Database(const Napi::CallbackInfo& info);
  std::shared_ptr<DatabaseHandle> handle() const { return handle_; }

 private:
  Napi::Value Scan(const Napi::CallbackInfo& info);
  Napi::Value ScanRanges(const Napi::CallbackInfo& info);
  Napi::Value ScanSegments(const Napi::CallbackInfo& info);
  Napi::Value OpenStream(const Napi::CallbackInfo& info);
  Napi::Value Serialize(const Napi::CallbackInfo& info);
  Napi::Value GetMode(const Napi::CallbackInfo& info);
  Napi::Value GetSize(const Napi::CallbackInfo& info);
  Napi::Value ScanBlock(const Napi::CallbackInfo& info, bool raw);
  Napi::Value ScanRangesInto(const Napi::CallbackInfo& info);
  Napi::Value ScanSegmentsInto(const Napi::CallbackInfo& info);
  Napi::Value ScanRegionsInto(const Napi::CallbackInfo& info);
  // Runs a segments scan into `collector` (validates bounds; throws on bad input).
  void RunBlock(Napi::Env env, const Napi::CallbackInfo& info, Collector& collector);
  void RunSegments(Napi::Env env, const Napi::CallbackInfo& info, Collector& collector);
  // One hs_scan over validated segments packed back to back (PackSegments), ends mapped back (ShiftToOriginal).
  void ScanPacked(Napi::Env env, const char* data, const uint32_t* b, uint32_t count, Collector& collector);
  void PackSegments(const char* data, const uint32_t* b, uint32_t count);
  void ShiftToOriginal(const uint32_t* b);
  // The (bytes, bounds: Uint32Array [s0, e0, …], count) arguments of the segment scans, checked (block mode only).
  struct SegmentArgs {
    const char* data;
    size_t length;
    const uint32_t* bounds;
    uint32_t count;
  };
  SegmentArgs ReadSegmentArgs(Napi::Env env, const Napi::CallbackInfo& info) const;
  void RequireBlock(Napi::Env env) const;
  std::shared_ptr<DatabaseHandle> handle_;
};

class Stream : public Napi::ObjectWrap<Stream> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit Stream(const Napi::CallbackInfo& info);
  ~Stream() override;

 private:
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value WriteInto(const Napi::CallbackInfo& info);
  // Scans info[0] into `collector`; throws on a closed stream or bad input.
  void Run(const Napi::CallbackInfo& info, Collector& collector);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetOffset(const Napi::CallbackInfo& info);
  std::shared_ptr<DatabaseHandle> handle_;
  hs_stream_t* stream_ = nullptr;
  uint64_t offset_ = 0;
};

}  // namespace sluice
