/**
 * Incoming records and bytes per second for a stream, measured client-side: one GetRecords poll
 * per open shard each second, from LATEST (shards that appear later, from TRIM_HORIZON, so
 * records written to a new child shard are counted too). Only public Kinesis calls.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as kinesis from '../clients/kinesis.js';

export interface TrafficPoint {
  /** Epoch ms at the end of the second. */
  readonly t: number;
  readonly records: number;
  readonly bytes: number;
}

export const WINDOW_SECONDS = 60;

export function useStreamTraffic(stream: string, enabled: boolean): { points: TrafficPoint[]; error: string | undefined } {
  const [points, setPoints] = useState<TrafficPoint[]>([]);
  const [error, setError] = useState<string | undefined>();
  const iterators = useRef(new Map<string, string | null>());

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let started = false;
    let tick = 0;
    iterators.current = new Map();

    const refreshShards = async (): Promise<void> => {
      const shards = await kinesis.listShards(stream);
      for (const s of shards) {
        if (iterators.current.has(s.ShardId) || s.SequenceNumberRange.EndingSequenceNumber !== undefined) continue;
        const type = started ? 'TRIM_HORIZON' : 'LATEST';
        iterators.current.set(s.ShardId, await kinesis.getShardIterator(stream, s.ShardId, { type }));
      }
      started = true;
    };

    const poll = async (): Promise<void> => {
      let records = 0;
      let bytes = 0;
      try {
        if (tick++ % 10 === 0) await refreshShards();
        await Promise.all(
          [...iterators.current.entries()].map(async ([shardId, iterator]) => {
            if (!iterator) return;
            try {
              const out = await kinesis.getRecords(iterator, 10000);
              records += out.Records.length;
              for (const r of out.Records) bytes += Math.floor((r.Data.length * 3) / 4) - (r.Data.endsWith('==') ? 2 : r.Data.endsWith('=') ? 1 : 0);
              if (out.NextShardIterator) iterators.current.set(shardId, out.NextShardIterator);
              else iterators.current.delete(shardId);
            } catch (e) {
              if ((e as { code?: string }).code === 'ExpiredIteratorException') {
                iterators.current.set(shardId, await kinesis.getShardIterator(stream, shardId, { type: 'LATEST' }));
              } else if ((e as { code?: string }).code !== 'ProvisionedThroughputExceededException') throw e;
            }
          }),
        );
        if (live) setError(undefined);
      } catch (e) {
        if (live) setError((e as Error).message);
      }
      if (!live) return;
      const point = { t: Date.now(), records, bytes };
      setPoints((prev) => [...prev, point].slice(-WINDOW_SECONDS));
    };

    let timer: ReturnType<typeof setTimeout>;
    const loop = async (): Promise<void> => {
      const began = Date.now();
      await poll();
      if (live) timer = setTimeout(() => void loop(), Math.max(0, 1000 - (Date.now() - began)));
    };
    void loop();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [stream, enabled]);

  return { points, error };
}
