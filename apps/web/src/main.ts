import '@quasar/extras/roboto-font/roboto-font.css';
import '@quasar/extras/material-icons/material-icons.css';
// Hangul in ~120 unicode-range slices: a browser downloads only the slices of the characters a
// page shows, and none where a platform Korean font comes first (app.scss).
import '@fontsource/noto-sans-kr/400.css';
import '@fontsource/noto-sans-kr/700.css';
import 'quasar/src/css/index.sass';
import './styles/app.scss';

import { createPinia } from 'pinia';
import { Dark, Dialog, Notify, Quasar } from 'quasar';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { loadRuntimeConfig } from './services/runtime-config';
import { useAuthStore } from './stores/auth.store';
import { useSettingsStore } from './stores/settings.store';
import { wireChat } from './stores/wiring';

/** How often an open app checks whether its guest token is due for renewal. */
const RENEWAL_CHECK_MS = 60 * 60 * 1000;

const start = async (): Promise<void> => {
  await loadRuntimeConfig();
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);
  wireChat(pinia);
  app.use(Quasar, {
    plugins: { Dark, Dialog, Notify },
    // Top centre, moved below the header in app.scss: over no button and not over the composer.
    config: { notify: { position: 'top', timeout: 4000 } },
  });
  app.use(createAppI18n(useSettingsStore(pinia).locale));
  app.mount('#app');
  const auth = useAuthStore(pinia);
  void auth.renewIfDue();
  setInterval(() => void auth.renewIfDue(), RENEWAL_CHECK_MS);
};

void start();
