/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerToken = (header: unknown): string | undefined => {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
};
