/** @module bench/autocannon — the slice of autocannon's programmatic API the adapter bench uses (the package ships no types). */
declare module 'autocannon' {
  interface Options { url: string; method?: string; body?: string; headers?: Record<string, string>; connections?: number; duration?: number }
  interface Result { requests: { average: number }; latency: { p50: number; p99: number; average: number } }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
