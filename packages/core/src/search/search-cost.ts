import { DEFAULT_SEARCH_LIMIT, parseQueryTerms, type SearchPayload } from '@chat/contracts';

/**
 * Term × hit pairs one rate-limit point pays for: a query of up to 3 terms over the default
 * page of 20 hits costs 1 point.
 */
export const SEARCH_WORK_PER_POINT = 60;

/**
 * What a search costs in rate-limit points: every term is matched and highlighted in every hit,
 * so the work grows with terms × hits asked for. `ceil(terms × limit / 60)`, at least 1: 1 for
 * 1–3 terms over 20 hits, 4 for 10 terms over 20 hits, 17 for 10 terms over 100 hits (a limiter
 * never charges more than its whole budget, so every valid search can run). Pure.
 */
export function searchCost(payload: Pick<SearchPayload, 'query' | 'limit'>): number {
  const terms = parseQueryTerms(payload.query).length;
  const hits = payload.limit ?? DEFAULT_SEARCH_LIMIT;
  return Math.max(1, Math.ceil((terms * hits) / SEARCH_WORK_PER_POINT));
}
