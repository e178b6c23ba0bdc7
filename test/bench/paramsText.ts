// The synthetic model as a .params listing (classes included, so norm rules fire).

import { readDumperJson } from '../../server/src/core/listing/dumperJson.ts';
import { writeParamsText } from '../../server/src/core/listing/paramsWriter.ts';
import { dumperJson, type SyntheticModel } from './synthetic.ts';

export function paramsText(model: SyntheticModel): string {
  return writeParamsText(readDumperJson(dumperJson(model), 'synthetic.json').listing);
}
