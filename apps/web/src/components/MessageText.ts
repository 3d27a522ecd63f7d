import { defineComponent, h } from 'vue';
import { linkify } from '../services/linkify';

/**
 * Message text as text: links become anchors built as VNodes (http/https only, opening in a new
 * tab without access to this one); everything else, markup included, shows literally.
 */
export default defineComponent({
  name: 'MessageText',
  props: { text: { type: String, required: true } },
  setup(props) {
    return () =>
      h(
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
      );
  },
});
