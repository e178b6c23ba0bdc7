// Machine-readable results: the param groups exactly as the framework builds them
// (Python json formatting: ints stay ints, floats keep their `.0`), plus per-parameter outcomes.

import { PyDict, PyList, pyJson, type PyValue, type Span } from '../../core/pyvalue.ts';
import type { ResolvedOptimizer, ResolveResult } from '../../core/resolve/index.ts';

interface Problem {
  severity: string;
  code: string;
  message: string;
  span?: Span;
}

const dict = (pairs: [string, PyValue | undefined][]): PyDict => {
  const d = new PyDict();
  for (const [k, v] of pairs) if (v !== undefined) d.set(k, v);
  return d;
};

function optimizerJson(opt: ResolvedOptimizer): PyDict {
  return dict([
    ['name', opt.name],
    ['scheme', opt.scheme],
    ['optimizer', opt.optimizerType],
    ['name_resolution', opt.nameResolution],
    ['lr_scale_deferred', opt.lrScaleDeferred],
    ['defaults', dict(opt.defaults)],
    ['param_groups', new PyList(opt.groups.map((g) => dict([...g.entries, ['params', new PyList(g.params)]])))],
    [
      'parameters',
      new PyList(
        opt.params.map((p) =>
          dict([
            ['name', p.name],
            ['group', BigInt(p.group)],
            ['lr', p.lr],
            ['weight_decay', p.weightDecay],
            ['lr_scale', p.lrScale],
            ['layer_id', p.layerId === undefined ? undefined : BigInt(p.layerId)],
            ['rule', p.trace.label],
            ['shadowed', new PyList(p.trace.shadowed)],
          ]),
        ),
      ),
    ],
    [
      'excluded',
      new PyList(
        opt.excluded.map((e) =>
          dict([
            ['name', e.name],
            ['reason', e.reason],
          ]),
        ),
      ),
    ],
    ['error', opt.error ? `${opt.error.type}: ${opt.error.message}` : undefined],
  ]);
}

export function resultJson(result: ResolveResult, problems: Problem[]): string {
  return pyJson(
    dict([
      ['optimizers', new PyList(result.optimizers.map(optimizerJson))],
      [
        'diagnostics',
        new PyList(
          problems.map((p) =>
            dict([
              ['severity', p.severity],
              ['code', p.code],
              ['message', p.message],
              ['file', p.span?.file],
              ['start', p.span ? BigInt(p.span.start) : undefined],
              ['end', p.span ? BigInt(p.span.end) : undefined],
            ]),
          ),
        ),
      ],
    ]),
    1,
  );
}
