/** REST APIs: list, create, import an OpenAPI file, export, delete. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading, Notice } from '../components/Alert.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/Layout.js';
import { Link } from '../components/Link.js';
import { TableHead } from '../components/TableHead.js';
import { apigateway, type RestApi } from '../clients/apigateway.js';
import { formatEpochSeconds } from '../lib/format.js';
import { useAction, useAsync } from '../lib/hooks.js';
import { href, navigate } from '../router.js';
import { ExportForm } from './ExportForm.js';

export function ApisPage() {
  const apis = useAsync(() => apigateway.listRestApis(), []);
  const del = useAction();
  const [exporting, setExporting] = useState<string | undefined>();

  return (
    <section>
      <PageHeader title="APIs" />
      <div class="grid-2">
        <CreateApiForm />
        <ImportApiForm onImported={apis.reload} />
      </div>
      <ErrorAlert error={apis.error} title="Could not list APIs" />
      <ErrorAlert error={del.error} title="Could not delete the API" />
      {apis.data === undefined ? (
        apis.loading ? <Loading what="APIs" /> : null
      ) : apis.data.length === 0 ? (
        <p class="muted">No APIs yet: create one or import an OpenAPI file.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">REST APIs</caption>
            <TableHead columns={['Name', 'ID', 'Description', 'Endpoint', 'Created']} />
            <tbody>
              {apis.data.map((api: RestApi) => (
                <>
                  <tr key={api.id}>
                    <th scope="row">
                      <Link href={href('apis', api.id)}>{api.name}</Link>
                    </th>
                    <td class="mono">{api.id}</td>
                    <td>{api.description ?? ''}</td>
                    <td>{api.endpointConfiguration?.types?.join(', ') ?? 'EDGE'}</td>
                    <td class="nowrap">{formatEpochSeconds(api.createdDate)}</td>
                    <td class="actions">
                      <Link class="button secondary small" href={href('apis', api.id, 'stages')}>
                        Stages
                      </Link>
                      <button type="button" class="secondary small" aria-expanded={exporting === api.id} onClick={() => setExporting(exporting === api.id ? undefined : api.id)}>
                        Export
                      </button>
                      <ConfirmButton
                        small
                        label="Delete"
                        confirmLabel={`Delete ${api.name}`}
                        disabled={del.busy}
                        onConfirm={() => void del.run(() => apigateway.deleteRestApi(api.id)).then(apis.reload)}
                      />
                    </td>
                  </tr>
                  {exporting === api.id ? (
                    <tr class="subrow">
                      <td colSpan={6}>
                        <ExportForm api={api} />
                      </td>
                    </tr>
                  ) : null}
                </>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateApiForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    let created: RestApi | undefined;
    if (await create.run(async () => (created = await apigateway.createRestApi(name.trim(), description.trim())))) navigate(href('apis', created!.id));
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-api-title">
      <h2 id="create-api-title" class="card-title">
        Create API
      </h2>
      <Field label="API name">{(id) => <input id={id} required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}</Field>
      <Field label="Description">{(id) => <input id={id} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />}</Field>
      <button type="submit" class="primary" disabled={create.busy || name.trim() === ''}>
        {create.busy ? 'Creating…' : 'Create API'}
      </button>
      <ErrorAlert error={create.error} title="Could not create the API" />
    </form>
  );
}

function ImportApiForm({ onImported }: { onImported: () => void }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [failOnWarnings, setFailOnWarnings] = useState(false);
  const [imported, setImported] = useState<RestApi>();
  const action = useAction();
  const pick = async (e: Event): Promise<void> => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setImported(undefined);
    if (await action.run(async () => setImported(await apigateway.importRestApi(text, failOnWarnings)))) onImported();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="import-api-title">
      <h2 id="import-api-title" class="card-title">
        Import an OpenAPI file
      </h2>
      <Field label="OpenAPI 3.0 or Swagger 2.0 file (JSON or YAML)" hint={fileName ? `Loaded ${fileName}; you can edit it below.` : 'Or paste the definition below.'}>
        {(id, hint) => <input id={id} type="file" accept=".json,.yaml,.yml,application/json,application/yaml" aria-describedby={hint} onChange={pick} />}
      </Field>
      <Field label="Definition">
        {(id) => <textarea id={id} class="code" rows={6} spellcheck={false} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />}
      </Field>
      <label class="checkbox">
        <input type="checkbox" checked={failOnWarnings} onChange={(e) => setFailOnWarnings((e.currentTarget as HTMLInputElement).checked)} /> Fail on warnings
      </label>
      <button type="submit" class="primary" disabled={action.busy || text.trim() === ''}>
        {action.busy ? 'Importing…' : 'Import'}
      </button>
      <ErrorAlert error={action.error} title="Import failed" />
      {imported ? (
        <Notice kind="success">
          Imported <Link href={href('apis', imported.id)}>{imported.name}</Link> ({imported.id}).
          {imported.warnings?.length ? (
            <ul>
              {imported.warnings.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ) : null}
    </form>
  );
}
