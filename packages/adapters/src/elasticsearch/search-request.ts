import { ChatError } from '@chat/contracts';
import type { SearchQuery } from '@chat/core';
import type { estypes } from '@elastic/elasticsearch';
import template from './index-template.json' with { type: 'json' };

export type SortMode = SearchQuery['sort'];
/** One value of a hit's `sort` array, as `search_after` takes it back. */
export type SortValue = string | number | null;

/** Newest first with the id as tiebreak, or by score first; always a total order. */
const SORTS: Record<SortMode, estypes.SortCombinations[]> = {
  newest: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
  relevance: [
    { _score: { order: 'desc' } },
    { createdAt: { order: 'desc' } },
    { id: { order: 'desc' } },
  ],
};

const isSortValues = (value: unknown): value is SortValue[] =>
  Array.isArray(value) &&
  value.every((v) => v === null || typeof v === 'string' || typeof v === 'number');

/** `search_after` cursors: base64url JSON of the sort mode and the last hit's sort values. */
export const encodeCursor = (sort: SortMode, after: readonly SortValue[]): string =>
  Buffer.from(JSON.stringify({ s: sort, a: after })).toString('base64url');

export const decodeCursor = (cursor: string, sort: SortMode): SortValue[] => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 's' in parsed && 'a' in parsed) {
      const { s, a } = parsed;
      if (s === sort && isSortValues(a)) return a;
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw new ChatError('BAD_REQUEST', 'invalid search cursor');
};

/** The index template body for `prefix` (patterns rewritten from the shared JSON file). */
export function indexTemplateBody(
  prefix = 'chat',
): Omit<estypes.IndicesPutIndexTemplateRequest, 'name'> {
  return {
    ...(template as Omit<estypes.IndicesPutIndexTemplateRequest, 'name'>),
    index_patterns: [`${prefix}-messages-*`],
  };
}

/** The document's fields, as the template maps them (added to an existing index's mapping). */
export const mappingProperties = template.template.mappings.properties as unknown as Record<
  string,
  estypes.MappingProperty
>;

/** The search request: rooms filter, all terms, highlights, sort and `search_after`. */
export function searchRequest(
  index: string,
  query: SearchQuery,
  after: SortValue[] | undefined,
): estypes.SearchRequest {
  const fragment = { number_of_fragments: 1, fragment_size: 200, no_match_size: 0 };
  return {
    index,
    size: query.limit + 1,
    track_total_hits: false,
    query: {
      bool: {
        filter: [{ terms: { roomId: [...query.roomIds] } }, { term: { kind: 'user' } }],
        must: [
          {
            multi_match: {
              query: query.query,
              fields: ['content', 'content.ngram', 'fileNames', 'fileNames.ngram'],
              type: 'best_fields',
              operator: 'and',
            },
          },
        ],
      },
    },
    highlight: {
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      encoder: 'html',
      fields: { content: fragment, 'content.ngram': fragment },
    },
    sort: SORTS[query.sort],
    ...(after !== undefined && { search_after: after }),
  };
}
