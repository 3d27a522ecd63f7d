import { measureUploads, UPLOAD_OPTIONS } from '../scenarios/uploads.js';
import { defineStage, type RunContext } from './stage.js';

/** Concurrent uploads to the embedded server and to a bare HTTP server; it starts both. */
export const uploadsStage = defineStage<RunContext>({
  name: 'uploads',
  wanted: (options) => options.scenarios.has('uploads'),
  start: (run) => Promise.resolve(run),
  scenarios: [
    {
      name: 'uploads',
      wanted: () => true,
      run: async ({ dataDir, log, results }) => {
        log('uploads: concurrent uploads, ours (embedded) and a bare HTTP server');
        results.uploads = await measureUploads(dataDir, UPLOAD_OPTIONS, log);
      },
    },
  ],
});
