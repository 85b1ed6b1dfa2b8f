/** GetExport: pick a deployed stage, a type and a format; the file downloads. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Loading } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { apigateway, type ExportType, type RestApi } from '../clients/apigateway.js';
import { useAction, useAsync } from '../lib/hooks.js';

export function ExportForm({ api }: { api: RestApi }) {
  const stages = useAsync(() => apigateway.getStages(api.id), [api.id]);
  const [stage, setStage] = useState('');
  const [type, setType] = useState<ExportType>('oas30');
  const [format, setFormat] = useState<'json' | 'yaml'>('yaml');
  const action = useAction();
  const chosen = stage || stages.data?.[0]?.stageName || '';

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    await action.run(async () => {
      const text = await apigateway.getExport(api.id, chosen, type, format);
      const blob = new Blob([text], { type: format === 'yaml' ? 'application/yaml' : 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${api.name}-${chosen}-${type}.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
  };

  if (stages.loading && !stages.data) return <Loading what="stages" />;
  if (stages.data?.length === 0) return <p class="muted">Deploy {api.name} to a stage first: exports are made from a stage.</p>;
  return (
    <form class="row wrap" onSubmit={submit} aria-label={`Export ${api.name}`}>
      <Field label="Stage">
        {(id) => (
          <select id={id} value={chosen} onChange={(e) => setStage((e.currentTarget as HTMLSelectElement).value)}>
            {stages.data?.map((s) => (
              <option value={s.stageName}>{s.stageName}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Type">
        {(id) => (
          <select id={id} value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as ExportType)}>
            <option value="oas30">OpenAPI 3.0</option>
            <option value="swagger">Swagger 2.0</option>
          </select>
        )}
      </Field>
      <Field label="Format">
        {(id) => (
          <select id={id} value={format} onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value as 'json' | 'yaml')}>
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        )}
      </Field>
      <button type="submit" class="primary" disabled={action.busy || !chosen}>
        Download export
      </button>
      <ErrorAlert error={action.error} title="Export failed" />
      <ErrorAlert error={stages.error} title="Could not list stages" />
    </form>
  );
}
