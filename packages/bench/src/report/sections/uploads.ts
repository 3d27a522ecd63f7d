import type { BenchResults } from '../../run.js';
import type { UploadRound, UploadsResult } from '../../scenarios/uploads.js';

const MIB = 1024 * 1024;

/** Issue 14's target: the server's RSS does not grow with the file size (it streams). */
export function uploadsStream(result: UploadsResult): boolean | undefined {
  const [small, large] = [result.ours.at(0), result.ours.at(-1)];
  if (!small || !large || small === large) return undefined;
  const growth = (r: UploadRound) => r.rssPeakBytes - r.rssBeforeBytes;
  const bytes = (r: UploadRound) => r.fileBytes * r.concurrent;
  // Buffering whole files would add at least the extra bytes in flight to the peak.
  return growth(large) - growth(small) < (bytes(large) - bytes(small)) / 2;
}

const row = (who: string, r: UploadRound) => [
  who,
  `${r.concurrent} × ${(r.fileBytes / MIB).toFixed(0)} MiB`,
  r.mbPerSec.toFixed(1),
  (r.wallMs / 1000).toFixed(2),
  (r.rssBeforeBytes / MIB).toFixed(0),
  (r.rssPeakBytes / MIB).toFixed(0),
  `+${((r.rssPeakBytes - r.rssBeforeBytes) / MIB).toFixed(0)}`,
  String(r.failures),
];

/** Throughput and memory, ours against the bare baseline, per size. */
function renderUploads(result: UploadsResult | undefined): string {
  if (!result) return '_Not run._';
  const head = [
    'server',
    'uploads at once',
    'MB/s',
    'wall s',
    'RSS before MiB',
    'RSS peak MiB',
    'growth MiB',
    'failed',
  ];
  const rows = result.ours.flatMap((ours, i) => {
    const bare = result.baseline[i];
    return [row('ours (embedded)', ours), ...(bare ? [row('bare HTTP → file', bare)] : [])];
  });
  const streams = uploadsStream(result);
  const verdict =
    streams === undefined
      ? ''
      : streams
        ? '**Met:** the peak RSS grows far less than the bytes in flight: uploads stream to disk.'
        : '**Not met:** the peak RSS grows with the file size.';
  return [
    'Concurrent `POST /chat/rooms/:roomId/attachments` to the embedded gateway (type sniffed, ' +
      'content hashed, files under `DATA_DIR/attachments`, rate limits off), against a bare ' +
      '`node:http` server piping each body to a file, both fed by the same client in the same ' +
      'run. Each upload has distinct random bytes; RSS is sampled every 10 ms from `/proc`.',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    verdict,
  ].join('\n');
}

/** Section 7: concurrent uploads, ours against a bare HTTP server. */
export function uploadsSection(results: BenchResults): string[] {
  return ['## 7. Uploads: throughput and memory', '', renderUploads(results.uploads), ''];
}
