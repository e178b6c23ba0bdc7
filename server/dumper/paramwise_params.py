"""Writes a dumped listing (the conformance model dict) as .params text.

The format is documented at the top of server/src/core/listing/paramsReader.ts; the
TypeScript writer (paramsWriter.ts) produces the same text byte for byte, which
test/core/listing/dumper.test.ts checks.
"""
import importlib
import json

from torch import nn

BANNER = [
    '# paramwise params v1: one line per parameter visit, in add_params order',
    '# name  shape  owner class  [frozen] [depth=K/N] [dtype=...]  [= first name of the same Parameter]',
]
ESSENTIAL_ATTRS = ('in_channels', 'groups')
NAME_COLUMN_MAX = 60
SHAPE_COLUMN_MAX = 24
_torch_mro_cache = {}


def torch_mro(qualified):
    """The qualified MRO of a class defined under torch.nn.modules, else None."""
    if qualified not in _torch_mro_cache:
        _torch_mro_cache[qualified] = None
        module_name, _, name = qualified.rpartition('.')
        if module_name.startswith('torch.nn.modules.'):
            cls = getattr(importlib.import_module(module_name), name, None)
            if isinstance(cls, type) and issubclass(cls, nn.Module) and cls.__module__ == module_name:
                _torch_mro_cache[qualified] = [f'{c.__module__}.{c.__qualname__}' for c in cls.__mro__]
    return _torch_mro_cache[qualified]


def class_name(mro):
    """Qualified names up to the first torch class, which stands for its own MRO by its plain name."""
    for k, qualified in enumerate(mro):
        if torch_mro(qualified) == mro[k:]:
            plain = qualified.rpartition('.')[2]
            chain = mro[:k] + ([] if k > 0 and plain == 'Module' else [plain])
            break
    else:
        chain = list(mro) if mro[-1].rpartition('.')[2] == 'object' else list(mro) + ['object']
    return chain[0] + (f'<{", ".join(chain[1:])}>' if len(chain) > 1 else '')


def attr_value(value):
    if value is None:
        return 'None'
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace('\\', '\\\\').replace("'", "\\'") + "'"
    if isinstance(value, list) and len(value) == 1:
        return f'({attr_value(value[0])},)'
    if isinstance(value, list):
        return '(' + ', '.join(attr_value(v) for v in value) + ')'
    return f"'{value}'"


def class_expr(module, with_attrs):
    name = class_name(module['mro_qualified'])
    attrs = [f'{k}={attr_value(v)}' for k, v in module['attrs'].items() if k in ESSENTIAL_ATTRS] if with_attrs else []
    return f'{name}({", ".join(attrs)})' if attrs else name


def columns(cls, flags, tied_to):
    parts = [cls] + flags if cls else list(flags)
    if tied_to is not None:
        parts.append(f'= {tied_to}')
    return '  '.join(parts)


def rows_of(modules, depths, depth_written):
    rows, first_path, first_name = [], {}, {}
    for m in modules:
        same_as = first_path.get(m['module_id'])
        first_path.setdefault(m['module_id'], m['path'])
        cls = class_expr(m, True)
        if same_as is not None or not m['params']:
            rows.append((m['path'] or '.', '', columns(cls, [], None if same_as is None else same_as or '.')))
            cls = class_expr(m, False)
        for p in m['params']:
            full = f"{m['path']}.{p['name']}" if m['path'] else p['name']
            tied_to = first_name.get(p['tensor_id'])
            first_name.setdefault(p['tensor_id'], full)
            flags = [] if p['requires_grad'] else ['frozen']
            if tied_to is None and depths is not None and full in depths:
                depth_written.add(full)
                flags.append(f'depth={depths[full][0]}/{depths[full][1]}' if depths[full] else 'depth=none')
            rows.append((full, '[' + ', '.join(str(d) for d in p['shape']) + ']', columns(cls, flags, tied_to)))
            cls = class_expr(m, False)
    return rows


def compact(value):
    return json.dumps(value, separators=(',', ':'), ensure_ascii=False)


def directives(listing, depth_written):
    meta, hooks, out = listing['meta'], listing['meta']['hooks'], []
    if listing.get('model_id') is not None:
        out.append(f"@model {listing['model_id']}")
    if meta.get('env') is not None:
        out.append(f"@env {meta['env']}")
    if hooks.get('no_weight_decay') is not None:
        out.append(('@no_weight_decay ' + ' '.join(hooks['no_weight_decay'])).rstrip())
    if hooks.get('group_matcher') is not None:
        out.append('@group_matcher ' + compact(hooks['group_matcher']))
    c = hooks.get('pretrained_cfg_classifier')
    if c is not None:
        bare = isinstance(c, str) and c and not c[0].isspace() and c[0] != '[' and not any(ch.isspace() for ch in c) and c != 'null'
        out.append('@pretrained_cfg_classifier ' + (c if bare else compact(c)))
    if hooks.get('get_num_layers') is not None:
        out.append(f"@num_layers {hooks['get_num_layers']}")
    depths = hooks.get('get_layer_depth')
    if depths is not None:
        extra = [(n, d) for n, d in depths.items() if n not in depth_written]
        out.extend(f'@layer_depth {n} {f"{d[0]}/{d[1]}" if d else "none"}' for n, d in extra)
        if not extra and not depth_written:
            out.append('@layer_depth')
    if meta.get('mmpretrain_backbone') is not None:
        out.append('@backbone ' + compact(meta['mmpretrain_backbone']))
    return out


def write_params_text(listing):
    depth_written = set()
    rows = rows_of(listing['modules'], listing['meta']['hooks'].get('get_layer_depth'), depth_written)
    lines = BANNER + directives(listing, depth_written)
    name_width = min(NAME_COLUMN_MAX, max((len(r[0]) for r in rows), default=0))
    shape_width = min(SHAPE_COLUMN_MAX, max((len(r[1]) for r in rows), default=0))
    lines += [f'{first.ljust(name_width)}  {shape.ljust(shape_width)}  {rest}'.rstrip() for first, shape, rest in rows]
    return '\n'.join(lines) + '\n'
