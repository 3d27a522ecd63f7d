import { describe, expect, it } from 'vitest';
import { previewText } from './message-preview';

describe(previewText.name, () => {
  const pdf = { id: 'a1', name: 'minutes.pdf', type: 'application/pdf', size: 10 };
  const png = { id: 'a2', name: 'cat.png', type: 'image/png', size: 10 };

  it('is the text of a message that has text', () => {
    expect(previewText({ content: 'hello', attachments: [pdf] })).toBe('hello');
  });

  it('names the files of a message without text', () => {
    expect(previewText({ content: '', attachments: [pdf, png] })).toBe('📎 minutes.pdf, cat.png');
  });

  it('is empty for an empty message without files', () => {
    expect(previewText({ content: '' })).toBe('');
  });
});
