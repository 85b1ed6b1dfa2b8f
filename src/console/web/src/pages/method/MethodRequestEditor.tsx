/** Method Request: authorization, API key, request parameters and models (UpdateMethod). */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { MapEditor } from '../../components/MapEditor.js';
import { apigateway } from '../../clients/apigateway.js';
import { useAction } from '../../lib/hooks.js';
import { boolMapPatch, fieldPatch, mapPatch } from '../../lib/patch.js';
import { boolsToStrings, stringsToBools, type EditorProps } from './editor-props.js';

export function MethodRequestEditor({ apiId, resourceId, verb, method, onChanged }: EditorProps) {
  const [auth, setAuth] = useState(method.authorizationType ?? 'NONE');
  const [apiKey, setApiKey] = useState(method.apiKeyRequired ?? false);
  const [params, setParams] = useState(boolsToStrings(method.requestParameters));
  const [models, setModels] = useState(method.requestModels ?? {});
  const [saved, setSaved] = useState(false);
  const save = useAction();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    const ops = [
      ...fieldPatch(method as unknown as Record<string, unknown>, { authorizationType: auth, apiKeyRequired: String(apiKey) }, { authorizationType: 'NONE', apiKeyRequired: 'false' }),
      ...boolMapPatch('/requestParameters', method.requestParameters, stringsToBools(params)),
      ...mapPatch('/requestModels', method.requestModels, models),
    ];
    if (ops.length === 0) return setSaved(true);
    if (await save.run(() => apigateway.updateMethod(apiId, resourceId, verb, ops))) {
      setSaved(true);
      onChanged();
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="mreq-title">
      <h3 id="mreq-title">Method Request</h3>
      <div class="row wrap">
        <Field label="Authorization">
          {(id) => (
            <select id={id} value={auth} onChange={(e) => setAuth((e.currentTarget as HTMLSelectElement).value)}>
              <option value="NONE">NONE</option>
              <option value="AWS_IAM">AWS_IAM</option>
              <option value="CUSTOM">CUSTOM (Lambda authorizer)</option>
              <option value="COGNITO_USER_POOLS">COGNITO_USER_POOLS</option>
            </select>
          )}
        </Field>
        <label class="checkbox">
          <input type="checkbox" checked={apiKey} onChange={(e) => setApiKey((e.currentTarget as HTMLInputElement).checked)} /> API key required
        </label>
      </div>
      <MapEditor
        label="Request parameters (path, query string, headers)"
        keyLabel="Parameter"
        valueLabel="Required"
        boolean
        keyPlaceholder="method.request.querystring.shard-id"
        value={params}
        onChange={setParams}
      />
      <MapEditor label="Request models" keyLabel="Content type" valueLabel="Model" keyPlaceholder="application/json" valuePlaceholder="Empty" value={models} onChange={setModels} />
      <button type="submit" class="primary" disabled={save.busy}>
        Save method request
      </button>
      <ErrorAlert error={save.error} title="Could not save" />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}
