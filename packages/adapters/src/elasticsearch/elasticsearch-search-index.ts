import {
  MessageKindSchema,
  type Message,
  type MessageAttachment,
  type SearchHit,
  type SearchResult,
} from '@chat/contracts';
import {
  SearchIndex,
  highlighter,
  hitHighlights,
  parseQueryTerms,
  type SearchQuery,
} from '@chat/core';
import type { Client } from '@elastic/elasticsearch';
import { backoff, type BackoffOptions } from '../backoff.js';
import { BulkIndexError, type BulkFailure } from './bulk-index-error.js';
import {
  decodeCursor,
  encodeCursor,
  indexTemplateBody,
  mappingProperties,
  searchRequest,
  type SortValue,
} from './search-request.js';

export { BulkIndexError, type BulkFailure };
export { decodeCursor, encodeCursor, indexTemplateBody, searchRequest };

export interface ElasticsearchSearchIndexOptions {
  /** Names: template `<prefix>-messages`, alias `<prefix>-messages`, index `<prefix>-messages-000001`. Default `chat`. */
  prefix?: string;
  /** `refresh` of bulk writes: `wait_for` makes a batch searchable before it resolves. Default false. */
  refresh?: boolean | 'wait_for';
  /** Backoff of whole-request (429/5xx/network) and per-item (429/5xx) retries. */
  retry?: BackoffOptions;
}

/** The indexed document: a user message (`_id` = message id). */
interface MessageDoc {
  id: string;
  roomId: string;
  seq: number;
  userId: string;
  kind: string;
  createdAt: string;
  content: string;
  clientMsgId?: string;
  /** The attachments' names, searched like the content. */
  fileNames?: string[];
  /** Kept with the document (not indexed) so that a hit carries its files. */
  attachments?: MessageAttachment[];
}

const isTransientStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * The HTTP status of a client `ResponseError`. Matched by name, not `instanceof`: the client
 * ships separate ESM and CommonJS builds whose error classes are distinct.
 */
const httpStatus = (error: unknown): number | undefined => {
  if (!(error instanceof Error) || error.name !== 'ResponseError') return undefined;
  const status: unknown = Reflect.get(error, 'statusCode');
  return typeof status === 'number' ? status : undefined;
};

const NETWORK_ERRORS = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError']);

const isTransientError = (error: unknown): boolean => {
  const status = httpStatus(error);
  if (status !== undefined) return isTransientStatus(status);
  return error instanceof Error && NETWORK_ERRORS.has(error.name);
};

const toMessage = (doc: MessageDoc): Message => ({
  id: doc.id,
  roomId: doc.roomId,
  seq: doc.seq,
  userId: doc.userId,
  content: doc.content,
  createdAt: doc.createdAt,
  ...(doc.clientMsgId !== undefined && { clientMsgId: doc.clientMsgId }),
  kind: MessageKindSchema.parse(doc.kind),
  ...(doc.attachments !== undefined && { attachments: doc.attachments }),
});

/**
 * The search index on Elasticsearch, through an alias so the index can be rebuilt and swapped.
 *
 * Guarantees: `putBatch` is idempotent (`_id` = message id, `index` overwrites) and indexes
 * user messages only; items rejected with 429/5xx are retried with backoff, items rejected
 * with another 4xx are permanent and reported together in a {@link BulkIndexError} (after the
 * rest of the batch is written). `search` filters by `terms roomId` (the caller's rooms),
 * requires every term (`operator: and`) in the nori field or the CJK/prefix fallback field,
 * pages with `search_after` and answers HTML-escaped `<mark>` highlights. Whole requests that
 * fail with 429/5xx or a network error are retried with backoff. The caller owns `client`.
 */
export class ElasticsearchSearchIndex extends SearchIndex {
  readonly prefix: string;
  readonly templateName: string;
  readonly alias: string;
  readonly firstIndex: string;
  private readonly wait: (attempt: number) => Promise<void>;
  private readonly maxAttempts: number;

  constructor(
    private readonly client: Client,
    private readonly options: ElasticsearchSearchIndexOptions = {},
  ) {
    super();
    const prefix = options.prefix ?? 'chat';
    this.prefix = prefix;
    this.templateName = `${prefix}-messages`;
    this.alias = `${prefix}-messages`;
    this.firstIndex = `${prefix}-messages-000001`;
    this.wait = backoff(options.retry ?? {});
    this.maxAttempts = options.retry?.maxAttempts ?? 8;
  }

  /**
   * Puts the index template and creates the first index behind the alias; an index made from
   * an earlier template gets the fields added since (mappings only grow). Idempotent.
   */
  async ensureIndex(): Promise<void> {
    await this.retrying(() =>
      this.client.indices.putIndexTemplate({
        name: this.templateName,
        ...indexTemplateBody(this.prefix),
      }),
    );
    const exists = await this.retrying(() => this.client.indices.existsAlias({ name: this.alias }));
    if (exists) {
      await this.retrying(() =>
        this.client.indices.putMapping({ index: this.alias, properties: mappingProperties }),
      );
      return;
    }
    try {
      await this.retrying(() =>
        this.client.indices.create({
          index: this.firstIndex,
          aliases: { [this.alias]: { is_write_index: true } },
        }),
      );
    } catch (error) {
      const raced =
        httpStatus(error) === 400 &&
        error instanceof Error &&
        error.message.includes('resource_already_exists_exception');
      // Another process created it first: that is the outcome we wanted.
      if (!raced) throw error;
    }
  }

  async putBatch(messages: readonly Message[]): Promise<void> {
    let pending = messages.filter((m) => m.kind === 'user' && !m.deleted);
    const permanent: BulkFailure[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= this.maxAttempts) {
        throw new BulkIndexError([
          ...permanent,
          ...pending.map((m) => ({
            id: m.id,
            status: 0,
            reason: 'retries exhausted',
            retryable: true,
          })),
        ]);
      }
      if (attempt > 0) await this.wait(attempt - 1);
      const batch = pending;
      const response = await this.retrying(() =>
        this.client.bulk({
          refresh: this.options.refresh ?? false,
          operations: batch.flatMap((m) => [
            { index: { _index: this.alias, _id: m.id } },
            this.toDoc(m),
          ]),
        }),
      );
      pending = [];
      batch.forEach((message, i) => {
        const result = response.items[i]?.index;
        // An item Elasticsearch did not answer for is not known to be indexed: send it again.
        if (!result) {
          pending.push(message);
          return;
        }
        if (!result.error) return;
        if (isTransientStatus(result.status)) pending.push(message);
        else
          permanent.push({
            id: message.id,
            status: result.status,
            reason: `${result.error.type}: ${result.error.reason ?? ''}`,
            retryable: false,
          });
      });
    }
    if (permanent.length > 0) throw new BulkIndexError(permanent);
  }

  /**
   * Edits rewrite the content of their target's document, deletions remove it: one
   * update/delete-by-query per change (on room and seq), in order, after a refresh: a query
   * only sees documents a refresh has made searchable, and the target may have been indexed a
   * moment ago.
   */
  async applyChanges(changes: readonly Message[]): Promise<void> {
    if (!changes.some((c) => c.kind === 'edit' || c.kind === 'delete')) return;
    await this.retrying(() => this.client.indices.refresh({ index: this.alias }));
    for (const change of changes) {
      if (change.target === undefined) continue;
      const query = {
        bool: {
          filter: [{ term: { roomId: change.roomId } }, { term: { seq: change.target } }],
        },
      };
      const refresh = this.options.refresh !== undefined && this.options.refresh !== false;
      if (change.kind === 'delete') {
        await this.retrying(() =>
          this.client.deleteByQuery({ index: this.alias, query, refresh, conflicts: 'proceed' }),
        );
      } else if (change.kind === 'edit') {
        await this.retrying(() =>
          this.client.updateByQuery({
            index: this.alias,
            query,
            refresh,
            conflicts: 'proceed',
            script: {
              source: 'ctx._source.content = params.content',
              params: { content: change.content },
            },
          }),
        );
      }
    }
  }

  private toDoc(m: Message): MessageDoc {
    return {
      id: m.id,
      roomId: m.roomId,
      seq: m.seq,
      userId: m.userId,
      kind: m.kind,
      createdAt: m.createdAt,
      content: m.content,
      ...(m.clientMsgId !== undefined && { clientMsgId: m.clientMsgId }),
      ...(m.attachments?.length && {
        fileNames: m.attachments.map((attachment) => attachment.name),
        attachments: m.attachments,
      }),
    };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    if (
      query.roomIds.length === 0 ||
      parseQueryTerms(query.query).length === 0 ||
      query.limit <= 0
    ) {
      return { hits: [], nextCursor: null };
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort);
    const response = await this.retrying(() =>
      this.client.search<MessageDoc>(searchRequest(this.alias, query, after)),
    );
    const page = response.hits.hits.slice(0, query.limit);
    const highlight = highlighter(query.query);
    const hits: SearchHit[] = page.flatMap((hit) => {
      if (!hit._source) return [];
      const fromEs = [
        ...(hit.highlight?.content ?? []),
        ...(hit.highlight?.['content.ngram'] ?? []),
      ];
      // The shared highlighter marks exactly what the query terms match, the same in every
      // adapter; Elasticsearch's fragments stand in when it finds nothing (e.g. a nori stem).
      const message = toMessage(hit._source);
      const shared = hitHighlights(highlight, message);
      const highlights = shared.some((h) => h.includes('<mark>')) ? shared : fromEs.slice(0, 1);
      return [{ message, highlights }];
    });
    const last = page.at(-1);
    const more = response.hits.hits.length > query.limit && last?.sort !== undefined;
    return {
      hits,
      nextCursor: more && last?.sort ? encodeCursor(query.sort, last.sort as SortValue[]) : null,
    };
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.retrying(() =>
      this.client.deleteByQuery({
        index: this.alias,
        query: { term: { roomId } },
        conflicts: 'proceed',
        refresh: true,
      }),
    );
  }

  async ping(): Promise<void> {
    const up = await this.client.ping();
    if (!up) throw new Error('Elasticsearch did not answer ping');
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Runs `request`, retrying 429/5xx answers and network errors with backoff. */
  private async retrying<T>(request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!isTransientError(error) || attempt + 1 >= this.maxAttempts) throw error;
        await this.wait(attempt);
      }
    }
  }
}
