/// <reference types="vite/client" />

declare module 'quasar/lang/*.js' {
  import type { QuasarLanguage } from 'quasar';
  const lang: QuasarLanguage;
  export default lang;
}

interface Window {
  /** Optional run-time override of the gateway origin, set by the page that hosts the app. */
  __CHAT_CONFIG__?: { gatewayUrl?: string };
}

// For tools that type-check without the Vue language plugin (ESLint's TypeScript service).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
