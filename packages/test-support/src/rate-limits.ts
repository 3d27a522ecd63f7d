/**
 * Environment that turns off every per-user rate limit of the gateway, for suites that send
 * faster than a person would (the limits have their own tests).
 */
export const NO_RATE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_MESSAGES_PER_SEC: '0',
  RATE_LIMIT_ROOMS_PER_MIN: '0',
  RATE_LIMIT_SEARCHES_PER_SEC: '0',
  RATE_LIMIT_TYPING_PER_SEC: '0',
  RATE_LIMIT_EVENTS_PER_SEC: '0',
  RATE_LIMIT_SESSIONS_PER_MIN: '0',
  RATE_LIMIT_UPLOAD_BYTES_PER_MIN: '0',
  RATE_LIMIT_SOCKET_EVENTS_PER_SEC: '0',
  MAX_BAD_EVENTS_PER_MIN: '0',
  MAX_SOCKETS_PER_USER: '0',
  MAX_SOCKETS_PER_IP: '0',
};
