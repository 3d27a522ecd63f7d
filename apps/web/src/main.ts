import '@quasar/extras/roboto-font/roboto-font.css';
import '@quasar/extras/material-icons/material-icons.css';
import 'quasar/src/css/index.sass';
import './styles/app.scss';

import { createPinia } from 'pinia';
import { Dark, Dialog, Notify, Quasar } from 'quasar';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { loadRuntimeConfig } from './services/runtime-config';
import { useSettingsStore } from './stores/settings.store';

const start = async (): Promise<void> => {
  await loadRuntimeConfig();
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);
  app.use(Quasar, {
    plugins: { Dark, Dialog, Notify },
    config: { notify: { position: 'top-right', timeout: 4000 } },
  });
  app.use(createAppI18n(useSettingsStore(pinia).locale));
  app.mount('#app');
};

void start();
