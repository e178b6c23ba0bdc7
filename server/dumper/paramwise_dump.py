"""Dump a PyTorch model's parameter listing for Paramwise.

    python paramwise_dump.py module:callable [-o out.json] [-o out.params] [--kwargs JSON]
                             [--format json|params] [--model-id ID] [--env ENV]

Imports `module` (the working directory is on sys.path), calls `callable(**kwargs)` (or takes
it as is when it already is an nn.Module) and writes, without running the model:
  * JSON in the conformance model format: modules in MMEngine add_params visit order
    (pre-order over named_children, a module reached through two parents listed under
    both paths), each with its class, MRO, attributes and direct parameters; the
    named_parameters() list; and the model's own hooks (no_weight_decay, group_matcher,
    pretrained_cfg['classifier'], get_num_layers, get_layer_depth);
  * or the same as .params text (see server/src/core/listing/paramsReader.ts).
The format of each -o follows its extension (.params = text); stdout uses --format.
Needs only torch.
"""
import argparse
import importlib
import json
import math
import os
import sys

import torch
from torch import nn

ATTRS = ['in_channels', 'out_channels', 'groups', 'kernel_size', 'stride', 'padding', 'dilation',
         'padding_mode', 'in_features', 'out_features', 'num_features', 'eps', 'momentum', 'affine',
         'track_running_stats', 'normalized_shape', 'elementwise_affine', 'num_groups', 'num_channels',
         'num_embeddings', 'embedding_dim', 'padding_idx', 'embed_dim', 'num_heads', 'kdim', 'vdim',
         '_qkv_same_embed_dim', 'batch_first', 'data_format', 'dim']
ENV_BY_PACKAGE = {'timm': 'timm', 'mmpretrain': 'mmpretrain', 'mmdet': 'mmengine', 'mmseg': 'mmengine', 'mmengine': 'mmengine'}


def qualname(cls):
    return f'{cls.__module__}.{cls.__qualname__}'


def jsonable(value):
    """The value with tuples as lists, or a KeyError when JSON cannot hold it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
    elif isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    raise KeyError(type(value).__name__)


def module_attrs(module):
    attrs = {}
    own = vars(module)
    for name in ATTRS:
        if name in own:
            try:
                attrs[name] = jsonable(own[name])
            except KeyError:
                pass
    return attrs


class Ids:
    """Small ints for object identity, in first-seen order."""

    def __init__(self):
        self.ids = {}

    def __call__(self, obj):
        return self.ids.setdefault(id(obj), len(self.ids))


def visit_order(model):
    """(path, module) as add_params visits them: pre-order over named_children, no de-duplication."""
    stack = [('', model)]
    while stack:
        path, module = stack.pop()
        yield path, module
        children = [(f'{path}.{name}' if path else name, child) for name, child in module.named_children()]
        stack.extend(reversed(children))


def skipped_children(module):
    skipped, seen = [], {}
    for name, child in module._modules.items():
        if child is None:
            skipped.append({'name': name, 'reason': 'None'})
        elif id(child) in seen:
            skipped.append({'name': name, 'reason': 'duplicate', 'same_as': seen[id(child)]})
        else:
            seen[id(child)] = name
    return skipped


def direct_params(module, tensor_ids):
    params, skipped, seen = [], [], {}
    for name, p in module._parameters.items():
        if p is None:
            skipped.append({'name': name, 'reason': 'None'})
        elif id(p) in seen:
            skipped.append({'name': name, 'reason': 'duplicate', 'same_as': seen[id(p)]})
        else:
            seen[id(p)] = name
            params.append({'name': name, 'shape': list(p.shape), 'requires_grad': bool(p.requires_grad), 'tensor_id': tensor_ids(p)})
    return params, skipped


def module_entries(model, module_ids, tensor_ids):
    entries = []
    for path, module in visit_order(model):
        mro = type(module).__mro__
        entry = {'path': path, 'class': type(module).__name__, 'class_qualified': qualname(type(module)),
                 'mro': [c.__name__ for c in mro], 'mro_qualified': [qualname(c) for c in mro],
                 'module_id': module_ids(module), 'attrs': module_attrs(module)}
        entry['params'], skipped_params = direct_params(module, tensor_ids)
        skipped = skipped_children(module)
        if skipped:
            entry['skipped_children'] = skipped
        if skipped_params:
            entry['skipped_params'] = skipped_params
        entries.append(entry)
    return entries


def call_hook(model, name, *args, convert=lambda v: v):
    """model.<name>(*args) converted for JSON; None when the model has no such method or it fails."""
    method = getattr(model, name, None)
    if not callable(method):
        return None
    try:
        return convert(method(*args))
    except Exception as e:  # a broken hook must not cost the whole listing
        print(f'paramwise_dump: {name}() failed: {type(e).__name__}: {e}', file=sys.stderr)
        return None


def matcher_value(value):
    """group_matcher values: tuples -> lists, callables -> null, compiled regexes -> their pattern."""
    if callable(value) and not isinstance(value, (str, list, tuple, dict)):
        return None
    if hasattr(value, 'pattern') and isinstance(value.pattern, str):
        return value.pattern
    if isinstance(value, dict):
        return {str(k): matcher_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [matcher_value(v) for v in value]
    try:
        return jsonable(value)
    except KeyError:
        return None


def classifier(model):
    cfg = getattr(model, 'pretrained_cfg', None)
    value = cfg.get('classifier') if isinstance(cfg, dict) else getattr(cfg, 'classifier', None)
    return list(value) if isinstance(value, (list, tuple)) else value


def layer_depths(model, names):
    if not callable(getattr(model, 'get_layer_depth', None)):
        return None
    depths = {}
    for name in names:
        try:
            depths[name] = [int(v) for v in model.get_layer_depth(name)]
        except Exception:
            depths[name] = None
    return depths


def hooks(model, param_names):
    return {
        'no_weight_decay': call_hook(model, 'no_weight_decay', convert=sorted),
        'group_matcher': call_hook(model, 'group_matcher', False, convert=matcher_value),
        'pretrained_cfg_classifier': classifier(model),
        'get_num_layers': call_hook(model, 'get_num_layers', convert=int),
        'get_layer_depth': layer_depths(model, param_names),
    }


def guess_env(model):
    return ENV_BY_PACKAGE.get(type(model).__module__.split('.')[0], 'torch')


def backbone_info(model):
    backbone = getattr(model, 'backbone', None)
    if not isinstance(backbone, nn.Module):
        return None
    info = {'class_qualified': qualname(type(backbone))}
    for key in ('num_layers', 'embed_dims', 'depths'):
        try:
            info[key] = jsonable(getattr(backbone, key))
        except (AttributeError, KeyError):
            pass
    return info


def dump(model, model_id, source, env=None):
    module_ids, tensor_ids = Ids(), Ids()
    modules = module_entries(model, module_ids, tensor_ids)
    named = list(model.named_parameters())
    params = [{'name': n, 'shape': list(p.shape), 'requires_grad': bool(p.requires_grad), 'tensor_id': tensor_ids(p)} for n, p in named]
    env = env or guess_env(model)
    meta = {'source': source, 'env': env, 'hooks': hooks(model, [n for n, _ in named])}
    if env == 'mmpretrain' and backbone_info(model):
        meta['mmpretrain_backbone'] = backbone_info(model)
    return {'model_id': model_id, 'meta': meta, 'num_modules': len(modules), 'num_params': len(params),
            'num_elements': sum(p.numel() for _, p in named), 'modules': modules, 'params': params}


def build_model(target, kwargs):
    module_name, _, attr = target.partition(':')
    if not module_name or not attr:
        raise SystemExit(f'paramwise_dump: expected module:callable, got {target!r}')
    sys.path.insert(0, os.getcwd())
    obj = importlib.import_module(module_name)
    for part in attr.split('.'):
        obj = getattr(obj, part)
    model = obj if isinstance(obj, nn.Module) else obj(**kwargs)
    if not isinstance(model, nn.Module):
        raise SystemExit(f'paramwise_dump: {target} returned {type(model).__name__}, not an nn.Module')
    return model


def render(listing, fmt):
    if fmt != 'params':
        return json.dumps(listing, indent=1) + '\n'
    # The .params writer lives next to this file; JSON needs nothing but this one.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from paramwise_params import write_params_text
    return write_params_text(listing)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('target', help='module:callable that builds the model')
    parser.add_argument('-o', '--output', action='append', default=[], help='output file (.params = text); repeatable')
    parser.add_argument('--kwargs', default='{}', help='JSON object of keyword arguments for the callable')
    parser.add_argument('--format', choices=['json', 'params'], default='json', help='format for stdout')
    parser.add_argument('--model-id', help='model id (default: the callable name)')
    parser.add_argument('--env', help='source tree: torch, timm, mmpretrain, convnext, beit (default: guessed)')
    args = parser.parse_args(argv)
    kwargs = json.loads(args.kwargs)
    with torch.no_grad():
        model = build_model(args.target, kwargs)
    source = f'{args.target}(**{json.dumps(kwargs)})' if kwargs else f'{args.target}()'
    listing = dump(model, args.model_id or args.target.split(':')[1].split('.')[-1], source, args.env)
    for path in args.output:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(render(listing, 'params' if path.endswith('.params') else 'json'))
    if not args.output:
        sys.stdout.write(render(listing, args.format))


if __name__ == '__main__':
    main()
