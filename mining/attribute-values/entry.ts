import { OptionError, parseWholeNumber } from '../errors.ts';
import { defineAnalysis, param, paramsOf } from '../registry.ts';
import { DEFAULT_VALUES_LIMIT, getAttributeValues } from './index.ts';

export const attributeValuesAnalysis = defineAnalysis({
  name: 'attribute-values',
  summary: 'The values an attribute holds in the filtered cases, those most cases hold first, with their case counts: what a filter can choose from.',
  params: paramsOf({
    attribute: param({ value: 'NAME', help: 'the attribute (required)' }),
    search: param({ value: 'TEXT', help: 'only values containing this text, in any case' }),
    limit: param({ value: 'N', default: String(DEFAULT_VALUES_LIMIT), help: 'at most this many values (1–1000)' }),
  }),
  example: { log: 'order-to-cash', params: { attribute: 'warehouse' } },
  run: (store, log, filter, params) => {
    if (params.attribute === undefined || params.attribute.trim() === '') throw new OptionError('name the attribute: attribute=NAME (see the log’s attributes)');
    const limit = parseWholeNumber(params.limit, 'limit');
    return getAttributeValues(store, log, filter, { attribute: params.attribute, ...(params.search !== undefined && { search: params.search }), ...(limit !== undefined && { limit }) });
  },
});
