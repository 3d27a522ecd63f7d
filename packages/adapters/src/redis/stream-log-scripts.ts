import { LuaScript } from './lua-script.js';

/**
 * Append a message: dedupe, take the room's next seq, XADD the envelope, put the message in the
 * room's hot window and PUBLISH it on the live channel — all in one script, so it is atomic,
 * and publish order is seq order (scripts run one at a time).
 *
 * Dedupe has two forms. With a clientMsgId (ARGV[1] = '1') KEYS[3] remembers the first message
 * for ARGV[2] ms (≥ 24 h): a client's retry returns it. Without one, KEYS[3] marks the message
 * id as appended for ARGV[2] ms (a few minutes), so the same command sent again — a client
 * library re-sends commands whose reply a dropped connection lost — appends nothing; and a
 * draft older than ARGV[10] ms by Redis's clock is refused, so no re-send can outlive its mark.
 * A user message (ARGV[12] = its sender) also gets a mark `<seq>:<sender>` in the room's
 * sent marks (KEYS[5]), which keep the newest ARGV[13] for ARGV[14] ms after the last append;
 * the member `0:` (score 0, below every seq) says the marks exist even with none in them, so a
 * room of only system messages is told from one whose marks expired.
 * A change (ARGV[15] = its kind) also goes to the room's changes (KEYS[6]), kept like the
 * window. A deletion (target seq ARGV[16]) takes the text out of the window: the target becomes
 * a tombstone (as `applyChange` makes it) and its edits lose their content, in both sets.
 * A user or system message replaces the room's preview (KEYS[7]: ARGV[18] .. seq .. ARGV[19],
 * its `MessagePreview` JSON); an edit of the previewed message sets its content (ARGV[20],
 * already cut), a deletion empties it, as `changePreview` does. It is kept as long as the marks.
 * KEYS: stream, seq, dedupe or appended mark, window, sent marks, changes, preview.
 * ARGV: hasClientMsgId, dedupeTtlMs, messagePrefix, messageSuffix, envelopePrefix,
 *       envelopeSuffix, windowSize, windowTtlMs, liveChannel, maxDraftAgeMs, draftCreatedAtMs,
 *       sender ('' for a system message), marksKept, marksTtlMs, changeKind ('' for none),
 *       target, mentionList, previewPrefix ('' for a change), previewSuffix, editPreview.
 * Returns {1, first message JSON, ''} for a duplicate, {2} for a stale draft, else
 * {0, message JSON, stream id, seq}.
 */
export const APPEND_MESSAGE = new LuaScript(`
local first = redis.call('GET', KEYS[3])
if first then
  if ARGV[1] == '1' then return {1, first, ''} end
  return {1, ARGV[3] .. first .. ARGV[4], ''}
end
if ARGV[1] == '0' then
  local now = redis.call('TIME')
  local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  if nowMs - tonumber(ARGV[11]) > tonumber(ARGV[10]) then return {2} end
end
local seq = redis.call('INCR', KEYS[2])
local message = ARGV[3] .. seq .. ARGV[4]
local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[5] .. message .. ARGV[6])
if ARGV[1] == '1' then
  redis.call('SET', KEYS[3], message, 'PX', ARGV[2])
else
  redis.call('SET', KEYS[3], seq, 'PX', ARGV[2])
end
redis.call('ZADD', KEYS[4], seq, message)
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -1 - tonumber(ARGV[7]))
redis.call('PEXPIRE', KEYS[4], ARGV[8])
redis.call('ZADD', KEYS[5], 'NX', 0, '0:')
if ARGV[12] ~= '' then
  local mark = seq .. ':' .. ARGV[12]
  if ARGV[17] ~= '' then mark = mark .. '\0' .. ARGV[17] end
  redis.call('ZADD', KEYS[5], seq, mark)
  redis.call('ZREMRANGEBYRANK', KEYS[5], 1, -1 - tonumber(ARGV[13]))
end
redis.call('PEXPIRE', KEYS[5], ARGV[14])
if ARGV[15] ~= '' then
  redis.call('ZADD', KEYS[6], seq, message)
  redis.call('ZREMRANGEBYRANK', KEYS[6], 0, -1 - tonumber(ARGV[7]))
  redis.call('PEXPIRE', KEYS[6], ARGV[8])
end
if ARGV[15] == 'delete' then
  local target = tonumber(ARGV[16])
  local function replace(key, score, old, new)
    if redis.call('ZREM', key, old) == 1 then redis.call('ZADD', key, score, new) end
  end
  for _, m in ipairs(redis.call('ZRANGE', KEYS[4], target, target, 'BYSCORE')) do
    local t = cjson.decode(m)
    if t.kind == 'user' then
      t.content = ''
      t.mentions = nil
      t.mentionsRoom = nil
      t.editedAt = nil
      t.reactions = nil
      t.attachments = nil
      t.deleted = true
      replace(KEYS[4], target, m, cjson.encode(t))
    end
  end
  for _, m in ipairs(redis.call('ZRANGE', KEYS[6], '(' .. target, '+inf', 'BYSCORE')) do
    local e = cjson.decode(m)
    if e.kind == 'edit' and e.target == target then
      e.content = ''
      e.mentions = nil
      e.mentionsRoom = nil
      local scrubbed = cjson.encode(e)
      replace(KEYS[6], e.seq, m, scrubbed)
      replace(KEYS[4], e.seq, m, scrubbed)
    end
  end
end
if ARGV[18] ~= '' then
  redis.call('SET', KEYS[7], ARGV[18] .. seq .. ARGV[19], 'PX', ARGV[14])
else
  local last = redis.call('GET', KEYS[7])
  if last and (ARGV[15] == 'edit' or ARGV[15] == 'delete') then
    local p = cjson.decode(last)
    if p.seq == tonumber(ARGV[16]) and not p.deleted then
      if ARGV[15] == 'delete' then
        p.content = ''
        p.deleted = true
        p.attachments = nil
      else
        p.content = ARGV[20]
      end
      redis.call('SET', KEYS[7], cjson.encode(p))
    end
  end
  if last then redis.call('PEXPIRE', KEYS[7], ARGV[14]) end
end
redis.call('PUBLISH', ARGV[9], message)
return {0, message, id, seq}
`);

/**
 * Per room, the user messages above a seq the reader has not read: counted from the newest
 * marks (`<seq>:<sender>`, then `\0` and the mention list if any; newest first) down to the
 * reader's own newest one, at most the cap; and how many of those mention the reader (the
 * list holds ` <reader> ` or ` * `).
 * KEYS: sent marks per room (one slot). ARGV: the seq per key, then the reader, the reader as
 * it appears in a mention list, and the cap.
 * Returns two numbers per key (unread, mentions), or -1, -1 where the room's marks are gone.
 */
export const UNREAD_COUNTS = new LuaScript(`
local cap = tonumber(ARGV[#ARGV])
local mention = ARGV[#ARGV - 1]
local reader = ARGV[#ARGV - 2]
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    table.insert(out, -1)
    table.insert(out, -1)
  else
    local marks = redis.call('ZRANGE', key, '+inf', '(' .. ARGV[i], 'BYSCORE', 'REV', 'LIMIT', 0, cap)
    local n = 0
    local mentioned = 0
    for _, mark in ipairs(marks) do
      local colon = string.find(mark, ':', 1, true)
      local nul = string.find(mark, '\0', colon + 1, true)
      local sender = string.sub(mark, colon + 1, (nul or 0) - 1)
      if sender == reader then break end
      n = n + 1
      if nul then
        local list = string.sub(mark, nul + 1)
        if string.find(list, mention, 1, true) or string.find(list, ' * ', 1, true) then
          mentioned = mentioned + 1
        end
      end
    end
    table.insert(out, n)
    table.insert(out, mentioned)
  end
end
return out
`);

/** Lua helper: the value of field `name` of a stream entry, or the whole entry as JSON. */
const FIELD_OF = `
local function field(fields, name)
  if not fields then return '' end
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return cjson.encode(fields)
end
`;

/**
 * Claim entries idle for at least minIdleMs with XAUTOCLAIM (looping over the pending list
 * until COUNT entries or its end) and report each one's delivery count from XPENDING.
 * KEYS: stream. ARGV: group, consumer, minIdleMs, count.
 * Returns a flat list {streamId, raw, deliveries, …}.
 */
export const CLAIM = new LuaScript(`${FIELD_OF}
local out = {}
local want = tonumber(ARGV[4])
local cursor = '0-0'
repeat
  local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', want - #out / 3)
  cursor = r[1]
  for _, entry in ipairs(r[2]) do
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
    local deliveries = 1
    if p[1] then deliveries = p[1][4] end
    table.insert(out, entry[1])
    table.insert(out, field(entry[2], 'e'))
    table.insert(out, deliveries)
  end
until cursor == '0-0' or #out / 3 >= want
return out
`);

/**
 * Dead-letter an entry: XACK it and, only if it was still pending, XADD it to the shard's
 * dead-letter stream and count it for the group. Idempotent.
 * KEYS: stream, dlq, dlq-count. ARGV: group, streamId, raw, reason, deliveries, at.
 */
export const DEAD_LETTER = new LuaScript(`
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 1 then
  redis.call('XADD', KEYS[2], '*', 'group', ARGV[1], 'entry', ARGV[2], 'raw', ARGV[3],
    'reason', ARGV[4], 'deliveries', ARGV[5], 'at', ARGV[6])
  redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
end
return acked
`);

/**
 * Safe trim: the lowest id any group still needs is the smallest of, per group, its oldest
 * pending id or (nothing pending) the id right after its last-delivered id. XTRIM MINID to
 * that id removes only entries every group has acknowledged. No group: nothing is trimmed,
 * since a group created later starts at the beginning of the retained log.
 * KEYS: stream. Returns the number of entries removed.
 */
export const SAFE_TRIM = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local ams, aseq = parse(a)
  local bms, bseq = parse(b)
  return ams < bms or (ams == bms and aseq < bseq)
end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local lowest = nil
for _, g in ipairs(groups) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local bound
  if info['pending'] > 0 then
    bound = redis.call('XPENDING', KEYS[1], info['name'])[2]
  else
    local ms, seq = parse(info['last-delivered-id'])
    bound = string.format('%.0f-%.0f', ms, seq + 1)
  end
  if lowest == nil or less(bound, lowest) then lowest = bound end
end
return redis.call('XTRIM', KEYS[1], 'MINID', lowest)
`);
