import {
  DEFAULT_PAGE_LIMIT,
  GetMessagesSchema,
  GetUsersSchema,
  SearchSchema,
  type MessagePage,
  type Room,
  type SearchResult,
  type User,
} from '@chat/contracts';
import {
  MessageService,
  PresenceService,
  RoomService,
  SearchService,
  searchCost,
  type Identity,
} from '@chat/core';
import { Controller, Get, Headers, Inject, Param, Query } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.js';
import { RateLimits } from '../chat/rate-limits.js';
import { one, restCaller, type QueryParams } from './rest.js';

/** REST reads for clients that are not connected (history, search, directory). */
@Controller('chat')
export class ChatController {
  constructor(
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(PresenceService) private readonly presence: PresenceService,
    @Inject(RoomService) private readonly rooms: RoomService,
    @Inject(MessageService) private readonly messages: MessageService,
    @Inject(SearchService) private readonly searchService: SearchService,
    @Inject(RateLimits) private readonly limits: RateLimits,
  ) {}

  @Get('users')
  async users(
    @Headers('authorization') auth: unknown,
    @Query() q: QueryParams,
  ): Promise<{ users: User[] }> {
    const user = await this.caller(auth);
    const { query, limit } = GetUsersSchema.parse({
      query: one(q['query']),
      limit: int(q['limit']),
    });
    return {
      users: await this.presence.directory(user.id, query ?? '', limit ?? DEFAULT_PAGE_LIMIT),
    };
  }

  @Get('rooms')
  async list(@Headers('authorization') auth: unknown): Promise<{ rooms: Room[] }> {
    const user = await this.caller(auth);
    return { rooms: await this.rooms.list(user.id) };
  }

  @Get('rooms/:roomId/messages')
  async history(
    @Headers('authorization') auth: unknown,
    @Param('roomId') roomId: string,
    @Query() q: QueryParams,
  ): Promise<MessagePage> {
    const user = await this.caller(auth);
    const payload = GetMessagesSchema.parse({
      roomId,
      before: int(q['before']),
      after: int(q['after']),
      limit: int(q['limit']),
    });
    return this.messages.page(user.id, payload);
  }

  @Get('search')
  async search(
    @Headers('authorization') auth: unknown,
    @Query() q: QueryParams,
  ): Promise<SearchResult> {
    const user = await this.caller(auth);
    const payload = SearchSchema.parse({
      query: one(q['q']) ?? '',
      roomId: one(q['roomId']),
      limit: int(q['limit']),
      cursor: one(q['cursor']),
      sort: one(q['sort']),
    });
    await this.limits.consume('search', user.id, searchCost(payload));
    return this.searchService.search(user.id, payload);
  }

  /** The authenticated caller, charged an event (search takes its own budget too). */
  private caller(header: unknown): Promise<Identity> {
    return restCaller(this.auth, this.limits, header);
  }
}

/** A query-string integer; anything else is passed through for the schema to reject. */
const int = (value: string | string[] | undefined): number | string | undefined => {
  const raw = one(value);
  if (raw === undefined || raw === '') return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
};
