// A synthetic mixture-of-experts model of a chosen size, as dumper JSON and as plain
// `name shape` lines, plus a config with 30 custom_keys. Deterministic, no randomness.

export interface SyntheticModel {
  names: string[];
  shapes: number[][];
}

export function moeModel(targetParams: number): SyntheticModel {
  const names: string[] = ['embed.weight'];
  const shapes: number[][] = [[32000, 512]];
  const experts = Math.max(4, Math.round((targetParams / 100 - 13) / 3));
  for (let layer = 0; names.length < targetParams - 2; layer++) {
    const p = `layers.${layer}`;
    for (const n of ['q', 'k', 'v', 'o']) {
      names.push(`${p}.attn.${n}_proj.weight`, `${p}.attn.${n}_proj.bias`);
      shapes.push([512, 512], [512]);
    }
    for (const n of ['norm1', 'norm2']) {
      names.push(`${p}.${n}.weight`, `${p}.${n}.bias`);
      shapes.push([512], [512]);
    }
    names.push(`${p}.moe.router.weight`);
    shapes.push([experts, 512]);
    for (let e = 0; e < experts && names.length < targetParams - 2; e++) {
      for (const w of ['w1', 'w2', 'w3']) {
        names.push(`${p}.moe.experts.${e}.${w}.weight`);
        shapes.push(w === 'w2' ? [512, 1024] : [1024, 512]);
      }
    }
  }
  names.push('norm.weight', 'head.weight');
  shapes.push([512], [32000, 512]);
  return { names, shapes };
}

export function plainDump(m: SyntheticModel): string {
  return m.names.map((n, i) => `${n} torch.Size([${m.shapes[i].join(', ')}])`).join('\n') + '\n';
}

/** Dumper JSON with module classes, so norm rules can fire. */
export function dumperJson(m: SyntheticModel): string {
  const modules = new Map<string, { path: string; class: string; mro_qualified: string[]; params: unknown[] }>();
  const moduleFor = (path: string): { params: unknown[] } => {
    let mod = modules.get(path);
    if (!mod) {
      const isNorm = /norm\d?$/.test(path);
      // MROs as the dumper writes them (through builtins.object), so the .params text spells
      // the classes `Linear` / `LayerNorm` as a real dump does; the root is the model's own class.
      const own =
        path === ''
          ? 'moe.model.MoEModel'
          : isNorm
            ? 'torch.nn.modules.normalization.LayerNorm'
            : 'torch.nn.modules.linear.Linear';
      mod = {
        path,
        class: own.slice(own.lastIndexOf('.') + 1),
        mro_qualified: [own, 'torch.nn.modules.module.Module', 'builtins.object'],
        params: [],
      };
      modules.set(path, mod);
    }
    return mod;
  };
  moduleFor('');
  const params = m.names.map((name, i) => {
    const dot = name.lastIndexOf('.');
    moduleFor(name.slice(0, dot)).params.push({
      name: name.slice(dot + 1),
      shape: m.shapes[i],
      requires_grad: true,
      tensor_id: i,
    });
    return { name, shape: m.shapes[i], requires_grad: true, tensor_id: i };
  });
  const list = [...modules.values()].map((mod, i) => ({
    ...mod,
    module_id: i,
    attrs: {},
    mro: mod.mro_qualified.map((q) => q.slice(q.lastIndexOf('.') + 1)),
  }));
  return JSON.stringify({ model_id: 'synthetic_moe', meta: { env: 'torch', hooks: {} }, modules: list, params });
}

export function configWith30Keys(): string {
  const keys = [
    'embed',
    'head',
    'router',
    'norm',
    'attn.q_proj',
    'attn.k_proj',
    'attn.v_proj',
    'attn.o_proj',
    'experts.0.',
    'experts.1.',
    'experts.2.',
    'experts.3.',
    'layers.0.',
    'layers.1.',
    'layers.2.',
    'layers.3.',
    'layers.10.',
    'layers.20.',
    'w1',
    'w2',
    'w3',
    'bias',
    'moe',
    '.norm',
    'layers.5.moe',
    'layers.6.moe',
    'layers.7.attn',
    'layers.8.attn',
    'experts.10.w1',
    'experts.11.w2',
  ];
  const entries = keys.map(
    (k, i) => `        '${k}': dict(lr_mult=${(0.1 + i / 100).toFixed(2)}${i % 3 === 0 ? ', decay_mult=0.' : ''}),`,
  );
  return [
    'optim_wrapper = dict(',
    "    optimizer=dict(type='AdamW', lr=3e-4, weight_decay=0.05),",
    '    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0., custom_keys={',
    ...entries,
    '    }))',
    '',
  ].join('\n');
}
