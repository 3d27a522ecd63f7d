import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { readStored, writeStored } from './storage';

export type AppLocale = 'en' | 'ko';
export type ThemeMode = 'auto' | 'light' | 'dark';

const LOCALES: readonly AppLocale[] = ['en', 'ko'];
const THEMES: readonly ThemeMode[] = ['auto', 'light', 'dark'];

const isLocale = (v: unknown): v is AppLocale => LOCALES.includes(v as AppLocale);
const isTheme = (v: unknown): v is ThemeMode => THEMES.includes(v as ThemeMode);

/** The browser's language if the app speaks it, else English. */
export const browserLocale = (language: string = navigator.language): AppLocale =>
  language.toLowerCase().startsWith('ko') ? 'ko' : 'en';

/** Language and theme, remembered across visits. */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<AppLocale>(readStored('chat.locale', isLocale) ?? browserLocale());
  const theme = ref<ThemeMode>(readStored('chat.theme', isTheme) ?? 'auto');

  watch(locale, (v) => writeStored('chat.locale', v));
  watch(theme, (v) => writeStored('chat.theme', v));

  return { locale, theme };
});
