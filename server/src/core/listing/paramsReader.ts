// Reads the .params text format.
//
// ── The .params format ─────────────────────────────────────────────────────────────────
// One line per parameter visit, in MMEngine add_params visit order (pre-order over
// named_children, a module reached through two parents listed under both paths):
//
//   name                     shape           owner class                    flags     tie
//   patch_embed.proj.weight  [192, 3, 16, 16] Conv2d(in_channels=3, groups=1)
//   blocks.0.norm1.weight    [192]           LayerNorm
//   stages.0.norm.weight     [40]            timm.layers.norm.LayerNorm2d<LayerNorm>
//   frozen_stem.weight       [64, 3, 7, 7]   Conv2d(in_channels=3, groups=1)  frozen
//   lm_head.weight           [50304, 768]    Linear                               = transformer.wte.weight
//
// * name: the full dotted name; the owning module is everything before the last dot.
// * shape: `[d0, d1, ...]`, `[]` for a scalar.
// * owner class (optional: missing classes are inferred from names and shapes, as for plain
//   dumps): a plain torch name (`BatchNorm2d`, which stands for torch's whole MRO), or a
//   qualified name with the MRO spelled up to the first torch class: `A<B, C>` = A, B, C and
//   then C's torch MRO (or `Module, object` when C is not a torch class). Attributes in
//   parentheses, Python literals: `(in_channels=96, groups=96)`; the lines of one module
//   share its class, and attributes written on any of them apply to the module.
// * flags: `frozen` (requires_grad=False), `depth=K/N` (mmpretrain get_layer_depth of this
//   name: layer id K of N; `depth=none` when it raised), `dtype=bf16`.
// * tie: `= other.name` — the same Parameter object as an earlier line (tied weights; a
//   module visited twice). The first name is the one named_parameters() reports.
// * modules without parameters of their own are lines without a shape: `path  Class`;
//   `.` is the root. `path  Class  = other.path` says it is the same module object as an
//   earlier one (its parameters then tie to that module's; written alone, it stands for the
//   whole subtree of the other module). A module cannot contain itself: `= path` naming
//   itself, an ancestor, a submodule, or a module already shared with it is an error.
// * `# ...` comments, on their own line or after an entry. Blank lines are ignored.
// * header directives, each to the end of its line: `@model id`, `@env timm`,
//   `@no_weight_decay cls_token pos_embed` (model.no_weight_decay(), sorted), `@group_matcher
//   {json}`, `@pretrained_cfg_classifier head` (or a JSON list), `@num_layers 12`
//   (get_num_layers()), `@layer_depth` (the model has get_layer_depth; `@layer_depth name K/N`
//   for names not on a line), `@backbone {json}` (mmpretrain backbone facts). A hook without
//   its directive is recorded as null: the model has no such method.
// ─────────────────────────────────────────────────────────────────────────────────────────

import type { ListingProblem, ListingResult, ModelListing } from './model.ts';
import { ListingBuilder } from './listingBuilder.ts';
import { applyDirective, type ParamsHeader } from './paramsDirectives.ts';
import { ParamsLineParser, type ParamLine } from './paramsLine.ts';
import { readParamsColumns } from './paramsColumns.ts';
import { withColumns } from './columns.ts';

export function readParamsText(text: string, file: string): ListingResult {
  return readAsColumns(text, file) ?? readAsObjects(text, file);
}

/** Most listings read as columns (paramsColumns.ts); their objects are made when first asked for. */
function readAsColumns(text: string, file: string): ListingResult | undefined {
  const problems: ListingProblem[] = [];
  const header = emptyHeader();
  const columns = readParamsColumns(text, file, header, problems);
  if (!columns) return undefined;
  const listing = withColumns(listingOf(file, header, [], []), columns, () => readAsObjects(text, file).listing);
  return { listing, problems };
}

const emptyHeader = (): ParamsHeader => ({
  hooks: {
    noWeightDecay: null,
    groupMatcher: null,
    pretrainedCfgClassifier: null,
    getNumLayers: null,
    getLayerDepth: null,
  },
});

/** The general reader: every rule and message of the format (tests check the columns reader against it). */
export function readAsObjects(text: string, file: string): ListingResult {
  const problems: ListingProblem[] = [];
  const header = emptyHeader();
  const builder = new ListingBuilder(problems);
  const lines = new ParamsLineParser(text, file, problems, builder.shapes);
  for (let line = lines.next(); line; line = lines.next()) {
    if (line.kind === 'directive')
      applyDirective(line.directive, line.args, header, { argsStart: line.argsStart, file, problems });
    else if (line.kind === 'module') builder.declareModule(line.name, line.cls, line.tie, line.span);
    else addParamLine(builder, line, header);
  }
  const { modules, params } = builder.finish();
  return { listing: listingOf(file, header, modules, params), problems };
}

function listingOf(
  file: string,
  header: ParamsHeader,
  modules: ModelListing['modules'],
  params: ModelListing['params'],
): ModelListing {
  const listing: ModelListing = { format: 'params-text', file, modules, params, hooks: header.hooks };
  if (header.modelId !== undefined) listing.modelId = header.modelId;
  if (header.env !== undefined) listing.env = header.env;
  if (header.backbone) listing.backbone = header.backbone;
  return listing;
}

function addParamLine(builder: ListingBuilder, line: ParamLine, header: ParamsHeader): void {
  builder.addParam(line);
  if (line.depth !== undefined) (header.hooks.getLayerDepth ??= {})[line.name] = line.depth as [number, number];
}

/** A .params file says so: a directive, the writer's banner, or an entry with a class column. */
export function looksLikeParamsText(text: string): boolean {
  const head = text.slice(0, 8192);
  if (/^[ \t]*@[a-z_]+/m.test(head) || /^#\s*paramwise params/m.test(head)) return true;
  const firstEntry = /^[ \t]*([^\s#@][^\s]*)[ \t]+(\[[\d, ]*\])[ \t]+([A-Za-z_][\w.]*)/m.exec(head);
  // `name [64] True` and `name [64] torch.float32` are plain dumps printing more than the shape.
  const word = firstEntry?.[3];
  return !!word && word !== 'True' && word !== 'False' && !(word.startsWith('torch.') && !word.startsWith('torch.nn.'));
}
