import { ChatError } from '@chat/contracts';
import {
  Injectable,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import type { OriginPolicy } from './origin-policy.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Keeps other sites from changing state through a visitor's browser: every REST request that
 * is not GET/HEAD/OPTIONS must come from an allowed origin (403 `FORBIDDEN`) and carry an
 * `application/json` body (415 `BAD_REQUEST`). An HTML form can send neither JSON nor a custom
 * header, and a cross-origin `fetch` with JSON needs a preflight that this server never grants.
 */
@Injectable()
export class BrowserRequestGuard implements CanActivate {
  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const refusal = this.origins.refusal(req.headers);
    if (refusal) throw new ChatError('FORBIDDEN', refusal);
    if (!req.is('application/json')) {
      throw new UnsupportedMediaTypeException('send the body as application/json');
    }
    return true;
  }
}
