/**
 * Integration Request: where the request goes (type, HTTP method, URI, execution role) and how it
 * is transformed (parameter mappings, mapping templates, passthrough behaviour). A method without
 * an integration gets PutIntegration; later edits are UpdateIntegration patches.
 */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { MapEditor } from '../../components/MapEditor.js';
import { TemplatesEditor } from '../../components/TemplatesEditor.js';
import { apigateway, type Integration, type IntegrationType } from '../../clients/apigateway.js';
import { useAction } from '../../lib/hooks.js';
import { fieldPatch, mapPatch } from '../../lib/patch.js';
import { lintMappingTemplate } from '../../lib/vtl-lint.js';
import { templates, type EditorProps } from './editor-props.js';

const TYPES: IntegrationType[] = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'];

export function IntegrationRequestEditor(props: EditorProps) {
  const i = props.method.methodIntegration;
  return i ? <EditIntegration {...props} integration={i} /> : <CreateIntegration {...props} />;
}

function TargetFields({ type, setType, httpMethod, setHttpMethod, uri, setUri, credentials, setCredentials, typeFixed }: {
  type: IntegrationType; setType: (t: IntegrationType) => void; httpMethod: string; setHttpMethod: (v: string) => void;
  uri: string; setUri: (v: string) => void; credentials: string; setCredentials: (v: string) => void; typeFixed?: boolean;
}) {
  return (
    <div class="row wrap">
      <Field label="Integration type">
        {(id) => (
          <select id={id} value={type} disabled={typeFixed} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as IntegrationType)}>
            {TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        )}
      </Field>
      {type !== 'MOCK' ? (
        <>
          <Field label="Integration HTTP method">
            {(id) => (
              <select id={id} value={httpMethod} onChange={(e) => setHttpMethod((e.currentTarget as HTMLSelectElement).value)}>
                {['POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'].map((v) => (
                  <option value={v}>{v}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={type.startsWith('AWS') ? 'URI (arn:aws:apigateway:{region}:{service}:action/{Action})' : 'Endpoint URL'}>
            {(id) => <input id={id} class="wide mono" value={uri} placeholder="arn:aws:apigateway:us-east-1:kinesis:action/ListStreams" onInput={(e) => setUri((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
        </>
      ) : null}
      {type.startsWith('AWS') ? (
        <Field label="Execution role ARN">
          {(id) => <input id={id} class="wide mono" value={credentials} placeholder="arn:aws:iam::000000000000:role/apigAwsProxyRole" onInput={(e) => setCredentials((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      ) : null}
    </div>
  );
}

function CreateIntegration({ apiId, resourceId, verb, onChanged }: EditorProps) {
  const [type, setType] = useState<IntegrationType>('AWS');
  const [httpMethod, setHttpMethod] = useState('POST');
  const [uri, setUri] = useState('');
  const [credentials, setCredentials] = useState('');
  const save = useAction();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const input: Integration = { type };
    if (type !== 'MOCK') Object.assign(input, { httpMethod, uri });
    if (type.startsWith('AWS') && credentials) input.credentials = credentials;
    if (type === 'MOCK') input.requestTemplates = { 'application/json': '{"statusCode": 200}' };
    if (await save.run(() => apigateway.putIntegration(apiId, resourceId, verb, input))) onChanged();
  };
  return (
    <form onSubmit={submit} aria-labelledby="ireq-title">
      <h3 id="ireq-title">Integration Request</h3>
      <p class="muted">This method has no integration yet. Choose where requests go:</p>
      <TargetFields {...{ type, setType, httpMethod, setHttpMethod, uri, setUri, credentials, setCredentials }} />
      <button type="submit" class="primary" disabled={save.busy}>
        Create integration
      </button>
      <ErrorAlert error={save.error} title="Could not create the integration" />
    </form>
  );
}

function EditIntegration({ apiId, resourceId, verb, onChanged, integration }: EditorProps & { integration: Integration }) {
  const [type, setType] = useState<IntegrationType>(integration.type ?? 'AWS');
  const [httpMethod, setHttpMethod] = useState(integration.httpMethod ?? 'POST');
  const [uri, setUri] = useState(integration.uri ?? '');
  const [credentials, setCredentials] = useState(integration.credentials ?? '');
  const [passthrough, setPassthrough] = useState(integration.passthroughBehavior ?? 'WHEN_NO_MATCH');
  const [contentHandling, setContentHandling] = useState(integration.contentHandling ?? '');
  const [timeout, setTimeoutMs] = useState(String(integration.timeoutInMillis ?? 29000));
  const [params, setParams] = useState(integration.requestParameters ?? {});
  const [tmpl, setTmpl] = useState(templates(integration.requestTemplates));
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const broken = Object.entries(tmpl).filter(([, t]) => lintMappingTemplate(t).some((p) => p.severity === 'error')).map(([ct]) => ct);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    const ops = [
      ...fieldPatch(integration as unknown as Record<string, unknown>, {
        ...(type !== 'MOCK' ? { httpMethod, uri } : {}),
        ...(type.startsWith('AWS') ? { credentials } : {}),
        passthroughBehavior: passthrough,
        contentHandling: contentHandling || undefined,
        timeoutInMillis: timeout,
      }, { passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: '29000' }),
      ...mapPatch('/requestParameters', integration.requestParameters, params),
      ...mapPatch('/requestTemplates', templates(integration.requestTemplates), tmpl),
    ];
    if (ops.length === 0) return setSaved(true);
    if (await save.run(() => apigateway.updateIntegration(apiId, resourceId, verb, ops))) {
      setSaved(true);
      onChanged();
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="ireq-title">
      <h3 id="ireq-title">Integration Request</h3>
      <TargetFields {...{ type, setType, httpMethod, setHttpMethod, uri, setUri, credentials, setCredentials }} typeFixed />
      <div class="row wrap">
        <Field label="Request body passthrough">
          {(id) => (
            <select id={id} value={passthrough} onChange={(e) => setPassthrough((e.currentTarget as HTMLSelectElement).value)}>
              <option value="WHEN_NO_MATCH">When no template matches the Content-Type (WHEN_NO_MATCH)</option>
              <option value="WHEN_NO_TEMPLATES">When there are no templates defined (WHEN_NO_TEMPLATES)</option>
              <option value="NEVER">Never (NEVER)</option>
            </select>
          )}
        </Field>
        <Field label="Content handling">
          {(id) => (
            <select id={id} value={contentHandling} onChange={(e) => setContentHandling((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Passthrough</option>
              <option value="CONVERT_TO_TEXT">Convert to text</option>
              <option value="CONVERT_TO_BINARY">Convert to binary</option>
            </select>
          )}
        </Field>
        <Field label="Timeout (ms)">
          {(id) => <input id={id} type="number" min={50} max={29000} value={timeout} onInput={(e) => setTimeoutMs((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      </div>
      <MapEditor
        label="URL path, query string and HTTP header mappings"
        keyLabel="Name"
        valueLabel="Mapped from"
        addLabel="Add mapping"
        keyPlaceholder="integration.request.header.Content-Type"
        valuePlaceholder="'application/x-amz-json-1.1'"
        value={params}
        onChange={setParams}
      />
      <TemplatesEditor title="Mapping templates" kind="request" value={tmpl} onChange={setTmpl} />
      {broken.length > 0 ? (
        <Notice kind="warning">
          The template for {broken.join(', ')} has errors; API Gateway would refuse it.
        </Notice>
      ) : null}
      <button type="submit" class="primary" disabled={save.busy}>
        Save integration request
      </button>
      <ErrorAlert error={save.error} title="Could not save" />
      {saved ? <Notice kind="success">Saved.</Notice> : null}
    </form>
  );
}
