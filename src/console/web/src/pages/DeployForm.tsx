/** CreateDeployment to a new or existing stage, then the invoke URL to copy. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { CopyField } from '../components/CopyField.js';
import { Field } from '../components/Field.js';
import { apigateway, invokeUrl, type Deployment } from '../clients/apigateway.js';
import { useAction, useAsync } from '../lib/hooks.js';

export function DeployForm({ apiId, onDone }: { apiId: string; onDone?: () => void }) {
  const stages = useAsync(() => apigateway.getStages(apiId), [apiId]);
  const [stage, setStage] = useState('');
  const [newStage, setNewStage] = useState('');
  const [description, setDescription] = useState('');
  const [done, setDone] = useState<{ deployment: Deployment; stage: string }>();
  const action = useAction();
  const chosen = stage === '*new*' || stages.data?.length === 0 ? newStage.trim() : stage || stages.data?.[0]?.stageName || '';

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    await action.run(async () => setDone({ deployment: await apigateway.createDeployment(apiId, chosen, description.trim()), stage: chosen }));
    stages.reload();
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="deploy-title">
      <h2 id="deploy-title" class="card-title">
        Deploy API
      </h2>
      <div class="row wrap">
        {stages.data && stages.data.length > 0 ? (
          <Field label="Stage">
            {(id) => (
              <select id={id} value={stage || stages.data![0]!.stageName} onChange={(e) => setStage((e.currentTarget as HTMLSelectElement).value)}>
                {stages.data!.map((s) => (
                  <option value={s.stageName}>{s.stageName}</option>
                ))}
                <option value="*new*">New stage…</option>
              </select>
            )}
          </Field>
        ) : null}
        {stage === '*new*' || stages.data?.length === 0 ? (
          <Field label="New stage name">
            {(id) => <input id={id} required pattern="[a-zA-Z0-9_]+" value={newStage} onInput={(e) => setNewStage((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
        ) : null}
        <Field label="Deployment description">{(id) => <input id={id} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />}</Field>
        <button type="submit" class="primary" disabled={action.busy || !chosen}>
          {action.busy ? 'Deploying…' : 'Deploy'}
        </button>
        {onDone ? (
          <button type="button" class="link" onClick={onDone}>
            Close
          </button>
        ) : null}
      </div>
      <ErrorAlert error={action.error} title="Deployment failed" />
      <ErrorAlert error={stages.error} title="Could not list stages" />
      {done ? (
        <>
          <Notice kind="success">
            Deployed as deployment <span class="mono">{done.deployment.id}</span> to stage <strong>{done.stage}</strong>.
          </Notice>
          <CopyField label="Invoke URL" value={invokeUrl(apiId, done.stage)} />
        </>
      ) : null}
    </form>
  );
}
