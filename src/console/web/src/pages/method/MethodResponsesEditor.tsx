/** Method Response: the status codes the method can return, their headers and models. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../../components/Alert.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { MapEditor } from '../../components/MapEditor.js';
import { apigateway, type MethodResponse } from '../../clients/apigateway.js';
import { useAction } from '../../lib/hooks.js';
import { boolMapPatch, mapPatch } from '../../lib/patch.js';
import { boolsToStrings, stringsToBools, type EditorProps } from './editor-props.js';
import { StatusPicker } from './StatusPicker.js';

export function MethodResponsesEditor(props: EditorProps) {
  const { apiId, resourceId, verb, method, onChanged } = props;
  const responses = method.methodResponses ?? {};
  const statuses = Object.keys(responses).sort();
  const [selected, setSelected] = useState(statuses[0]);
  const action = useAction();
  const current = selected && responses[selected] ? responses[selected] : undefined;

  return (
    <section aria-labelledby="mres-title">
      <h3 id="mres-title">Method Response</h3>
      <StatusPicker
        statuses={statuses}
        selected={current?.statusCode}
        onSelect={setSelected}
        addLabel="Add method response"
        onAdd={(status) =>
          void action
            .run(() => apigateway.putMethodResponse(apiId, resourceId, verb, status, { responseModels: { 'application/json': 'Empty' } }))
            .then((ok) => {
              if (!ok) return;
              setSelected(status);
              onChanged();
            })
        }
      />
      <ErrorAlert error={action.error} />
      {current ? <ResponseForm key={current.statusCode} {...props} response={current} /> : <p class="muted">No method responses.</p>}
    </section>
  );
}

function ResponseForm({ apiId, resourceId, verb, onChanged, response }: EditorProps & { response: MethodResponse }) {
  const [params, setParams] = useState(boolsToStrings(response.responseParameters));
  const [models, setModels] = useState(response.responseModels ?? {});
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const status = response.statusCode;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    const ops = [
      ...boolMapPatch('/responseParameters', response.responseParameters, stringsToBools(params)),
      ...mapPatch('/responseModels', response.responseModels, models),
    ];
    if (ops.length === 0) return setSaved(true);
    if (await save.run(() => apigateway.updateMethodResponse(apiId, resourceId, verb, status, ops))) {
      setSaved(true);
      onChanged();
    }
  };

  return (
    <form onSubmit={submit} aria-label={`Method response ${status}`}>
      <div class="row spread">
        <p>
          HTTP status <strong>{status}</strong>
        </p>
        <ConfirmButton
          label={`Delete ${status} response`}
          onConfirm={() => void save.run(() => apigateway.deleteMethodResponse(apiId, resourceId, verb, status)).then((ok) => ok && onChanged())}
        />
      </div>
      <MapEditor label="Response headers" keyLabel="Header" valueLabel="Required" boolean keyPlaceholder="method.response.header.Content-Type" value={params} onChange={setParams} />
      <MapEditor label="Response models" keyLabel="Content type" valueLabel="Model" keyPlaceholder="application/json" valuePlaceholder="Empty" value={models} onChange={setModels} />
      <button type="submit" class="primary" disabled={save.busy}>
        Save method response {status}
      </button>
      <ErrorAlert error={save.error} title="Could not save" />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}
