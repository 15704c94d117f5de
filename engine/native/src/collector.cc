// @module native/collector — gathers libhs match reports into a flat Uint32Array (raw or merged ranges).
#include <algorithm>
#include <cstring>

#include "sluice_hs.h"

namespace sluice {

Collector::Collector(DatabaseHandle& handle, bool raw, bool withSegment)
    : handle_(handle), raw_(raw), withSegment_(withSegment), out_(handle.out), slot_(handle.slot),
      slotGeneration_(handle.slotGeneration) {
  out_.clear();  // keeps its capacity across calls
  if (!raw_) {
    if (slot_.size() != handle_.gaps.size()) {
      slot_.assign(handle_.gaps.size(), 0);
      slotGeneration_.assign(handle_.gaps.size(), 0);
    }
    NextGeneration();
  }
}

// Slots stamped with an older generation are stale: no clearing per call, only on wrap-around.
void Collector::NextGeneration() {
  if (++handle_.generation == 0) {
    std::fill(slotGeneration_.begin(), slotGeneration_.end(), 0);
    handle_.generation = 1;
  }
  generation_ = handle_.generation;
}

void Collector::BeginSegment(uint64_t base, uint32_t segment) {
  base_ = base;
  segment_ = segment;
  NextGeneration();  // ranges never continue across segments
}

void Collector::MapSegments(const uint32_t* bounds, uint32_t count, uint64_t base) {
  bounds_ = bounds;
  count_ = count;
  cursor_ = 0;
  base_ = base;
}

int64_t Collector::SegmentOf(uint32_t end) {
  // libhs reports ends in (mostly) ascending order: step the cursor, binary search on a jump.
  uint32_t c = cursor_;
  if (end > bounds_[2 * c + 1]) {
    if (c + 1 < count_ && end <= bounds_[2 * c + 3]) c++;
    else {
      uint32_t lo = c, hi = count_ - 1;  // last segment whose start < end
      while (lo < hi) {
        uint32_t mid = (lo + hi + 1) / 2;
        if (bounds_[2 * mid] < end) lo = mid; else hi = mid - 1;
      }
      c = lo;
    }
  } else if (end <= bounds_[2 * c]) {
    uint32_t lo = 0, hi = c;  // last segment whose start < end (none when end <= bounds_[0])
    if (end <= bounds_[0]) return -1;
    while (lo < hi) {
      uint32_t mid = (lo + hi + 1) / 2;
      if (bounds_[2 * mid] < end) lo = mid; else hi = mid - 1;
    }
    c = lo;
  }
  cursor_ = c;
  return end > bounds_[2 * c] && end <= bounds_[2 * c + 1] ? static_cast<int64_t>(c) : -1;
}

int Collector::OnMatch(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  static_cast<Collector*>(ctx)->Add(id, static_cast<uint64_t>(to));
  return 0;  // keep scanning
}

void Collector::Add(unsigned int id, uint64_t end) {
  const uint32_t absolute = static_cast<uint32_t>(base_ + end);
  if (bounds_ != nullptr) {
    const int64_t segment = SegmentOf(absolute);
    if (segment < 0) return;  // ends between segments (keys, punctuation) are no candidates
    if (static_cast<uint32_t>(segment) != segment_) {
      segment_ = static_cast<uint32_t>(segment);
      NextGeneration();  // ranges never continue across segments
    }
  }
  if (raw_) {
    out_.push_back(id);
    out_.push_back(absolute);
    return;
  }
  if (id < slotGeneration_.size() && slotGeneration_[id] == generation_) {
    uint32_t* range = &out_[slot_[id]];
    const uint32_t gap = handle_.gaps[id];
    if (absolute <= range[2] + gap && absolute + gap >= range[1]) {
      if (absolute > range[2]) range[2] = absolute;
      if (absolute < range[1]) range[1] = absolute;
      return;
    }
  }
  if (id < slotGeneration_.size()) {
    slot_[id] = static_cast<uint32_t>(out_.size());
    slotGeneration_[id] = generation_;
  }
  out_.push_back(id);
  out_.push_back(absolute);
  out_.push_back(absolute);
  if (withSegment_) out_.push_back(segment_);
}

size_t Collector::CopyTo(uint32_t* into, size_t capacity) const {
  if (out_.size() <= capacity && !out_.empty()) std::memcpy(into, out_.data(), out_.size() * sizeof(uint32_t));
  return out_.size();
}

Napi::Uint32Array Collector::ToArray(Napi::Env env) const {
  Napi::Uint32Array array = Napi::Uint32Array::New(env, out_.size());
  if (!out_.empty()) std::memcpy(array.Data(), out_.data(), out_.size() * sizeof(uint32_t));
  return array;
}

}  // namespace sluice
