import { createI18n } from 'vue-i18n';
import type { AppLocale } from '../stores/settings.store';
import en, { type MessageSchema } from './en';
import ko from './ko';

export const createAppI18n = (locale: AppLocale) =>
  createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, ko },
  });

export type AppI18n = ReturnType<typeof createAppI18n>;
