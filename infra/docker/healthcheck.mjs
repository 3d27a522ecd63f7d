// HEALTHCHECK of the gateway and sink images (node has no curl): exits 0 when the URL given as
// the first argument answers 2xx within 3 s, else 1.
const url = process.argv[2] ?? 'http://127.0.0.1:3000/health';
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
