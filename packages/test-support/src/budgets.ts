/**
 * What a gateway may reach under any load or fault, whatever users do: heap used (before any
 * forced GC) and event-loop lag p99 as `/metrics` reports them. Far above a healthy gateway's
 * figures: only a runaway or a stall crosses them, not a busy machine.
 */
export const GATEWAY_BUDGETS = {
  heapBytes: 1024 ** 3,
  eventLoopLagMs: 1000,
} as const;

/** A gateway's heap and event-loop lag p99 from its `/metrics` text (NaN where absent). */
export function gatewayLoad(metrics: string): { heapBytes: number; eventLoopLagMs: number } {
  const value = (name: string) => {
    const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? NaN : Number(line.split(' ')[1]);
  };
  return {
    heapBytes: value('nodejs_heap_size_used_bytes'),
    eventLoopLagMs: value('nodejs_eventloop_lag_p99_seconds') * 1000,
  };
}
