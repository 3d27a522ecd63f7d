import { ChatError } from '@chat/contracts';
import {
  Injectable,
  SetMetadata,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { OriginPolicy } from './origin-policy.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FILE_BODY = 'chat:file-body';

/**
 * Marks a handler whose body is a file's bytes (`application/octet-stream`) instead of JSON.
 * A form cannot send that type either, and a cross-origin `fetch` with it needs a preflight.
 */
export const AcceptsFileBody = () => SetMetadata(FILE_BODY, true);

/**
 * Keeps other sites from changing state through a visitor's browser: every REST request that
 * is not GET/HEAD/OPTIONS must come from an allowed origin (403 `FORBIDDEN`) and carry an
 * `application/json` body (415 `BAD_REQUEST`). An HTML form can send neither JSON nor a custom
 * header, and a cross-origin `fetch` with JSON needs a preflight that this server never grants.
 * A handler marked `AcceptsFileBody` takes `application/octet-stream` instead.
 */
@Injectable()
export class BrowserRequestGuard implements CanActivate {
  constructor(
    private readonly origins: OriginPolicy,
    private readonly reflector = new Reflector(),
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const refusal = this.origins.refusal(req.headers);
    if (refusal) throw new ChatError('FORBIDDEN', refusal);
    const type = this.reflector.get<boolean | undefined>(FILE_BODY, context.getHandler())
      ? 'application/octet-stream'
      : 'application/json';
    if (!req.is(type)) throw new UnsupportedMediaTypeException(`send the body as ${type}`);
    return true;
  }
}
