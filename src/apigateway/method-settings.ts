// The method settings that apply to one method of a stage, setting by setting:
// the method's own (`pets/{id}/GET`, as UpdateStage's `/~1pets~1{id}/GET/...`
// stores them), else the stage-wide ones (`*/*`), else AWS's defaults (logging
// OFF, no data trace, no detailed metrics). Only the settings Sluice acts on
// are read.
import type { Stage } from './model.js';

export type LoggingLevel = 'OFF' | 'ERROR' | 'INFO';

export interface MethodLogSettings {
  readonly loggingLevel: LoggingLevel;
  readonly dataTraceEnabled: boolean;
  readonly metricsEnabled: boolean;
}

export const DEFAULT_METHOD_SETTINGS: MethodLogSettings = { loggingLevel: 'OFF', dataTraceEnabled: false, metricsEnabled: false };

// `resourcePath` is the matched resource's path ("/pets/{id}"); absent when no resource matched (then only `*/*` applies).
export function methodSettingsFor(stage: Stage | undefined, resourcePath: string | undefined, httpMethod: string): MethodLogSettings {
  const all = stage?.methodSettings;
  if (!all) return DEFAULT_METHOD_SETTINGS;
  const own = resourcePath !== undefined ? all[`${resourcePath.replace(/^\//, '')}/${httpMethod.toUpperCase()}`] : undefined;
  const wide = all['*/*'];
  const pick = (field: string): unknown => own?.[field] ?? wide?.[field];
  const level = pick('loggingLevel');
  return {
    loggingLevel: level === 'ERROR' || level === 'INFO' ? level : 'OFF',
    dataTraceEnabled: pick('dataTraceEnabled') === true,
    metricsEnabled: pick('metricsEnabled') === true,
  };
}
