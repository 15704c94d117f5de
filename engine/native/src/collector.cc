// @module native/collector — gathers libhs match reports into a flat Uint32Array (raw or merged ranges).
#include <cstring>

#include "sluice_hs.h"

namespace sluice {

Collector::Collector(const DatabaseHandle& handle, bool raw, bool withSegment)
    : handle_(handle), raw_(raw), withSegment_(withSegment) {
  if (!raw_) {
    slot_.assign(handle_.gaps.size(), 0);
    slotGeneration_.assign(handle_.gaps.size(), 0);
  }
}

void Collector::BeginSegment(uint64_t base, uint32_t segment) {
  base_ = base;
  segment_ = segment;
  generation_++;  // ranges never continue across segments
}

int Collector::OnMatch(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  static_cast<Collector*>(ctx)->Add(id, static_cast<uint64_t>(to));
  return 0;  // keep scanning
}

void Collector::Add(unsigned int id, uint64_t end) {
  const uint32_t absolute = static_cast<uint32_t>(base_ + end);
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

Napi::Uint32Array Collector::ToArray(Napi::Env env) const {
  Napi::Uint32Array array = Napi::Uint32Array::New(env, out_.size());
  if (!out_.empty()) std::memcpy(array.Data(), out_.data(), out_.size() * sizeof(uint32_t));
  return array;
}

}  // namespace sluice
