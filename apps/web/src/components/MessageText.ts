import { defineComponent, h, type PropType } from 'vue';
import { linkify } from '../services/linkify';
import { renderMarkdown, type MentionContext } from '../services/markdown';

/**
 * Message text. By default markdown's safe subset, sanitised (see `renderMarkdown`): raw markup
 * shows literally, links are http(s) only and open in a new tab without access to this one.
 * `plain` shows the text as it is, with only its links made anchors (built as VNodes).
 */
export default defineComponent({
  name: 'MessageText',
  props: {
    text: { type: String, required: true },
    plain: { type: Boolean, default: false },
    mentions: { type: Object as PropType<MentionContext>, default: undefined },
  },
  setup(props) {
    return () =>
      props.plain
        ? h(
            'span',
            { class: 'message-text' },
            linkify(props.text).map((segment) =>
              segment.kind === 'link'
                ? h(
                    'a',
                    { href: segment.href, target: '_blank', rel: 'noopener noreferrer nofollow' },
                    segment.text,
                  )
                : segment.text,
            ),
          )
        : // Sanitised by DOMPurify to a fixed set of elements and attributes just before this.
          h('div', {
            class: 'message-text message-text--md',
            innerHTML: renderMarkdown(props.text, props.mentions),
          });
  },
});
