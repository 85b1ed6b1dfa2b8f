/**
 * Integration Response: for each response, the regex that selects it from the backend's status or
 * error, the method status it maps to, header mappings and response templates.
 */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../../components/Alert.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { Field } from '../../components/Field.js';
import { MapEditor } from '../../components/MapEditor.js';
import { TemplatesEditor } from '../../components/TemplatesEditor.js';
import { apigateway, type IntegrationResponse } from '../../clients/apigateway.js';
import { useAction } from '../../lib/hooks.js';
import { fieldPatch, mapPatch } from '../../lib/patch.js';
import { templates, type EditorProps } from './editor-props.js';
import { StatusPicker } from './StatusPicker.js';

export function IntegrationResponsesEditor(props: EditorProps) {
  const { apiId, resourceId, verb, method, onChanged } = props;
  const responses = method.methodIntegration?.integrationResponses ?? {};
  const statuses = Object.keys(responses).sort();
  const [selected, setSelected] = useState(statuses[0]);
  const action = useAction();
  const current = selected && responses[selected] ? responses[selected] : undefined;

  if (!method.methodIntegration) return <p class="muted">Set up the integration request first.</p>;
  return (
    <section aria-labelledby="ires-title">
      <h3 id="ires-title">Integration Response</h3>
      <StatusPicker
        statuses={statuses}
        selected={current?.statusCode}
        onSelect={setSelected}
        withPattern
        addLabel="Add integration response"
        onAdd={(status, pattern) =>
          void action
            .run(() => apigateway.putIntegrationResponse(apiId, resourceId, verb, status, pattern ? { selectionPattern: pattern } : {}))
            .then((ok) => {
              if (!ok) return;
              setSelected(status);
              onChanged();
            })
        }
      />
      <p class="hint small">An integration response needs a method response with the same status code.</p>
      <ErrorAlert error={action.error} />
      {current ? <ResponseForm key={current.statusCode} {...props} response={current} /> : <p class="muted">No integration responses.</p>}
    </section>
  );
}

function ResponseForm({ apiId, resourceId, verb, onChanged, response }: EditorProps & { response: IntegrationResponse }) {
  const [pattern, setPattern] = useState(response.selectionPattern ?? '');
  const [params, setParams] = useState(response.responseParameters ?? {});
  const [tmpl, setTmpl] = useState(templates(response.responseTemplates));
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const status = response.statusCode;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    const ops = [
      ...fieldPatch(response as unknown as Record<string, unknown>, { selectionPattern: pattern }),
      ...mapPatch('/responseParameters', response.responseParameters, params),
      ...mapPatch('/responseTemplates', templates(response.responseTemplates), tmpl),
    ];
    if (ops.length === 0) return setSaved(true);
    if (await save.run(() => apigateway.updateIntegrationResponse(apiId, resourceId, verb, status, ops))) {
      setSaved(true);
      onChanged();
    }
  };

  return (
    <form onSubmit={submit} aria-label={`Integration response ${status}`}>
      <div class="row spread">
        <Field label="Selection pattern (empty: the default response)">
          {(id) => <input id={id} class="wide mono" value={pattern} onInput={(e) => setPattern((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <ConfirmButton
          label={`Delete ${status} response`}
          onConfirm={() => void save.run(() => apigateway.deleteIntegrationResponse(apiId, resourceId, verb, status)).then((ok) => ok && onChanged())}
        />
      </div>
      <MapEditor
        label="Header mappings"
        keyLabel="Response header"
        valueLabel="Mapped from"
        addLabel="Add header mapping"
        keyPlaceholder="method.response.header.Content-Type"
        valuePlaceholder="integration.response.header.Content-Type"
        value={params}
        onChange={setParams}
      />
      <TemplatesEditor title="Mapping templates" kind="response" value={tmpl} onChange={setTmpl} />
      <button type="submit" class="primary" disabled={save.busy}>
        Save integration response {status}
      </button>
      <ErrorAlert error={save.error} title="Could not save" />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}
