/** A stage's "Logs and tracing": CloudWatch logs and metrics of every method, X-Ray, and access logging — saved with UpdateStage. */
import { useState } from 'preact/hooks';
import { ErrorAlert, Notice } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { apigateway, type Stage } from '../../clients/apigateway.js';
import { useAction } from '../../lib/hooks.js';
import { ACCESS_LOG_FORMATS, accessLogDraft, accessLogPatch, accessLogProblems, LOG_LEVELS, stageLogging, stageLoggingPatch, type StageLogging } from '../../lib/stage-logging.js';

interface Props {
  readonly apiId: string;
  readonly stage: Stage;
  readonly onSaved: () => void;
}

export function LogsPanel(props: Props) {
  return (
    <>
      <MethodLoggingForm {...props} />
      <AccessLogForm {...props} />
    </>
  );
}

function MethodLoggingForm({ apiId, stage, onSaved }: Props) {
  const saved = stageLogging(stage);
  const [draft, setDraft] = useState<StageLogging>(saved);
  const [done, setDone] = useState(false);
  const action = useAction();
  const ops = stageLoggingPatch(saved, draft);
  const set = (change: Partial<StageLogging>): void => {
    setDone(false);
    setDraft({ ...draft, ...change });
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!(await action.run(() => apigateway.updateStage(apiId, stage.stageName, ops)))) return;
    setDone(true);
    onSaved();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="logging-title">
      <h2 id="logging-title" class="card-title">
        Logs and tracing
      </h2>
      <p class="small muted">Settings of every method of the stage. Sluice records them as API Gateway does.</p>
      <div class="row wrap">
        <Field label="CloudWatch logs">
          {(id) => (
            <select id={id} value={draft.logLevel} onChange={(e) => set({ logLevel: (e.currentTarget as HTMLSelectElement).value })}>
              {LOG_LEVELS.map((l) => (
                <option value={l.value}>{l.label}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <label class="checkbox">
        <input type="checkbox" checked={draft.dataTrace} onChange={(e) => set({ dataTrace: (e.currentTarget as HTMLInputElement).checked })} /> Data tracing: log full requests
        and responses
      </label>
      <label class="checkbox">
        <input type="checkbox" checked={draft.detailedMetrics} onChange={(e) => set({ detailedMetrics: (e.currentTarget as HTMLInputElement).checked })} /> Detailed
        metrics (per method)
      </label>
      <label class="checkbox">
        <input type="checkbox" checked={draft.tracing} onChange={(e) => set({ tracing: (e.currentTarget as HTMLInputElement).checked })} /> X-Ray tracing
      </label>
      <button type="submit" class="primary" disabled={action.busy || ops.length === 0}>
        Save logging settings
      </button>
      <ErrorAlert error={action.error} title="UpdateStage failed" />
      {done ? <Notice kind="success">Logging settings saved.</Notice> : null}
    </form>
  );
}

function AccessLogForm({ apiId, stage, onSaved }: Props) {
  const [draft, setDraft] = useState(accessLogDraft(stage));
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState(false);
  const action = useAction();
  const problems = accessLogProblems(draft);
  const ops = accessLogPatch(stage, draft);
  const set = (change: Partial<typeof draft>): void => {
    setDone(false);
    setDraft({ ...draft, ...change });
  };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTried(true);
    if (problems.length > 0) return;
    if (!(await action.run(() => apigateway.updateStage(apiId, stage.stageName, ops)))) return;
    setDone(true);
    onSaved();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="access-log-title" noValidate>
      <h2 id="access-log-title" class="card-title">
        Access logging
      </h2>
      <label class="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: (e.currentTarget as HTMLInputElement).checked })} /> Custom access logging
      </label>
      {draft.enabled ? (
        <>
          <Field label="Access log destination ARN" hint="A CloudWatch Logs log group, or a Firehose stream named amazon-apigateway-…">
            {(id, hint) => (
              <input
                id={id}
                class="wide"
                aria-describedby={hint}
                placeholder="arn:aws:logs:us-east-1:000000000000:log-group:api-access"
                value={draft.destinationArn}
                onInput={(e) => set({ destinationArn: (e.currentTarget as HTMLInputElement).value })}
              />
            )}
          </Field>
          <div class="row wrap example-formats">
            <span class="small">Example formats:</span>
            {ACCESS_LOG_FORMATS.map((f) => (
              <button type="button" class="small" aria-label={`Use the ${f.id} example format`} aria-pressed={draft.format === f.format} onClick={() => set({ format: f.format })}>
                {f.id}
              </button>
            ))}
          </div>
          <Field label="Log format" hint="One line of $context variables; it must include $context.requestId or $context.extendedRequestId.">
            {(id, hint) => (
              <textarea id={id} class="code" rows={4} aria-describedby={hint} value={draft.format} onInput={(e) => set({ format: (e.currentTarget as HTMLTextAreaElement).value })} />
            )}
          </Field>
        </>
      ) : null}
      {tried && problems.length > 0 ? (
        <div class="alert alert-error" role="alert">
          <ul>
            {problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <button type="submit" class="primary" disabled={action.busy || ops.length === 0}>
        Save access logging
      </button>
      <ErrorAlert error={action.error} title="UpdateStage failed" />
      {done ? <Notice kind="success">Access logging saved.</Notice> : null}
    </form>
  );
}
