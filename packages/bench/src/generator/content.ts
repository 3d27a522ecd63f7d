/** What the generator writes into a measured message, shared with the probes. */

/** Words of the measured messages (Korean and English), so search has realistic hits. */
export const VOCABULARY = [
  '채팅',
  '메시지',
  '서버',
  '배포',
  '회의',
  '점심',
  'hello',
  'world',
  'latency',
  'socket',
  'redis',
  'stream',
  'deploy',
  'release',
  'coffee',
  'meeting',
] as const;

export const roomTag = (step: number, room: number) => `tag${step}r${room}z`;
