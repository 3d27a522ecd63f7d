import enUS from 'quasar/lang/en-US.js';
import koKR from 'quasar/lang/ko-KR.js';
import { useQuasar } from 'quasar';
import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useSettingsStore } from '../stores/settings.store';

/** Applies the chosen theme and language to Quasar, vue-i18n and the document. */
export function useAppearance(): void {
  const settings = useSettingsStore();
  const $q = useQuasar();
  const { locale } = useI18n();

  watch(
    () => settings.theme,
    (mode) => $q.dark.set(mode === 'auto' ? 'auto' : mode === 'dark'),
    { immediate: true },
  );
  watch(
    () => settings.locale,
    (next) => {
      locale.value = next;
      document.documentElement.lang = next;
      $q.lang.set(next === 'ko' ? koKR : enUS);
    },
    { immediate: true },
  );
}
