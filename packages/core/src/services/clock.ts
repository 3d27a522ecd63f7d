/** Time source; services take one so tests can control time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
