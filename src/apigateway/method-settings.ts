// A stage's method settings: how UpdateStage names them, and which apply to a method.
//
// AWS keeps each entry of `methodSettings` under the text of the patch path that set it, between
// its leading "/" and the setting's own two segments, as it was written: `/~1pets/GET/logging/loglevel`
// is kept as `~1pets/GET` (the AWS CLI's update-stage example), `/pets/{id}/GET/...` as
// `pets/{id}/GET` (Terraform's aws_api_gateway_method_settings reads back its `method_path` so),
// the root resource's `/~1/GET/...` as `~1/GET` (as CloudFormation sets it), and `/*/*/...` as
// `*/*`, the settings of every method. A key names its method whichever way its resource path is
// spelled: `~1` (and `~0`) decoded, the leading "/" optional. Only `*/*` is a wildcard.
//
// What applies to a method, setting by setting: its own entries, else `*/*`'s, else AWS's defaults
// (logging OFF, no data trace, no detailed metrics, no throttling). The logging (here), throttling
// (usage/gate.ts) and metrics of a request all read them through `methodSettingLookup`, with the
// method's own verb (`ANY` for an ANY method).
import type { Stage } from './model.js';

export const STAGE_WIDE_KEY = '*/*';

type Settings = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

// The method a key names: `~1pets~1{id}/GET` and `pets/{id}/GET` → `/pets/{id}` GET, `~1/GET` → `/` GET;
// undefined for `*/*`.
export function methodOfSettingsKey(key: string): { readonly resourcePath: string; readonly httpMethod: string } | undefined {
  const slash = key.lastIndexOf('/');
  if (slash < 0 || key === STAGE_WIDE_KEY) return undefined;
  const resource = key.slice(0, slash).replaceAll('~1', '/').replaceAll('~0', '~');
  return { resourcePath: resource.startsWith('/') ? resource : `/${resource}`, httpMethod: key.slice(slash + 1) };
}

// Reads one setting of one method: the method's own entries first (in the order they were set,
// should it have entries under two spellings), then `*/*`'s. `resourcePath` is the matched
// resource's path (`/pets/{id}`); undefined when no method matched (then only `*/*` applies).
export function methodSettingLookup(settings: Settings | undefined, resourcePath: string | undefined, httpMethod: string): (field: string) => unknown {
  if (!settings) return () => undefined;
  const verb = httpMethod.toUpperCase();
  const own: Readonly<Record<string, unknown>>[] = [];
  if (resourcePath !== undefined) {
    for (const [key, entry] of Object.entries(settings)) {
      const named = methodOfSettingsKey(key);
      if (named && named.resourcePath === resourcePath && named.httpMethod.toUpperCase() === verb) own.push(entry);
    }
  }
  const wide = settings[STAGE_WIDE_KEY];
  return (field) => {
    for (const entry of own) if (entry[field] !== undefined) return entry[field];
    return wide?.[field];
  };
}

export type LoggingLevel = 'OFF' | 'ERROR' | 'INFO';

export interface MethodLogSettings {
  readonly loggingLevel: LoggingLevel;
  readonly dataTraceEnabled: boolean;
  readonly metricsEnabled: boolean;
}

export const DEFAULT_METHOD_SETTINGS: MethodLogSettings = { loggingLevel: 'OFF', dataTraceEnabled: false, metricsEnabled: false };

/** The logging settings of one method of a stage (`httpMethod` the method's own verb, `ANY` for an ANY method). */
export function methodSettingsFor(stage: Stage | undefined, resourcePath: string | undefined, httpMethod: string): MethodLogSettings {
  if (!stage?.methodSettings) return DEFAULT_METHOD_SETTINGS;
  const pick = methodSettingLookup(stage.methodSettings, resourcePath, httpMethod);
  const level = pick('loggingLevel');
  return {
    loggingLevel: level === 'ERROR' || level === 'INFO' ? level : 'OFF',
    dataTraceEnabled: pick('dataTraceEnabled') === true,
    metricsEnabled: pick('metricsEnabled') === true,
  };
}
