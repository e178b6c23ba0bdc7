// The JSON values of .params directives (@group_matcher, @backbone, @pretrained_cfg_classifier)
// are checked as the dumper JSON's are: a value a resolver would throw on (a regex JavaScript
// cannot compile, depths that are not a list) is an error at its place and is left out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAsObjects, readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { describeProblems } from './helpers.ts';

test('directive values of the wrong type are errors at their place, left out, the same in both readers', () => {
  const text = [
    '@group_matcher {"stem": "(?P<x>a)", "blocks": [["^b", null]]}',
    '@backbone {"class_qualified": "x.SwinTransformer", "depths": 5}',
    '@pretrained_cfg_classifier ["head", 3]',
    'a.w  [3]  Linear',
  ].join('\n');
  const result = readParamsText(text, 'x.params');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), JSON.parse(JSON.stringify(readAsObjects(text, 'x.params'))));
  assert.deepEqual(describeProblems(text, result.problems), [
    '1:25 error params-bad-directive "\\"(?P<x>a)\\"": @group_matcher.stem: not a regular expression this reader can use (Invalid regular expression: /(?P<x>a)/y: Invalid group).',
    '2:62 error params-bad-directive "5": @backbone.depths: expected an array of whole numbers >= 0, got the number 5.',
    '3:37 error params-bad-directive "3": @pretrained_cfg_classifier[1]: expected a string, got the number 3.',
  ]);
  const { hooks, backbone } = result.listing;
  assert.equal(hooks.groupMatcher, undefined);
  assert.equal(hooks.pretrainedCfgClassifier, undefined);
  assert.deepEqual(backbone, {
    class_qualified: 'x.SwinTransformer',
    classQualified: 'x.SwinTransformer',
    className: 'SwinTransformer',
  });
});

test('valid directive values read as before', () => {
  const text = [
    '@group_matcher {"stem": "^cls_token|pos_embed", "blocks": [["^blocks\\\\.(\\\\d+)", null], ["^norm", [99999]]]}',
    '@backbone {"class_qualified": "mmpretrain.models.backbones.vision_transformer.VisionTransformer", "num_layers": 12}',
    '@pretrained_cfg_classifier head',
    'a.w  [3]  Linear',
  ].join('\n');
  const { listing, problems } = readParamsText(text, 'x.params');
  assert.deepEqual(problems, []);
  assert.deepEqual(listing.hooks.groupMatcher, {
    stem: '^cls_token|pos_embed',
    blocks: [
      ['^blocks\\.(\\d+)', null],
      ['^norm', [99999]],
    ],
  });
  assert.equal(listing.backbone?.numLayers, 12);
  assert.equal(listing.hooks.pretrainedCfgClassifier, 'head');
});
