/**
 * The data viewer: pick a shard and a starting position, read records with GetShardIterator and
 * GetRecords, show each one's partition key, sequence number, arrival time and data decoded as
 * text, pretty JSON or hex, and optionally follow new records as they arrive.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorAlert, Loading, Notice } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/Layout.js';
import * as kinesis from '../clients/kinesis.js';
import { decodeData, type DataView } from '../lib/decode.js';
import { formatBytes, formatEpochSeconds } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { href } from '../router.js';

const MAX_SHOWN = 1000;

interface Shown {
  record: kinesis.KinesisRecord;
  bytes: Uint8Array;
}

export function DataViewerPage({ name, shardId }: { name: string; shardId?: string | undefined }) {
  const shards = useAsync(() => kinesis.listShards(name), [name]);
  const [shard, setShard] = useState(shardId ?? '');
  const [type, setType] = useState<kinesis.ShardIteratorType>('TRIM_HORIZON');
  const [sequence, setSequence] = useState('');
  const [timestamp, setTimestamp] = useState(() => toLocalInput(new Date(Date.now() - 3600_000)));
  const [view, setView] = useState<DataView>('text');
  const [follow, setFollow] = useState(false);
  const [records, setRecords] = useState<Shown[]>([]);
  const [error, setError] = useState<unknown>();
  const [reading, setReading] = useState(false);
  const [behind, setBehind] = useState<number | undefined>();
  const [closed, setClosed] = useState(false);
  const iterator = useRef<string | undefined>(undefined);
  const session = useRef(0);

  useEffect(() => {
    if (!shard && shards.data?.length) setShard(shards.data.find((s) => !s.SequenceNumberRange.EndingSequenceNumber)?.ShardId ?? shards.data[0]!.ShardId);
  }, [shards.data, shard]);

  const append = (out: kinesis.GetRecordsOutput): void => {
    if (out.Records.length > 0) {
      setRecords((prev) => [...prev, ...out.Records.map((record) => ({ record, bytes: kinesis.fromBase64(record.Data) }))].slice(-MAX_SHOWN));
    }
    setBehind(out.MillisBehindLatest);
    iterator.current = out.NextShardIterator;
    if (!out.NextShardIterator) setClosed(true);
  };

  /** Reads until records come back or the reader has caught up (a few calls at most). */
  const readMore = async (mine: number): Promise<void> => {
    for (let i = 0; i < 5 && iterator.current && mine === session.current; i++) {
      const out = await kinesis.getRecords(iterator.current);
      if (mine !== session.current) return;
      append(out);
      if (out.Records.length > 0 || !out.MillisBehindLatest) break;
    }
  };

  const start = async (e?: Event): Promise<void> => {
    e?.preventDefault();
    const mine = ++session.current;
    setRecords([]);
    setError(undefined);
    setClosed(false);
    setReading(true);
    try {
      const at: kinesis.StartingPosition = { type };
      if (type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') at.sequenceNumber = sequence.trim();
      if (type === 'AT_TIMESTAMP') at.timestamp = new Date(timestamp).getTime();
      iterator.current = await kinesis.getShardIterator(name, shard, at);
      await readMore(mine);
    } catch (err) {
      if (mine === session.current) setError(err);
    } finally {
      if (mine === session.current) setReading(false);
    }
  };

  // Follow: poll the current iterator once a second.
  useEffect(() => {
    if (!follow) return;
    const mine = session.current;
    let live = true;
    const id = setInterval(() => {
      if (!iterator.current || !live) return;
      kinesis.getRecords(iterator.current).then(
        (out) => live && mine === session.current && append(out),
        (err: unknown) => live && setError(err),
      );
    }, 1000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [follow, reading]);

  return (
    <section>
      <PageHeader title="Data viewer" crumbs={[{ label: 'Kinesis streams', href: href('streams') }, { label: name, href: href('streams', name) }]} />
      <ErrorAlert error={shards.error} title="Could not list shards" />
      <form class="card" onSubmit={start} aria-label="Where to start reading">
        <div class="row wrap">
          <Field label="Shard">
            {(id) =>
              shards.data ? (
                <select id={id} value={shard} onChange={(e) => setShard((e.currentTarget as HTMLSelectElement).value)}>
                  {shards.data.map((s) => (
                    <option value={s.ShardId}>
                      {s.ShardId}
                      {s.SequenceNumberRange.EndingSequenceNumber ? ' (closed)' : ''}
                    </option>
                  ))}
                </select>
              ) : (
                <select id={id} disabled>
                  <option>Loading…</option>
                </select>
              )
            }
          </Field>
          <Field label="Starting position">
            {(id) => (
              <select id={id} value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as kinesis.ShardIteratorType)}>
                <option value="TRIM_HORIZON">Trim horizon (oldest)</option>
                <option value="LATEST">Latest (new records only)</option>
                <option value="AT_SEQUENCE_NUMBER">At sequence number</option>
                <option value="AFTER_SEQUENCE_NUMBER">After sequence number</option>
                <option value="AT_TIMESTAMP">At timestamp</option>
              </select>
            )}
          </Field>
          {type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER' ? (
            <Field label="Sequence number">
              {(id) => <input id={id} class="wide mono" required inputMode="numeric" pattern="[0-9]+" value={sequence} onInput={(e) => setSequence((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
          ) : null}
          {type === 'AT_TIMESTAMP' ? (
            <Field label="Timestamp (local time)">
              {(id) => <input id={id} type="datetime-local" step="1" required value={timestamp} onInput={(e) => setTimestamp((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
          ) : null}
          <button type="submit" class="primary" disabled={!shard || reading}>
            {reading ? 'Reading…' : 'Get records'}
          </button>
        </div>
        <div class="row wrap">
          <fieldset class="radio-group">
            <legend>Show data as</legend>
            {(['text', 'json', 'hex'] as const).map((v) => (
              <label class="checkbox">
                <input type="radio" name="data-view" value={v} checked={view === v} onChange={() => setView(v)} /> {v === 'json' ? 'JSON' : v === 'hex' ? 'Hex' : 'Text'}
              </label>
            ))}
          </fieldset>
          <label class="checkbox">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.currentTarget as HTMLInputElement).checked)} /> Follow new records live
          </label>
          <button type="button" class="secondary" disabled={!iterator.current || reading || follow} onClick={() => void readMore(session.current).catch(setError)}>
            Read more
          </button>
        </div>
      </form>
      <ErrorAlert error={error} title="Reading failed" />
      <div class="row spread">
        <p class="muted small" role="status" aria-live="polite">
          {records.length} record{records.length === 1 ? '' : 's'}
          {records.length === MAX_SHOWN ? ` (the newest ${MAX_SHOWN} are kept)` : ''}
          {behind !== undefined ? ` · ${behind} ms behind latest` : ''}
          {follow ? ' · following' : ''}
        </p>
      </div>
      {closed ? <Notice kind="warning">This shard is closed and fully read; its children hold newer records.</Notice> : null}
      {reading && records.length === 0 ? <Loading what="records" /> : null}
      {records.length > 0 ? (
        <div class="table-wrap">
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Arrival time</th>
                <th scope="col">Partition key</th>
                <th scope="col">Sequence number</th>
                <th scope="col">Size</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {records.map(({ record, bytes }) => (
                <tr key={record.SequenceNumber}>
                  <td class="nowrap small">{formatEpochSeconds(record.ApproximateArrivalTimestamp)}</td>
                  <td class="mono small">{record.PartitionKey}</td>
                  <td class="mono small seq">{record.SequenceNumber}</td>
                  <td class="nowrap small">{formatBytes(bytes.length)}</td>
                  <td>
                    <pre class="data">{decodeData(bytes, view)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function toLocalInput(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
