/** Kinesis streams: status, mode, shards, retention, encryption; create and delete. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../components/Alert.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { TableHead } from '../components/TableHead.js';
import * as kinesis from '../clients/kinesis.js';
import { formatEpochSeconds } from '../lib/format.js';
import { useAction, useAsync, useInterval } from '../lib/hooks.js';
import { href } from '../router.js';

interface Row {
  summary: kinesis.StreamSummary;
  detail?: kinesis.StreamDescriptionSummary;
}

async function loadStreams(): Promise<Row[]> {
  const streams = await kinesis.listStreams();
  return Promise.all(
    streams.map(async (summary) => {
      try {
        return { summary, detail: await kinesis.describeStreamSummary(summary.StreamName) };
      } catch {
        return { summary };
      }
    }),
  );
}

export function StreamsPage() {
  const streams = useAsync(loadStreams, []);
  const changing = streams.data?.some((r) => (r.detail?.StreamStatus ?? r.summary.StreamStatus) !== 'ACTIVE') ?? false;
  useInterval(streams.reload, changing ? 1000 : 5000);
  const del = useAction();
  const [created, setCreated] = useState(0);

  return (
    <section>
      <PageHeader title="Kinesis streams" />
      <CreateStreamForm
        key={created}
        onCreated={() => {
          setCreated(created + 1);
          streams.reload();
        }}
      />
      <ErrorAlert error={streams.error} title="Could not list streams" />
      <ErrorAlert error={del.error} title="Could not delete the stream" />
      {streams.data === undefined ? (
        streams.loading ? <Loading what="streams" /> : null
      ) : streams.data.length === 0 ? (
        <p class="muted">No streams yet. Create one above, or with `aws kinesis create-stream`.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Streams</caption>
            <TableHead columns={['Name', 'Status', 'Capacity mode', 'Open shards', 'Retention', 'Encryption', 'Created']} />
            <tbody>
              {streams.data.map(({ summary, detail }) => {
                const status = detail?.StreamStatus ?? summary.StreamStatus;
                return (
                  <tr key={summary.StreamName}>
                    <th scope="row">
                      <Link href={href('streams', summary.StreamName)}>{summary.StreamName}</Link>
                    </th>
                    <td>
                      <span class={`badge status-${status.toLowerCase()}`}>{status}</span>
                    </td>
                    <td>{(detail?.StreamModeDetails ?? summary.StreamModeDetails)?.StreamMode ?? 'PROVISIONED'}</td>
                    <td>{detail?.OpenShardCount ?? '—'}</td>
                    <td>{detail ? `${detail.RetentionPeriodHours} h` : '—'}</td>
                    <td>{detail?.EncryptionType === 'KMS' ? `KMS (${detail.KeyId ?? 'key'})` : 'None'}</td>
                    <td>{formatEpochSeconds(detail?.StreamCreationTimestamp ?? summary.StreamCreationTimestamp)}</td>
                    <td class="actions">
                      <Link class="button secondary small" href={href('streams', summary.StreamName, 'data')}>
                        View data
                      </Link>
                      <ConfirmButton
                        small
                        label="Delete"
                        confirmLabel={`Delete ${summary.StreamName}`}
                        disabled={status === 'DELETING' || del.busy}
                        onConfirm={() => void del.run(() => kinesis.deleteStream(summary.StreamName)).then(streams.reload)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateStreamForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [mode, setMode] = useState<kinesis.StreamMode>('PROVISIONED');
  const [shards, setShards] = useState(1);
  const create = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (await create.run(() => kinesis.createStream(name.trim(), mode, shards))) onCreated();
  };
  return (
    <form class="card form-row" onSubmit={submit} aria-labelledby="create-stream-title">
      <h2 id="create-stream-title" class="card-title">
        Create a stream
      </h2>
      <div class="row wrap">
        <Field label="Stream name">
          {(id) => <input id={id} required pattern="[a-zA-Z0-9_.\-]{1,128}" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label="Capacity mode">
          {(id) => (
            <select id={id} value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as kinesis.StreamMode)}>
              <option value="PROVISIONED">Provisioned</option>
              <option value="ON_DEMAND">On-demand</option>
            </select>
          )}
        </Field>
        {mode === 'PROVISIONED' ? (
          <Field label="Shards">
            {(id) => <input id={id} type="number" min={1} max={500} value={shards} onInput={(e) => setShards(Number((e.currentTarget as HTMLInputElement).value))} />}
          </Field>
        ) : null}
        <button type="submit" class="primary" disabled={create.busy || name.trim() === ''}>
          {create.busy ? 'Creating…' : 'Create stream'}
        </button>
      </div>
      <ErrorAlert error={create.error} title="Could not create the stream" />
    </form>
  );
}
