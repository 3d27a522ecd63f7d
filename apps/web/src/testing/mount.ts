import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { Dialog, Notify, Quasar } from 'quasar';
import type { Component } from 'vue';
import { createAppI18n } from '../i18n';

/** Mounts a component with the app's plugins (Quasar, English vue-i18n); Pinia must be active. */
export const mountWithApp = <C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> = {},
) =>
  mount(component, {
    ...options,
    global: {
      ...options.global,
      plugins: [[Quasar, { plugins: { Dialog, Notify } }], createAppI18n('en')],
    },
  });
