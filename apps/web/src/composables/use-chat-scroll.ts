import { nextTick, ref, type Ref } from 'vue';

/** Within this many pixels of the bottom counts as "at the newest message". */
const BOTTOM_SLACK_PX = 64;
/** Closer than this to the top starts loading older messages. */
const TOP_TRIGGER_PX = 240;
const FLASH_MS = 2000;

export interface ChatScrollHooks {
  onTop: () => Promise<void>;
  onBottom: () => void;
  onAtBottomChange: (atBottom: boolean) => void;
}

/** Scroll behaviour of a chat log: stick to the bottom, page back at the top, keep position. */
export function useChatScroll(scroller: Ref<HTMLElement | null>, hooks: ChatScrollHooks) {
  const atBottom = ref(true);
  let loadingTop = false;

  const distanceFromBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight;

  function setAtBottom(value: boolean): void {
    if (atBottom.value === value) return;
    atBottom.value = value;
    hooks.onAtBottomChange(value);
  }

  /** Loads older messages above while keeping the visible ones where they are. */
  async function pageBack(el: HTMLElement): Promise<void> {
    if (loadingTop) return;
    loadingTop = true;
    const fromBottom = el.scrollHeight - el.scrollTop;
    try {
      await hooks.onTop();
      await nextTick();
      el.scrollTop = el.scrollHeight - fromBottom;
    } finally {
      loadingTop = false;
    }
  }

  function onScroll(): Promise<void> {
    const el = scroller.value;
    if (!el) return Promise.resolve();
    const bottom = distanceFromBottom(el) <= BOTTOM_SLACK_PX;
    setAtBottom(bottom);
    if (bottom) hooks.onBottom();
    return el.scrollTop < TOP_TRIGGER_PX ? pageBack(el) : Promise.resolve();
  }

  async function scrollToBottom(behavior: ScrollBehavior = 'auto'): Promise<void> {
    await nextTick();
    const el = scroller.value;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior });
    setAtBottom(true);
  }

  /** Brings one message into view, flashes it and moves keyboard focus to it. */
  async function reveal(seq: number): Promise<boolean> {
    await nextTick();
    const target = scroller.value?.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (!target) return false;
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
    target.classList.add('msg--flash');
    setTimeout(() => target.classList.remove('msg--flash'), FLASH_MS);
    setAtBottom(scroller.value ? distanceFromBottom(scroller.value) <= BOTTOM_SLACK_PX : false);
    return true;
  }

  return { atBottom, onScroll, scrollToBottom, reveal };
}
