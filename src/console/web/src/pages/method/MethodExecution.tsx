/**
 * Method execution as the API Gateway console draws it: the client's request passes through
 * Method Request and Integration Request to the backend; the answer comes back through
 * Integration Response and Method Response. Each box summarises its settings; choosing one
 * opens its editor below.
 */
import { useState } from 'preact/hooks';
import type { Method, Resource } from '../../clients/apigateway.js';
import { describeIntegration } from './integration-uri.js';
import { IntegrationRequestEditor } from './IntegrationRequestEditor.js';
import { IntegrationResponsesEditor } from './IntegrationResponsesEditor.js';
import { MethodRequestEditor } from './MethodRequestEditor.js';
import { MethodResponsesEditor } from './MethodResponsesEditor.js';

type Box = 'method-request' | 'integration-request' | 'integration-response' | 'method-response';

const count = (m: object | undefined): number => Object.keys(m ?? {}).length;
const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

export function MethodExecution({ apiId, resource, method, onChanged }: { apiId: string; resource: Resource; method: Method; onChanged: () => void }) {
  const [box, setBox] = useState<Box>('integration-request');
  const integration = method.methodIntegration;
  const responses = Object.values(integration?.integrationResponses ?? {});
  const props = { apiId, resourceId: resource.id, verb: method.httpMethod, method, onChanged };

  const tile = (id: Box, title: string, lines: string[]) => (
    <button type="button" class={`flow-box${box === id ? ' selected' : ''}`} aria-pressed={box === id} onClick={() => setBox(id)}>
      <span class="flow-title">{title}</span>
      {lines.map((l) => (
        <span class="flow-line">{l}</span>
      ))}
    </button>
  );

  return (
    <div>
      <div class="flow" role="group" aria-label="Method execution">
        <div class="flow-end">Client</div>
        <div class="flow-arrow" aria-hidden="true">
          →
        </div>
        {tile('method-request', 'Method Request', [
          `Auth: ${method.authorizationType ?? 'NONE'}`,
          `API key: ${method.apiKeyRequired ? 'required' : 'not required'}`,
          plural(count(method.requestParameters), 'parameter'),
        ])}
        <div class="flow-arrow" aria-hidden="true">
          →
        </div>
        {tile('integration-request', 'Integration Request', integration
          ? [
              `Type: ${integration.type ?? '?'}`,
              describeIntegration(integration),
              plural(count(integration.requestParameters), 'mapping'),
              plural(count(integration.requestTemplates), 'template'),
            ]
          : ['No integration yet'])}
        <div class="flow-arrow flow-tail" aria-hidden="true">
          →
        </div>
        <div class="flow-end flow-tail">{integration ? describeIntegration(integration) : 'Backend'}</div>

        <div class="flow-end">Client</div>
        <div class="flow-arrow" aria-hidden="true">
          ←
        </div>
        {tile('method-response', 'Method Response', Object.keys(method.methodResponses ?? {}).length
          ? [`Status: ${Object.keys(method.methodResponses ?? {}).join(', ')}`]
          : ['No method responses'])}
        <div class="flow-arrow" aria-hidden="true">
          ←
        </div>
        {tile('integration-response', 'Integration Response', responses.length
          ? responses.map((r) => `${r.selectionPattern ? `/${r.selectionPattern}/` : 'default'} → ${r.statusCode}`)
          : ['No integration responses'])}
        <div class="flow-arrow flow-tail" aria-hidden="true">
          ←
        </div>
        <div class="flow-end flow-tail">Backend</div>
      </div>

      <div class="flow-editor">
        {box === 'method-request' ? <MethodRequestEditor {...props} /> : null}
        {box === 'integration-request' ? <IntegrationRequestEditor {...props} /> : null}
        {box === 'integration-response' ? <IntegrationResponsesEditor {...props} /> : null}
        {box === 'method-response' ? <MethodResponsesEditor {...props} /> : null}
      </div>
    </div>
  );
}
