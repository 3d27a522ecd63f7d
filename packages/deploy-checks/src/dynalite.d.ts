declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }

  /** dynalite's factory: an http.Server speaking the DynamoDB API (in memory unless `path`). */
  export default function dynalite(options?: DynaliteOptions): Server;
}
