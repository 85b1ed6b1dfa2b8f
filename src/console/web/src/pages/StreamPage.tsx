/** One stream: its settings; an overview tab (live traffic, put a record, shards and their lineage) and a Monitoring tab. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading, Notice } from '../components/Alert.js';
import { BarChart } from '../components/Chart.js';
import { CopyField } from '../components/CopyField.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { TableHead } from '../components/TableHead.js';
import { Tabs } from '../components/Tabs.js';
import * as kinesis from '../clients/kinesis.js';
import { abbreviate, formatBytes, formatEpochSeconds } from '../lib/format.js';
import { useAction, useAsync, useInterval } from '../lib/hooks.js';
import { useStreamTraffic } from '../lib/traffic.js';
import { STREAM_CHARTS } from '../lib/metric-catalog.js';
import { href, navigate } from '../router.js';
import { MonitoringPanel } from './MonitoringPanel.js';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'monitoring', label: 'Monitoring' },
] as const;

export function StreamPage({ name, tab }: { name: string; tab: string | undefined }) {
  const selected = TABS.some((t) => t.id === tab) ? tab! : 'overview';
  const select = (id: string): void => navigate(id === 'overview' ? href('streams', name) : `${href('streams', name)}?tab=${id}`, true);
  const detail = useAsync(() => kinesis.describeStreamSummary(name), [name]);
  const shards = useAsync(() => kinesis.listShards(name), [name]);
  const active = detail.data?.StreamStatus === 'ACTIVE' || detail.data?.StreamStatus === 'UPDATING';
  useInterval(() => {
    detail.reload();
    shards.reload();
  }, detail.data && !active ? 1000 : 10000);
  const [live, setLive] = useState(true);
  const traffic = useStreamTraffic(name, live && active && selected === 'overview');
  const d = detail.data;

  return (
    <section>
      <PageHeader
        title={name}
        crumbs={[{ label: 'Kinesis streams', href: href('streams') }]}
        actions={
          <Link class="button primary" href={href('streams', name, 'data')}>
            Data viewer
          </Link>
        }
      />
      <ErrorAlert error={detail.error} title="Could not describe the stream" />
      {d === undefined ? (
        detail.loading ? <Loading what="the stream" /> : null
      ) : (
        <div class="card">
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <span class={`badge status-${d.StreamStatus.toLowerCase()}`}>{d.StreamStatus}</span>
              </dd>
            </div>
            <div>
              <dt>Capacity mode</dt>
              <dd>{d.StreamModeDetails?.StreamMode ?? 'PROVISIONED'}</dd>
            </div>
            <div>
              <dt>Open shards</dt>
              <dd>{d.OpenShardCount}</dd>
            </div>
            <div>
              <dt>Retention</dt>
              <dd>{d.RetentionPeriodHours} hours</dd>
            </div>
            <div>
              <dt>Encryption</dt>
              <dd>{d.EncryptionType === 'KMS' ? `KMS, key ${d.KeyId ?? ''}` : 'None'}</dd>
            </div>
            <div>
              <dt>Enhanced fan-out consumers</dt>
              <dd>{d.ConsumerCount ?? 0}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatEpochSeconds(d.StreamCreationTimestamp)}</dd>
            </div>
          </dl>
          <CopyField label="Stream ARN" value={d.StreamARN} />
        </div>
      )}

      <Tabs tabs={TABS} selected={selected} onSelect={select} label="Stream">
        {selected === 'monitoring' ? (
          <MonitoringPanel charts={STREAM_CHARTS} labels={{ StreamName: name }} scope={`stream ${name}`} />
        ) : (
          <>
            <section class="card" aria-labelledby="traffic-title">
              <div class="row spread">
                <h2 id="traffic-title" class="card-title">
                  Incoming data
                </h2>
                <label class="checkbox">
                  <input type="checkbox" checked={live} onChange={(e) => setLive((e.currentTarget as HTMLInputElement).checked)} /> Live (polls GetRecords once a second)
                </label>
              </div>
              {traffic.error ? <Notice kind="warning">Polling failed: {traffic.error}</Notice> : null}
              <div class="charts">
                <BarChart title="Records per second" unit="records/s" points={traffic.points.map((p) => ({ t: p.t, value: p.records }))} />
                <BarChart title="Bytes per second" unit="/s" format={formatBytes} points={traffic.points.map((p) => ({ t: p.t, value: p.bytes }))} />
              </div>
            </section>

            <PutRecordForm stream={name} />

            <section class="card" aria-labelledby="shards-title">
              <h2 id="shards-title" class="card-title">
                Shards
              </h2>
              <ErrorAlert error={shards.error} title="Could not list shards" />
              {shards.data ? <ShardTable stream={name} shards={shards.data} /> : shards.loading ? <Loading what="shards" /> : null}
            </section>
          </>
        )}
      </Tabs>
    </section>
  );
}

function lineage(s: kinesis.Shard): string {
  if (s.ParentShardId && s.AdjacentParentShardId) return `merged from ${s.ParentShardId} + ${s.AdjacentParentShardId}`;
  if (s.ParentShardId) return `split from ${s.ParentShardId}`;
  return 'original';
}

function ShardTable({ stream, shards }: { stream: string; shards: kinesis.Shard[] }) {
  const children = (id: string): string[] => shards.filter((s) => s.ParentShardId === id || s.AdjacentParentShardId === id).map((s) => s.ShardId);
  return (
    <div class="table-wrap">
      <table>
        <TableHead columns={['Shard', 'State', 'Hash key range', 'Sequence number range', 'Lineage']} />
        <tbody>
          {shards.map((s) => {
            const open = s.SequenceNumberRange.EndingSequenceNumber === undefined;
            const kids = children(s.ShardId);
            return (
              <tr key={s.ShardId}>
                <th scope="row" class="mono">
                  {s.ShardId}
                </th>
                <td>
                  <span class={`badge ${open ? 'status-active' : 'status-closed'}`}>{open ? 'OPEN' : 'CLOSED'}</span>
                </td>
                <td class="mono small" title={`${s.HashKeyRange.StartingHashKey} – ${s.HashKeyRange.EndingHashKey}`}>
                  {abbreviate(s.HashKeyRange.StartingHashKey)} – {abbreviate(s.HashKeyRange.EndingHashKey)}
                </td>
                <td class="mono small" title={`${s.SequenceNumberRange.StartingSequenceNumber} – ${s.SequenceNumberRange.EndingSequenceNumber ?? '(open)'}`}>
                  {abbreviate(s.SequenceNumberRange.StartingSequenceNumber)} – {s.SequenceNumberRange.EndingSequenceNumber ? abbreviate(s.SequenceNumberRange.EndingSequenceNumber) : 'open'}
                </td>
                <td class="small">
                  {lineage(s)}
                  {kids.length > 0 ? <div class="muted">→ {kids.join(', ')}</div> : null}
                </td>
                <td>
                  <Link class="button secondary small" href={`${href('streams', stream, 'data')}?shard=${encodeURIComponent(s.ShardId)}`}>
                    Records
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function PutRecordForm({ stream }: { stream: string }) {
  const [key, setKey] = useState('key-1');
  const [data, setData] = useState('{"hello":"world"}');
  const [last, setLast] = useState<{ ShardId: string; SequenceNumber: string }>();
  const put = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    await put.run(async () => setLast(await kinesis.putRecord(stream, key, new TextEncoder().encode(data))));
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="put-title">
      <h2 id="put-title" class="card-title">
        Put a record
      </h2>
      <div class="row wrap">
        <Field label="Partition key">{(id) => <input id={id} required value={key} onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} />}</Field>
        <Field label="Data (text)">{(id) => <input id={id} class="wide" value={data} onInput={(e) => setData((e.currentTarget as HTMLInputElement).value)} />}</Field>
        <button type="submit" class="secondary" disabled={put.busy}>
          PutRecord
        </button>
      </div>
      <ErrorAlert error={put.error} title="PutRecord failed" />
      {last ? (
        <p class="small" role="status">
          Stored in <span class="mono">{last.ShardId}</span> as <span class="mono">{last.SequenceNumber}</span>
        </p>
      ) : null}
    </form>
  );
}
