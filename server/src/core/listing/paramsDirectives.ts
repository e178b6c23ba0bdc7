// The `@` header lines of a .params file: what the dumper learnt by calling the model's own
// methods (hooks) and where the model came from. Each runs to the end of its line.

import type { BackboneInfo, ListingProblem, ModelHooks } from './model.ts';
import { FieldChecks } from './jsonFields.ts';
import { readBackboneFacts, readGroupMatcher } from './hookValues.ts';
import { jsonErrorInfo } from './jsonErrors.ts';
import { report } from './problems.ts';

export interface ParamsHeader {
  modelId?: string;
  env?: string;
  hooks: ModelHooks;
  backbone?: BackboneInfo;
}

type Apply = (args: string, header: ParamsHeader, at: DirectiveContext) => void;

export interface DirectiveContext {
  /** Offset of `args` in the file. */
  argsStart: number;
  file: string;
  problems: ListingProblem[];
}

const DIRECTIVES: Record<string, Apply> = {
  model: (args, h) => (h.modelId = args),
  env: (args, h) => (h.env = args),
  no_weight_decay: (args, h) => (h.hooks.noWeightDecay = args ? args.split(/\s+/) : []),
  group_matcher: (args, h, at) => {
    const value = parseJson(args, at);
    if (value === null) h.hooks.groupMatcher = null;
    else if (value !== undefined)
      h.hooks.groupMatcher = checked(args, at, '@group_matcher', (check) => readGroupMatcher(value, check, []));
  },
  pretrained_cfg_classifier: (args, h, at) => {
    const value = args.startsWith('[') || args === 'null' ? parseJson(args, at) : args;
    if (value === null || typeof value === 'string') h.hooks.pretrainedCfgClassifier = value;
    else if (value !== undefined)
      h.hooks.pretrainedCfgClassifier = checked(args, at, '@pretrained_cfg_classifier', (check) =>
        check.strings('error', [], undefined, value),
      );
  },
  num_layers: (args, h, at) => {
    if (/^\d+$/.test(args)) h.hooks.getNumLayers = Number(args);
    else problem(at, 0, args.length, `@num_layers needs a whole number, not '${args}'.`);
  },
  layer_depth: (args, h, at) => {
    const depths = (h.hooks.getLayerDepth ??= {});
    if (!args) return;
    const [name, depth, extra] = args.split(/\s+/);
    const parsed = depth === undefined || extra !== undefined ? undefined : parseDepth(depth);
    if (parsed === undefined)
      return problem(
        at,
        0,
        args.length,
        '@layer_depth takes a parameter name and K/N (layer id / number of layers) or none.',
      );
    depths[name] = parsed as [number, number];
  },
  backbone: (args, h, at) => {
    const value = parseJson(args, at);
    if (value !== undefined)
      h.backbone = checked(args, at, '@backbone', (check) => readBackboneFacts(value, check, []));
  },
};

export const DIRECTIVE_NAMES = Object.keys(DIRECTIVES);

export function applyDirective(name: string, args: string, header: ParamsHeader, at: DirectiveContext): void {
  const apply = DIRECTIVES[name];
  if (apply) apply(args, header, at);
  else
    report(at.problems, {
      severity: 'warning',
      code: 'params-unknown-directive',
      message: `Unknown directive @${name} (known: ${DIRECTIVE_NAMES.map((n) => '@' + n).join(', ')}).`,
      span: { file: at.file, start: at.argsStart - name.length - 2, end: at.argsStart - 1 },
    });
}

/** `K/N` (mmpretrain's layer id and number of layers) or `none` (get_layer_depth raised). */
export function parseDepth(text: string): [number, number] | null | undefined {
  if (text === 'none') return null;
  const slash = text.indexOf('/');
  const k = Number(text.slice(0, slash));
  const n = Number(text.slice(slash + 1));
  return slash > 0 && Number.isInteger(k) && Number.isInteger(n) ? [k, n] : undefined;
}

function parseJson(args: string, at: DirectiveContext): unknown {
  try {
    return JSON.parse(args);
  } catch {
    const info = jsonErrorInfo(args);
    problem(at, info.offset, Math.max(1, info.length), `Not valid JSON: ${info.message}.`);
    return undefined;
  }
}

/** `read` over a directive's JSON value, its problems reported at their place in the value. */
function checked<T>(args: string, at: DirectiveContext, name: string, read: (check: FieldChecks) => T): T {
  const check = new FieldChecks(args, at.file, { offset: at.argsStart, name });
  const value = read(check);
  check.reportTo(at.problems, 'params-bad-directive');
  return value;
}

function problem(at: DirectiveContext, offset: number, length: number, message: string): void {
  const start = at.argsStart + offset;
  report(at.problems, {
    severity: 'error',
    code: 'params-bad-directive',
    message,
    span: { file: at.file, start, end: start + length },
  });
}
