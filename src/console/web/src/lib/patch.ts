/** JSON-patch operations for API Gateway's Update* calls, from a map before and after editing. */
import { patchKey, type PatchOperation } from '../clients/apigateway.js';

/** add/replace/remove under `base` (e.g. '/requestTemplates') so that `before` becomes `after`. */
export function mapPatch(base: string, before: Record<string, string> | undefined, after: Record<string, string>): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const old = before ?? {};
  for (const key of Object.keys(old)) if (!(key in after)) ops.push({ op: 'remove', path: `${base}/${patchKey(key)}` });
  for (const [key, value] of Object.entries(after)) {
    if (!(key in old)) ops.push({ op: 'add', path: `${base}/${patchKey(key)}`, value });
    else if (old[key] !== value) ops.push({ op: 'replace', path: `${base}/${patchKey(key)}`, value });
  }
  return ops;
}

/** Boolean maps (method request parameters: required or not) go over the wire as 'true'/'false'. */
export function boolMapPatch(base: string, before: Record<string, boolean> | undefined, after: Record<string, boolean>): PatchOperation[] {
  const str = (m: Record<string, boolean> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));
  return mapPatch(base, str(before), str(after));
}

/** replace for each scalar field whose value changed; `defaults` are what an absent field means. */
export function fieldPatch(before: Record<string, unknown>, after: Record<string, string | undefined>, defaults: Record<string, string> = {}): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [key, value] of Object.entries(after)) {
    const old = before[key] === undefined || before[key] === null ? defaults[key] : String(before[key]);
    if (old === value || (old === undefined && value === '')) continue;
    ops.push({ op: 'replace', path: `/${key}`, ...(value === undefined || value === '' ? {} : { value }) });
  }
  return ops;
}
