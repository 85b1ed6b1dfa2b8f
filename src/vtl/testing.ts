/** Shared helpers for the engine's unit tests. */
import { compileTemplate, type RenderInput, type RenderResult } from './index.js';

export function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    body: '',
    params: { path: {}, querystring: {}, header: {} },
    context: {},
    stageVariables: {},
    ...overrides,
  };
}

/** Renders `template` with optional starting variables (JSON-like values) and request input. */
export function render(template: string, variables?: Record<string, unknown>, req: Partial<RenderInput> = {}): string {
  return compileTemplate(template).render(input(req), variables).output;
}

export function renderFull(template: string, req: Partial<RenderInput> = {}): RenderResult {
  return compileTemplate(template).render(input(req));
}
