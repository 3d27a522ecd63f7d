import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { useMessagesStore } from '../stores/messages.store';
import { useUploadsStore } from '../stores/uploads.store';
import { drivenUploader } from '../testing/fake-uploader';
import { mountWithApp } from '../testing/mount';
import { connectedHarness } from '../testing/setup';
import MessageComposer from './MessageComposer.vue';
import UploadTray from './UploadTray.vue';

/** The tray above the composer, as the chat view shows them. */
const Composing = defineComponent({
  props: { roomId: { type: String, required: true } },
  setup: (props) => () => [
    h(UploadTray, { roomId: props.roomId }),
    h(MessageComposer, { roomId: props.roomId }),
  ],
});

async function composing() {
  const harness = await connectedHarness('alice', (s) => s.addRoom('r1', ['alice']));
  await useMessagesStore().select('r1');
  const { uploader, started } = drivenUploader();
  useUploadsStore().useUploader(uploader);
  const sut = mountWithApp(Composing, { props: { roomId: 'r1' }, attachTo: document.body });
  return { harness, sut, started };
}

function paste(target: Element, files: File[]): ClipboardEvent {
  const clipboardData = {
    files,
    types: files.length ? ['Files'] : [],
  } as unknown as DataTransfer;
  const event = new Event('paste', { bubbles: true, cancelable: true }) as ClipboardEvent;
  Object.defineProperty(event, 'clipboardData', { value: clipboardData });
  target.dispatchEvent(event);
  return event;
}

const png = (name: string) => new File([new Uint8Array(64)], name, { type: 'image/png' });

describe('UploadTray', () => {
  it('shows a pasted image as a chip with its progress, then ready to send', async () => {
    const { sut, started } = await composing();

    const event = paste(sut.get('textarea').element, [png('shot.png')]);
    await flushPromises();

    expect(event.defaultPrevented).toBe(true);
    const chip = sut.get('[data-test="upload-chip"]');
    expect(chip.text()).toContain('shot.png');
    expect(chip.attributes('data-status')).toBe('uploading');
    expect(sut.find('[data-test="upload-progress"]').exists()).toBe(true);

    started[0]?.request.onProgress(32, 64);
    await flushPromises();
    expect(chip.attributes('data-progress')).toBe('50');

    started[0]?.finish();
    await flushPromises();
    expect(chip.attributes('data-status')).toBe('done');
    expect(chip.text()).toContain('Ready to send');
    sut.unmount();
  });

  it('leaves a paste of plain text to the text field', async () => {
    const { sut } = await composing();
    const event = paste(sut.get('textarea').element, []);
    await flushPromises();
    expect(event.defaultPrevented).toBe(false);
    expect(sut.find('[data-test="upload-chip"]').exists()).toBe(false);
    sut.unmount();
  });

  it('holds the message back while uploading, then sends the ids without text', async () => {
    const { harness, sut, started } = await composing();
    paste(sut.get('textarea').element, [png('a.png')]);
    await flushPromises();
    const send = sut.get('[data-test="send"]');
    expect(send.attributes('disabled')).toBeDefined();

    started[0]?.finish({ width: 20, height: 10, thumbnailUrl: '/thumb' });
    await flushPromises();
    expect(send.attributes('disabled')).toBeUndefined();
    await sut.get('form').trigger('submit');
    await flushPromises();

    expect(harness.transport().requestsOf('send_message')).toMatchObject([
      { roomId: 'r1', content: '', attachments: ['att-a.png'] },
    ]);
    expect(sut.find('[data-test="upload-chip"]').exists()).toBe(false);
    sut.unmount();
  });

  it('cancels and removes a file with its ✕', async () => {
    const { sut, started } = await composing();
    paste(sut.get('textarea').element, [png('oops.png')]);
    await flushPromises();

    await sut.get('[data-test="upload-remove"]').trigger('click');
    await flushPromises();

    expect(started[0]?.cancelled).toBe(true);
    expect(sut.find('[data-test="upload-chip"]').exists()).toBe(false);
    sut.unmount();
  });

  it('says plainly why a file too large is not attached', async () => {
    const { sut, started } = await composing();
    const huge = new File([new Uint8Array(11 * 1024 * 1024)], 'movie.mov');
    paste(sut.get('textarea').element, [huge]);
    await flushPromises();

    expect(started).toHaveLength(0);
    expect(sut.get('[data-test="upload-chip"] [role="alert"]').text()).toBe(
      '“movie.mov” is larger than 10 MB, the most one file may be.',
    );
    sut.unmount();
  });
});
